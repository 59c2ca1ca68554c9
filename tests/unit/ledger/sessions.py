"""Ledgers with sessions in them, for the hygiene tests."""

from __future__ import annotations

from gridnode.ledger import Ledger
from gridnode.money import Msat

DAY_MS = 24 * 3600 * 1000
PRE = b"\xaa" * 32


def hash_of(session_id: str, n: int) -> bytes:
    return (session_id.encode() + bytes([n])).ljust(32, b"\0")[:32]


def buyer_session(
    ledger: Ledger, session_id: str, at_ms: int, *, payments: int = 3, closed: bool = True
) -> list[bytes]:
    """A buyer's session: frames, signed readings, resolved payments; returns the hashes."""
    ledger.open_session(session_id, "f" * 64, "meter-1", at_ms)
    ledger.journal(session_id, "frame_received", at_ms, "received offer #1", b"offer")
    ledger.journal(session_id, "frame_sent", at_ms, "sent acceptance #1", b"acceptance")
    hashes = []
    for n in range(payments):
        t = at_ms + n * 1000
        ledger.journal(session_id, "frame_sent", t, f"sent heartbeat #{n + 2}", b"hb")
        ledger.journal(session_id, "frame_received", t, f"received heartbeat #{n + 2}", b"hb")
        ledger.journal(session_id, "frame_sent", t, f"sent meter_reading #{n + 2}", b"mr")
        ledger.journal(session_id, "frame_sent", t, f"sent payment_notice #{n + 2}", b"pn")
        page = ledger.next_ocmf_page("meter-1")
        ledger.reading(session_id, "own", "meter-1", page, t, f"OCMF|{session_id}|{page}")
        h = hash_of(session_id, n)
        ledger.payment_started(session_id, h, f"lnbcrt{n}", Msat(1000 + n), t)
        ledger.payment_resolved(h, "succeeded", t + 1, PRE)
        hashes.append(h)
    ledger.relay_switch(session_id, False, "closed", at_ms + payments * 1000)
    if closed:
        ledger.session_state(session_id, "closed", at_ms + payments * 1000, closed=True)
    return hashes


def count(ledger: Ledger, table: str, session_id: str) -> int:
    return int(
        ledger._query(f"SELECT count(*) FROM {table} WHERE session_id = ?", (session_id,))[0][0]
    )
