"""Keeping the ledger compact: the raw window and archiving closed sessions.

What the ledger keeps and why is in docs/storage.md. In short:

- *Raw entries* are the journal's entries no receipt needs: heartbeat frames, meter-reading
  frames, and the journal's copies of signed readings, whose OCMF records ``readings``
  keeps verbatim. They are deleted once older than the raw window
  (``ledger_raw_window_days``).
- *Archiving* (``gridnode ledger prune --before DATE``) writes a closed session's receipt
  to a file, then deletes the session's rows. The session's row stays, marked archived,
  and so does the last signed reading of every meter series: a node continues its OCMF
  pagination from it. The wallet cursor and the OCMF counters are never touched.

Nothing unproven is deleted: a session with a payment in flight, a deposit still held,
an invoice that may have been paid while the node was down, or an LND record the node
has not yet deleted is skipped, with the reason.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from gridnode.ledger.database import Database
from gridnode.ledger.errors import ArchiveError
from gridnode.ledger.rows import ArchiveCandidates, Archived, HeldBack
from gridnode.trade.bolt11 import Bolt11Error, decode

#: Message kinds whose journalled frames are raw entries (see the module docstring).
RAW_FRAME_KINDS = ("heartbeat", "meter_reading")

#: Allowance between the node's clock and its LND's when comparing an invoice's expiry
#: (LND's clock, in the BOLT11) with when the node wrote a later invoice.
CLOCK_SKEW_MS = 60_000

_RAW_PATTERNS = tuple(
    f"{verb} {kind} #*" for kind in RAW_FRAME_KINDS for verb in ("sent", "received")
)

#: The tables whose rows belong to one session, deleted when it is archived.
_SESSION_TABLES = ("journal", "breaches", "relay_switches", "payments", "invoices")


class HygieneRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- the raw window -----------------------------------------------------------------
    def prune_raw(self, before_ms: int) -> int:
        """Delete the raw journal entries written before ``before_ms``; returns how many.

        Raw: the frames in :data:`RAW_FRAME_KINDS`, and the journal's copies of signed
        readings that ``readings`` holds byte for byte (a copy without its twin there,
        as a crash between the two writes could leave, is the only one and stays).
        """
        globs = " OR ".join("text GLOB ?" for _ in _RAW_PATTERNS)
        with self._db.tx() as db:
            frames = db.execute(
                "DELETE FROM journal WHERE at_ms < ? AND kind IN ('frame_sent', 'frame_received')"
                f" AND ({globs})",
                (before_ms, *_RAW_PATTERNS),
            ).rowcount
            copies = db.execute(
                "DELETE FROM journal WHERE id IN (SELECT j.id FROM journal AS j"
                " JOIN readings AS r ON r.session_id = j.session_id AND r.at_ms = j.at_ms"
                " AND r.record = CAST(j.data AS TEXT)"
                " WHERE j.at_ms < ? AND j.kind IN ('reading', 'peer_reading'))",
                (before_ms,),
            ).rowcount
            return int(frames) + int(copies)

    # -- archiving ------------------------------------------------------------------------
    def archive_candidates(self, before_ms: int) -> ArchiveCandidates:
        """Sessions closed before ``before_ms`` and not archived yet: those that may be
        archived, and those that may not, each with the reason."""
        ready: list[str] = []
        held_back: list[HeldBack] = []
        with self._db.tx() as db:  # one consistent view
            closed = db.execute(
                "SELECT session_id FROM sessions WHERE closed_at_ms IS NOT NULL"
                " AND closed_at_ms < ? AND archived_at_ms IS NULL ORDER BY closed_at_ms",
                (before_ms,),
            ).fetchall()
            for (session_id,) in closed:
                reason = _holds_back(db, str(session_id))
                if reason is None:
                    ready.append(str(session_id))
                else:
                    held_back.append(HeldBack(str(session_id), reason))
        return ArchiveCandidates(tuple(ready), tuple(held_back))

    def delete_archived(self, archives: Iterable[Archived], at_ms: int) -> int:
        """Delete the rows of sessions whose receipts are written, keeping each session's
        row and every meter series' last reading; one transaction. The reasons to hold a
        session back are checked again inside it."""
        done = list(archives)
        with self._db.tx() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS prune_ids (session_id TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.prune_ids")
            for archived in done:
                reason = _holds_back(db, archived.session_id)
                if reason is not None:
                    raise ArchiveError(
                        f"ledger: session {archived.session_id} changed while it was archived "
                        f"({reason}); nothing was deleted."
                    )
            db.executemany("INSERT INTO temp.prune_ids VALUES (?)", [(a.session_id,) for a in done])
            for table in _SESSION_TABLES:
                # ``table`` is one of the fixed names above
                db.execute(
                    f"DELETE FROM {table} WHERE session_id IN (SELECT session_id FROM prune_ids)"
                )
            db.execute(
                "DELETE FROM readings WHERE session_id IN (SELECT session_id FROM prune_ids)"
                " AND id NOT IN (SELECT id FROM (SELECT id, max(pagination) FROM readings"
                " GROUP BY side, meter_id))"
            )
            db.executemany(
                "UPDATE sessions SET archived_at_ms = ?, archive = ? WHERE session_id = ?",
                [(at_ms, a.archive, a.session_id) for a in done],
            )
            db.execute("DELETE FROM temp.prune_ids")
            return len(done)

    def session_rows(self, session_id: str) -> dict[str, object]:
        """Every row of one session as JSON-ready values (bytes as hex), table by table."""
        dump: dict[str, object] = {"session_id": session_id}
        for table in ("sessions", "readings", *_SESSION_TABLES):
            # ``table`` is one of the fixed names above
            rows = self._db.query_named(
                f"SELECT * FROM {table} WHERE session_id = ?", (session_id,)
            )
            dump[table] = [
                {n: v.hex() if isinstance(v, bytes) else v for n, v in row.items()} for row in rows
            ]
        return dump

    def vacuum(self) -> None:
        """Give the space of deleted rows back (see :meth:`Database.vacuum`)."""
        self._db.vacuum()

    def stored_bytes(self) -> int:
        """The ledger's size on disk: the database and its WAL."""
        return stored_bytes(self._db.path)


