"""The ledger's evidence: signed readings, relay switches and breaches."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import Any


class EvidenceMixin:
    """Mixed into :class:`gridnode.ledger.Ledger`, which provides the two helpers."""

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def next_ocmf_page(self, meter_id: str) -> int:
        """Reserve the next OCMF pagination number for ``meter_id`` (never reused)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO ocmf_pagination VALUES (?, 1) ON CONFLICT (meter_id)"
                " DO UPDATE SET next_page = next_page + 1",
                (meter_id,),
            )
            (page,) = db.execute(
                "SELECT next_page FROM ocmf_pagination WHERE meter_id = ?", (meter_id,)
            ).fetchone()
            return int(page)

    def reading(
        self, session_id: str, side: str, meter_id: str, pagination: int, at_ms: int, record: str
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO readings (session_id, side, meter_id, pagination, at_ms, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, side, meter_id, pagination, at_ms, record),
            )

    def has_received_frame(self, frame: bytes) -> bool:
        """Whether the journal holds ``frame`` as received, byte for byte (a message the
        peer link hands up again after a restart). It scans the journal: ask it only of
        those few."""
        rows = self._query(
            "SELECT 1 FROM journal WHERE kind = 'frame_received' AND data = ? LIMIT 1", (frame,)
        )
        return bool(rows)

    def readings(self, session_id: str, side: str) -> list[str]:
        rows = self._query(
            "SELECT record FROM readings WHERE session_id = ? AND side = ? ORDER BY pagination",
            (session_id, side),
        )
        return [str(r[0]) for r in rows]

    def last_session_reading(self, session_id: str, side: str) -> str | None:
        """The highest-numbered record of one side of a session, or None."""
        rows = self._query(
            "SELECT record FROM readings WHERE session_id = ? AND side = ?"
            " ORDER BY pagination DESC LIMIT 1",
            (session_id, side),
        )
        return str(rows[0][0]) if rows else None

    def last_reading(self, side: str, meter_id: str) -> tuple[str, str] | None:
        """The session id and record of the highest-numbered reading of a series, or None;
        a node continues its OCMF series for a meter from its own last record."""
        rows = self._query(
            "SELECT session_id, record FROM readings WHERE side = ? AND meter_id = ?"
            " ORDER BY pagination DESC LIMIT 1",
            (side, meter_id),
        )
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    def relay_switch(self, session_id: str | None, on: bool, cause: str, at_ms: int) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO relay_switches (session_id, relay_on, cause, at_ms)"
                " VALUES (?, ?, ?, ?)",
                (session_id, on, cause, at_ms),
            )

    def relay_switches(self, session_id: str) -> list[tuple[bool, str, int]]:
        rows = self._query(
            "SELECT relay_on, cause, at_ms FROM relay_switches WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [(bool(o), str(c), int(t)) for o, c, t in rows]

    def breach(self, session_id: str, kind: str, text: str, at_ms: int) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO breaches (session_id, kind, text, at_ms) VALUES (?, ?, ?, ?)",
                (session_id, kind, text, at_ms),
            )

    def breaches(self, session_id: str | None = None) -> list[tuple[str, str, str, int]]:
        rows = self._query(
            "SELECT session_id, kind, text, at_ms FROM breaches"
            " WHERE (?1 IS NULL OR session_id = ?1) ORDER BY id",
            (session_id,),
        )
        return [(str(s), str(k), str(t), int(a)) for s, k, t, a in rows]
