"""Credit notes: the credit a seller's signed closing statement left (issue 19).

Both nodes keep one row per statement (its session's protocol id is the note's id), with
the exact signed frame. A note is settled once, by one atomic move out of ``open``:
carried into a later session, or requested for a refund (the BOLT11 and its payment hash
written before the seller pays), then paid (with the preimage, the proof) or waived. A
refund payment that fails puts the note back to ``open`` with the reason, so the buyer
can ask again with a new invoice; a paid note is never paid again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridnode.ledger.database import Database
from gridnode.money import Msat


class CreditNoteState(enum.Enum):
    OPEN = "open"  # owed by the seller: carried or paid back later
    CARRIED = "carried"  # honoured by a later session (carried_into)
    REQUESTED = "requested"  # the buyer's refund invoice is in; the payment may be under way
    PAID = "paid"  # paid back; the preimage proves it
    WAIVED = "waived"  # the buyer gave it up


#: The states a note is settled in for good.
SETTLED = frozenset({CreditNoteState.CARRIED, CreditNoteState.PAID, CreditNoteState.WAIVED})


@dataclass(frozen=True, slots=True)
class CreditNoteRow:
    note_id: bytes
    session_id: str
    peer_fingerprint: str
    credit: Msat
    statement: bytes
    state: CreditNoteState
    bolt11: str
    payment_hash: bytes | None
    preimage: bytes | None
    carried_into: str
    failure: str
    noted_at_ms: int
    settled_at_ms: int | None


_COLUMNS = (
    "note_id, session_id, peer_fingerprint, credit_msat, statement, state, bolt11,"
    " payment_hash, preimage, carried_into, failure, noted_at_ms, settled_at_ms"
)


class CreditNoteRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def noted(
        self,
        note_id: bytes,
        session_id: str,
        peer_fingerprint: str,
        credit: Msat,
        statement: bytes,
        at_ms: int,
    ) -> None:
        """Write a statement's note; a later statement of the same session (restated after
        a late settlement) replaces it while the note is still open."""
        with self._db.tx() as db:
            db.execute(
                "INSERT INTO credit_notes (note_id, session_id, peer_fingerprint, credit_msat,"
                " statement, state, noted_at_ms) VALUES (?, ?, ?, ?, ?, 'open', ?)"
                " ON CONFLICT (note_id) DO UPDATE SET credit_msat = excluded.credit_msat,"
                " statement = excluded.statement WHERE state = 'open'",
                (note_id, session_id, peer_fingerprint, credit.msat, statement, at_ms),
            )

    def carried(
        self, note_id: bytes, into_session: str, at_ms: int, *, also_requested: bool = False
    ) -> bool:
        """Settle an open note by carrying it into ``into_session``; False if not open.
        ``also_requested``: the buyer's side, where a note it asked back and the seller
        carried instead (the seller then refuses the refund) is carried too."""
        states = ("open", "requested") if also_requested else ("open",)
        return self._move(
            note_id,
            CreditNoteState.CARRIED,
            "carried_into = ?, settled_at_ms = ?",
            (into_session, at_ms),
            states,
        )

    def requested(
        self, note_id: bytes, bolt11: str, payment_hash: bytes, *, again: bool = False
    ) -> bool:
        """The buyer's refund invoice, written before anything pays it; False if the note
        is not open (carried, paid, waived, or a refund already under way). ``again``:
        the buyer's side asking once more, with a new invoice, for a note it asked back
        and was not paid yet (the seller's payment failed, or its answer was lost)."""
        return self._move(
            note_id,
            CreditNoteState.REQUESTED,
            "bolt11 = ?, payment_hash = ?, failure = ''",
            (bolt11, payment_hash),
            ("open", "requested") if again else ("open",),
        )

    def paid(
        self,
        note_id: bytes,
        preimage: bytes,
        at_ms: int,
        *,
        bolt11: str = "",
        payment_hash: bytes = b"",
    ) -> None:
        """The refund went through (the note was requested; or waived while its refund
        was under way, and the money came anyway). ``bolt11`` and ``payment_hash``: the
        invoice it paid, when the buyer asked more than once and an earlier one was paid."""
        with self._db.tx() as db:
            db.execute(
                "UPDATE credit_notes SET state = 'paid', preimage = ?, settled_at_ms = ?,"
                " bolt11 = CASE WHEN ? = '' THEN bolt11 ELSE ? END,"
                " payment_hash = CASE WHEN ? = x'' THEN payment_hash ELSE ? END"
                " WHERE note_id = ? AND state IN ('requested', 'open', 'waived')",
                (preimage, at_ms, bolt11, bolt11, payment_hash, payment_hash, note_id),
            )

    def failed(self, note_id: bytes, reason: str) -> None:
        """The refund payment failed for good: the note is owed again."""
        with self._db.tx() as db:
            db.execute(
                "UPDATE credit_notes SET state = 'open', failure = ?"
                " WHERE note_id = ? AND state = 'requested'",
                (reason, note_id),
            )

    def waived(self, note_id: bytes, at_ms: int, *, also_requested: bool = False) -> bool:
        """The buyer gave the note up; False if it was not open. ``also_requested``: the
        buyer's side, which may give up a note it asked back and was not paid yet."""
        states = ("open", "requested") if also_requested else ("open",)
        return self._move(note_id, CreditNoteState.WAIVED, "settled_at_ms = ?", (at_ms,), states)

    def get(self, note_id: bytes) -> CreditNoteRow | None:
        rows = self._select("WHERE note_id = ?", (note_id,))
        return rows[0] if rows else None

    def find(
        self, peer_fingerprint: str | None = None, state: CreditNoteState | None = None
    ) -> list[CreditNoteRow]:
        """Notes oldest first: all, a peer's, or in one state."""
        return self._select(
            "WHERE (?1 IS NULL OR peer_fingerprint = ?1) AND (?2 IS NULL OR state = ?2)",
            (peer_fingerprint, None if state is None else state.value),
        )

    def _move(
        self,
        note_id: bytes,
        to: CreditNoteState,
        sets: str,
        args: tuple[object, ...],
        states: tuple[str, ...] = ("open",),
    ) -> bool:
        marks = ", ".join("?" for _ in states)
        with self._db.tx() as db:
            cursor = db.execute(
                f"UPDATE credit_notes SET state = ?, {sets} WHERE note_id = ?"
                f" AND state IN ({marks})",
                (to.value, *args, note_id, *states),
            )
            return cursor.rowcount == 1

    def _select(self, where: str, args: tuple[object, ...]) -> list[CreditNoteRow]:
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM credit_notes {where} ORDER BY noted_at_ms, rowid", args
        )
        return [
            CreditNoteRow(
                note_id=bytes(n),
                session_id=str(s),
                peer_fingerprint=str(f),
                credit=Msat(int(c)),
                statement=bytes(st),
                state=CreditNoteState(str(state)),
                bolt11=str(b),
                payment_hash=None if h is None else bytes(h),
                preimage=None if p is None else bytes(p),
                carried_into=str(into),
                failure=str(why),
                noted_at_ms=int(t),
                settled_at_ms=None if done is None else int(done),
            )
            for n, s, f, c, st, state, b, h, p, into, why, t, done in rows
        ]