def stored_bytes(ledger_path: Path) -> int:
    """The size on disk of the ledger at ``ledger_path``: the database and its WAL."""
    total = 0
    for path in (ledger_path, ledger_path.with_name(ledger_path.name + "-wal")):
        with contextlib.suppress(FileNotFoundError):
            total += path.stat().st_size
    return total


def _holds_back(db: sqlite3.Connection, session_id: str) -> str | None:
    """Why this session's rows may not go yet, or None."""
    (in_flight, unpruned) = db.execute(
        "SELECT count(*) FILTER (WHERE status = 'in_flight'),"
        " count(*) FILTER (WHERE status != 'in_flight' AND NOT pruned)"
        " FROM payments WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    if in_flight:
        return (
            f"{in_flight} payment(s) still in flight; start the node, which tracks them "
            "until LND says how they ended"
        )
    if unpruned:
        return (
            f"LND still keeps {unpruned} of its payment record(s); start the node, whose "
            "pruner deletes them, then prune again"
        )
    (held, canceled) = db.execute(
        "SELECT count(*) FILTER (WHERE state = 'accepted'),"
        " count(*) FILTER (WHERE state = 'canceled' AND NOT pruned AND bolt11 != '')"
        " FROM invoices WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    live = _maybe_paid(db, session_id)
    if held:
        return (
            f"{held} held payment(s) (accepted hold invoices) are neither settled nor "
            "released; start the node, which releases them"
        )
    if canceled:
        return (
            f"LND still keeps {canceled} cancelled invoice(s); start the node, whose "
            "pruner deletes them, then prune again"
        )
    if live:
        return (
            f"{live} unpaid invoice(s) may have been paid while the node was not looking; "
            "start the node and prune again once it has been paid for invoices written "
            "after they expired"
        )
    return None


def _maybe_paid(db: sqlite3.Connection, session_id: str) -> int:
    """How many of the session's unpaid ('open') invoices are not proven dead.

    An invoice LND settled while the node was down is still 'open' in the ledger until
    the node's settled-invoice stream replays it. Offline, the ledger proves an invoice
    can no longer be settled when it has expired (BOLT11 timestamp + expiry) and a
    *later* invoice, written after that expiry, is credited at or below the wallet
    cursor: LND numbers settlements in order, the stream delivers every one up to the
    cursor, and the expired one would have been settled (and credited) before it. A
    hold invoice planned but never given to LND (no BOLT11) cannot be paid at all.
    """
    unpaid = db.execute(
        "SELECT bolt11 FROM invoices WHERE session_id = ? AND state = 'open' AND bolt11 != ''",
        (session_id,),
    ).fetchall()
    if not unpaid:
        return 0
    (proven_until,) = db.execute(
        "SELECT max(created_at_ms) FROM invoices WHERE settle_index IS NOT NULL"
        " AND settle_index <= (SELECT settle_index FROM wallet_cursor)"
    ).fetchone()
    alive = 0
    for (text,) in unpaid:
        expires_ms = _expiry_ms(str(text))
        if proven_until is None or expires_ms is None or proven_until <= expires_ms + CLOCK_SKEW_MS:
            alive += 1
    return alive


def _expiry_ms(text: str) -> int | None:
    """When a BOLT11 invoice expires (Unix ms), or None when it does not decode."""
    try:
        return decode(text).expires_at_s * 1000
    except Bolt11Error:
        return None
