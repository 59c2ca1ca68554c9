"""Ledgers with sessions in them, for the hygiene tests."""

from __future__ import annotations

from gridnode.ledger import JournalEntry, LedgerStore, ReadingRow, ReadingSide
from gridnode.money import Msat

DAY_MS = 24 * 3600 * 1000
PRE = b"\xaa" * 32


def hash_of(session_id: str, n: int) -> bytes:
    return (session_id.encode() + bytes([n])).ljust(32, b"\0")[:32]


def buyer_session(
    ledger: LedgerStore, session_id: str, at_ms: int, *, payments: int = 3, closed: bool = True
) -> list[bytes]:
    """A buyer's session: frames, signed readings, resolved payments; returns the hashes."""

    def journal(kind: str, t: int, text: str, data: bytes) -> None:
        ledger.sessions.journal(JournalEntry(session_id, kind, t, text, data))

    ledger.sessions.open(session_id, "f" * 64, "meter-1", at_ms)
    journal("frame_received", at_ms, "received offer #1", b"offer")
    journal("frame_sent", at_ms, "sent acceptance #1", b"acceptance")
    hashes = []
    for n in range(payments):
        t = at_ms + n * 1000
        journal("frame_sent", t, f"sent heartbeat #{n + 2}", b"hb")
        journal("frame_received", t, f"received heartbeat #{n + 2}", b"hb")
        journal("frame_sent", t, f"sent meter_reading #{n + 2}", b"mr")
        journal("frame_sent", t, f"sent payment_notice #{n + 2}", b"pn")
        page = ledger.evidence.next_ocmf_page("meter-1")
        ledger.evidence.reading(
            ReadingRow(session_id, ReadingSide.OWN, "meter-1", page, t, f"OCMF|{session_id}|{page}")
        )
        h = hash_of(session_id, n)
        ledger.payments.started(session_id, h, f"lnbcrt{n}", Msat(1000 + n), t)
        ledger.payments.succeeded(h, t + 1, PRE, Msat(0))
        hashes.append(h)
    ledger.evidence.relay_switch(session_id, False, "closed", at_ms + payments * 1000)
    if closed:
        ledger.sessions.close(session_id, at_ms + payments * 1000)
    return hashes


def count(ledger: LedgerStore, table: str, session_id: str) -> int:
    return int(
        ledger.db.query(f"SELECT count(*) FROM {table} WHERE session_id = ?", (session_id,))[0][0]
    )
