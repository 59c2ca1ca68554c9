"""Sessions and their journal: every record a session asked for, verbatim, in order."""

from __future__ import annotations

from typing import Any

from gridnode.ledger.database import Database
from gridnode.ledger.errors import CircuitBusyError, LedgerError
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

    def receive(self, session_id: str) -> None:
        """Mark the session as the one that receives on its circuit (its meter): refused
        with :class:`CircuitBusyError` while another session of the same meter receives
        and is not closed, so two sellers are never paid for one circuit at once (the
        estate market, docs/market.md). Marking it again changes nothing."""
        with self._db.tx() as db:
            rows = db.execute(
                "SELECT meter_id, closed_at_ms FROM sessions WHERE session_id = ?",
                (session_id,),
            ).fetchall()
            if not rows or rows[0][1] is not None:
                raise LedgerError(
                    f"ledger: session {session_id} is not open, so it cannot receive; "
                    "open a new session"
                )
            meter_id = str(rows[0][0])
            busy = db.execute(
                "SELECT session_id FROM sessions WHERE meter_id = ? AND state = ? AND "
                "closed_at_ms IS NULL AND session_id != ?",
                (meter_id, SessionState.RECEIVING.value, session_id),
            ).fetchall()
            if busy:
                raise CircuitBusyError(
                    f"ledger: session {busy[0][0]} still receives on circuit {meter_id!r}; "
                    f"close it before session {session_id} may receive (break before make)"
                )
            db.execute(
                "UPDATE sessions SET state = ? WHERE session_id = ?",
                (SessionState.RECEIVING.value, session_id),
            )

    def receiving(self, meter_id: str) -> list[str]:
        """The sessions receiving on ``meter_id``'s circuit now (never more than one)."""
        rows = self._db.query(
            "SELECT session_id FROM sessions WHERE meter_id = ? AND state = ? AND "
            "closed_at_ms IS NULL ORDER BY opened_at_ms",
            (meter_id, SessionState.RECEIVING.value),
        )
        return [str(r[0]) for r in rows]

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
