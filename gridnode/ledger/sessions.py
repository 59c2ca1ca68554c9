"""Sessions and their journal: every record a session asked for, verbatim, in order."""

from __future__ import annotations

from typing import Any

from gridnode.ledger.database import Database
from gridnode.ledger.rows import JournalEntry, SessionRow, SessionState, parse_state, state_text
from gridnode.money import Msat

#: The journal kind of a frame this node received (see gridnode.trade.actions.LedgerKind).
FRAME_RECEIVED = "frame_received"


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open(self, session_id: str, peer_fingerprint: str, meter_id: str, at_ms: int) -> None:
        """A new session (opening it again changes nothing)."""
        with self._db.tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO sessions (session_id, peer_fingerprint, meter_id, state,"
                " opened_at_ms) VALUES (?, ?, ?, ?, ?)",
                (session_id, peer_fingerprint, meter_id, SessionState.OPENED.value, at_ms),
            )

    def close(self, session_id: str, at_ms: int, cause: str | None = None) -> None:
        """The session is over; ``cause`` says why when the node, not the session, ended
        it (``the node restarted``)."""
        with self._db.tx() as db:
            db.execute(
                "UPDATE sessions SET state = ?, closed_at_ms = ? WHERE session_id = ?",
                (state_text(SessionState.CLOSED, cause), at_ms, session_id),
            )

    def open_ids(self) -> list[str]:
        """Sessions not closed (after a restart: the ones the crash cut short)."""
        rows = self._db.query(
            "SELECT session_id FROM sessions WHERE closed_at_ms IS NULL ORDER BY opened_at_ms"
        )
        return [str(r[0]) for r in rows]

    def get(self, session_id: str) -> SessionRow | None:
        rows = self._db.query_named("SELECT * FROM sessions WHERE session_id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    def find(self) -> list[SessionRow]:
        """Every session, oldest first."""
        rows = self._db.query_named("SELECT * FROM sessions ORDER BY opened_at_ms, rowid")
        return [_session(row) for row in rows]

    # -- the journal ------------------------------------------------------------------------
    def journal(self, entry: JournalEntry) -> int:
        """Append ``entry`` to its session's journal; returns its id."""
        with self._db.tx() as db:
            cursor = db.execute(
                "INSERT INTO journal (session_id, kind, at_ms, text, data, amount_msat,"
                " payment_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.session_id,
                    entry.kind,
                    entry.at_ms,
                    entry.text,
                    entry.data,
                    None if entry.amount is None else entry.amount.msat,
                    entry.payment_hash or None,
                ),
            )
            return int(cursor.lastrowid or 0)

    def entries(self, session_id: str, kinds: tuple[str, ...] = ()) -> list[JournalEntry]:
        """The session's journal in order, or only its entries of ``kinds``."""
        marks = ", ".join("?" for _ in kinds)
        only = f" AND kind IN ({marks})" if kinds else ""
        rows = self._db.query(
            "SELECT session_id, kind, at_ms, text, data, amount_msat, payment_hash FROM journal"
            f" WHERE session_id = ?{only} ORDER BY id",
            (session_id, *kinds),
        )
        return [
            JournalEntry(
                session_id=str(s),
                kind=str(k),
                at_ms=int(t),
                text=str(x),
                data=bytes(d),
                amount=None if a is None else Msat(int(a)),
                payment_hash=b"" if h is None else bytes(h),
            )
            for s, k, t, x, d, a, h in rows
        ]

    def has_received_frame(self, frame: bytes) -> bool:
        """Whether the journal holds ``frame`` as received, byte for byte (a message the
        peer link hands up again after a restart). It scans the journal: ask it only of
        those few."""
        rows = self._db.query(
            "SELECT 1 FROM journal WHERE kind = ? AND data = ? LIMIT 1", (FRAME_RECEIVED, frame)
        )
        return bool(rows)


def _session(row: dict[str, Any]) -> SessionRow:
    state, cause = parse_state(str(row["state"]))
    return SessionRow(
        session_id=str(row["session_id"]),
        peer_fingerprint=str(row["peer_fingerprint"]),
        meter_id=str(row["meter_id"]),
        state=state,
        closing_cause=cause,
        opened_at_ms=int(row["opened_at_ms"]),
        closed_at_ms=_int_or_none(row["closed_at_ms"]),
        # a ledger of schema 1, read without migrating, has no archive columns
        archived_at_ms=_int_or_none(row.get("archived_at_ms")),
        archive=None if row.get("archive") is None else str(row["archive"]),
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
