"""The ledger's evidence: signed readings and their OCMF counters, relay switches and
breaches. What a receipt is built from, and what a dispute is settled with."""

from __future__ import annotations

from typing import Any

from gridnode.ledger.database import Database
from gridnode.ledger.rows import BreachRow, ReadingRow, ReadingSide, RelaySwitchRow

_READING = "SELECT session_id, side, meter_id, pagination, at_ms, record FROM readings"


class EvidenceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- signed readings ---------------------------------------------------------------
    def next_ocmf_page(self, meter_id: str) -> int:
        """Reserve the next OCMF pagination number for ``meter_id`` (never reused)."""
        with self._db.tx() as db:
            db.execute(
                "INSERT INTO ocmf_pagination VALUES (?, 1) ON CONFLICT (meter_id)"
                " DO UPDATE SET next_page = next_page + 1",
                (meter_id,),
            )
            (page,) = db.execute(
                "SELECT next_page FROM ocmf_pagination WHERE meter_id = ?", (meter_id,)
            ).fetchone()
            return int(page)

    def reading(self, row: ReadingRow) -> None:
        """Store one signed reading; a page its series already has is refused
        (:class:`~gridnode.ledger.errors.LedgerError`)."""
        with self._db.tx() as db:
            db.execute(
                "INSERT INTO readings (session_id, side, meter_id, pagination, at_ms, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    row.session_id,
                    row.side.value,
                    row.meter_id,
                    row.pagination,
                    row.at_ms,
                    row.record,
                ),
            )

    def readings(self, session_id: str, side: ReadingSide) -> list[ReadingRow]:
        """One side's readings of a session, in page order."""
        rows = self._db.query(
            f"{_READING} WHERE session_id = ? AND side = ? ORDER BY pagination",
            (session_id, side.value),
        )
        return [_reading(row) for row in rows]

    def last_session_reading(self, session_id: str, side: ReadingSide) -> ReadingRow | None:
        """The highest-numbered reading of one side of a session, or None."""
        rows = self._db.query(
            f"{_READING} WHERE session_id = ? AND side = ? ORDER BY pagination DESC LIMIT 1",
            (session_id, side.value),
        )
        return _reading(rows[0]) if rows else None

    def last_reading(self, side: ReadingSide, meter_id: str) -> ReadingRow | None:
        """The highest-numbered reading of a series, or None: a node continues its OCMF
        series for a meter from its own last record."""
        rows = self._db.query(
            f"{_READING} WHERE side = ? AND meter_id = ? ORDER BY pagination DESC LIMIT 1",
            (side.value, meter_id),
        )
        return _reading(rows[0]) if rows else None

    # -- relay switches and breaches ------------------------------------------------------
    def relay_switch(self, session_id: str | None, on: bool, cause: str, at_ms: int) -> None:
        with self._db.tx() as db:
            db.execute(
                "INSERT INTO relay_switches (session_id, relay_on, cause, at_ms)"
                " VALUES (?, ?, ?, ?)",
                (session_id, on, cause, at_ms),
            )

    def relay_switches(self, session_id: str | None = None) -> list[RelaySwitchRow]:
        """A session's relay switches in order, or every switch with ``None``."""
        rows = self._db.query(
            "SELECT session_id, relay_on, cause, at_ms FROM relay_switches"
            " WHERE (?1 IS NULL OR session_id = ?1) ORDER BY id",
            (session_id,),
        )
        return [
            RelaySwitchRow(None if s is None else str(s), bool(o), str(c), int(t))
            for s, o, c, t in rows
        ]

    def breach(self, session_id: str, kind: str, text: str, at_ms: int) -> None:
        with self._db.tx() as db:
            db.execute(
                "INSERT INTO breaches (session_id, kind, text, at_ms) VALUES (?, ?, ?, ?)",
                (session_id, kind, text, at_ms),
            )

    def breaches(self, session_id: str | None = None) -> list[BreachRow]:
        """A session's breaches in order, or every breach with ``None``."""
        rows = self._db.query(
            "SELECT session_id, kind, text, at_ms FROM breaches"
            " WHERE (?1 IS NULL OR session_id = ?1) ORDER BY id",
            (session_id,),
        )
        return [BreachRow(str(s), str(k), str(t), int(a)) for s, k, t, a in rows]


def _reading(row: tuple[Any, ...]) -> ReadingRow:
    session_id, side, meter_id, pagination, at_ms, record = row
    return ReadingRow(
        session_id=str(session_id),
        side=ReadingSide(str(side)),
        meter_id=str(meter_id),
        pagination=int(pagination),
        at_ms=int(at_ms),
        record=str(record),
    )
