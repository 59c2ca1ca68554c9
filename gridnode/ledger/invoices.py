"""The seller's invoices and the wallet cursor: every settlement credited once.

The money rule this repository holds (DESIGN.md invariant 5): a settlement is credited
once. The invoice's settle index and the wallet cursor advance in the same transaction,
and a settlement seen again changes nothing, so a restart resumes the wallet's
settled-invoice stream exactly after the last credited settlement.
"""

from __future__ import annotations

from collections.abc import Sequence

from gridnode.ledger.database import Database
from gridnode.ledger.rows import InvoicePurpose, InvoiceRow, InvoiceState
from gridnode.money import Msat

#: The states :meth:`InvoiceRepository.set_state` may write; settled comes only with its
#: credit (:meth:`InvoiceRepository.settled`), open only with the invoice.
_SETTABLE = (InvoiceState.ACCEPTED, InvoiceState.CANCELED)


#: A day's settlements per peer (``state`` a literal, so the partial index applies).
SETTLED_PER_PEER_SQL = (
    "SELECT s.peer_fingerprint, SUM(COALESCE(NULLIF(i.amount_paid_msat, 0), i.amount_msat))"
    " FROM invoices i JOIN sessions s ON s.session_id = i.session_id"
    " WHERE i.state = 'settled' AND i.settled_at_ms >= ?"
    " GROUP BY s.peer_fingerprint"
)


class InvoiceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def created(
        self,
        session_id: str,
        payment_hash: bytes,
        bolt11: str,
        amount: Msat,
        purpose: InvoicePurpose,
        hold: bool,
        at_ms: int,
        preimage: bytes | None = None,
    ) -> None:
        """An invoice this node issued. A hold invoice is written twice: first with its
        preimage and no BOLT11 (:meth:`hold_planned`, before the wallet knows it), then
        with the BOLT11 the wallet returned."""
        with self._db.tx() as db:
            db.execute(
                "INSERT INTO invoices (payment_hash, session_id, purpose, hold, bolt11,"
                " amount_msat, state, created_at_ms, preimage)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (payment_hash) DO UPDATE SET bolt11 = excluded.bolt11"
                " WHERE invoices.bolt11 = ''",
                (
                    payment_hash,
                    session_id,
                    purpose.value,
                    hold,
                    bolt11,
                    amount.msat,
                    InvoiceState.OPEN.value,
                    at_ms,
                    preimage,
                ),
            )

    def hold_planned(
        self,
        session_id: str,
        payment_hash: bytes,
        preimage: bytes,
        amount: Msat,
        purpose: InvoicePurpose,
        at_ms: int,
    ) -> None:
        """Keep a hold invoice's preimage before the invoice exists, so a crash between
        the two can never leave a payment we cannot settle."""
        self.created(session_id, payment_hash, "", amount, purpose, True, at_ms, preimage)

    def hold_preimage(self, payment_hash: bytes) -> bytes | None:
        rows = self._db.query(
            "SELECT preimage FROM invoices WHERE payment_hash = ? AND hold", (payment_hash,)
        )
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    def session_of(self, payment_hash: bytes) -> str | None:
        """The session that issued the invoice, or None if this ledger never did."""
        rows = self._db.query(
            "SELECT session_id FROM invoices WHERE payment_hash = ?", (payment_hash,)
        )
        return str(rows[0][0]) if rows else None

    def settled(
        self,
        payment_hash: bytes,
        settle_index: int,
        amount_paid: Msat,
        preimage: bytes | None,
        at_ms: int,
        *,
        advance_cursor: bool = True,
        reported_at_ms: int | None = None,
    ) -> bool:
        """Credit a settlement once. Returns False if it was credited before (or unknown).

        The wallet cursor advances in the same transaction. A settlement found out of
        order (by looking an invoice up) must not advance it: ``advance_cursor=False``,
        or earlier ones still to come would be skipped.
        """
        with self._db.tx() as db:
            if advance_cursor:
                db.execute(
                    "UPDATE wallet_cursor SET settle_index = max(settle_index, ?) WHERE id = 1",
                    (settle_index,),
                )
            cursor = db.execute(
                "UPDATE invoices SET state = ?, settle_index = ?, amount_paid_msat = ?,"
                " preimage = coalesce(?, preimage), settled_at_ms = ?, reported_at_ms = ?"
                " WHERE payment_hash = ? AND state != ?",
                (
                    InvoiceState.SETTLED.value,
                    settle_index,
                    amount_paid.msat,
                    preimage,
                    at_ms,
                    reported_at_ms,
                    payment_hash,
                    InvoiceState.SETTLED.value,
                ),
            )
            return cursor.rowcount == 1

    def set_state(self, payment_hash: bytes, state: InvoiceState) -> None:
        """A hold invoice accepted, or an invoice cancelled; a settled one stays settled."""
        if state not in _SETTABLE:
            raise ValueError(
                f"an invoice's state is set to accepted or canceled, not {state.value}; "
                "a settlement is credited with settled()"
            )
        with self._db.tx() as db:
            db.execute(
                "UPDATE invoices SET state = ? WHERE payment_hash = ? AND state != ?",
                (state.value, payment_hash, InvoiceState.SETTLED.value),
            )

    def settle_index(self) -> int:
        """The wallet cursor: the settle index of the last settlement credited in order."""
        return int(self._db.query("SELECT settle_index FROM wallet_cursor")[0][0])

    def find(
        self, session_id: str | None = None, state: InvoiceState | None = None
    ) -> list[InvoiceRow]:
        """Invoices, oldest first: all, or a session's, or those in one state."""
        rows = self._db.query(
            "SELECT payment_hash, session_id, purpose, hold, bolt11, amount_msat, state,"
            " created_at_ms, settle_index, amount_paid_msat, settled_at_ms, preimage"
            " FROM invoices"
            " WHERE (?1 IS NULL OR session_id = ?1) AND (?2 IS NULL OR state = ?2)"
            " ORDER BY created_at_ms, rowid",
            (session_id, None if state is None else state.value),
        )
        return [
            InvoiceRow(
                payment_hash=bytes(h),
                session_id=str(s),
                purpose=InvoicePurpose(str(p)),
                hold=bool(hd),
                bolt11=str(b),
                amount=Msat(int(a)),
                state=InvoiceState(str(st)),
                created_at_ms=int(c),
                settle_index=None if si is None else int(si),
                amount_paid=None if ap is None else Msat(int(ap)),
                settled_at_ms=None if sa is None else int(sa),
                preimage=None if pi is None else bytes(pi),
            )
            for h, s, p, hd, b, a, st, c, si, ap, sa, pi in rows
        ]

    def settled_per_peer_since(self, since_ms: int) -> dict[str, Msat]:
        """Per peer fingerprint, what its sessions' invoices settled since ``since_ms``
        brought in (what was paid, or the amount when LND did not say). Summed here, by
        an index on the settlement time: a timer asking for a day's spending never loads
        the years of invoices a ledger holds."""
        rows = self._db.query(SETTLED_PER_PEER_SQL, (since_ms,))
        return {str(peer): Msat(int(total)) for peer, total in rows}

    def unpruned_canceled(self) -> list[bytes]:
        """Cancelled invoices LND still keeps a record of (the node's pruner deletes them)."""
        rows = self._db.query(
            "SELECT payment_hash FROM invoices WHERE state = ? AND NOT pruned AND bolt11 != ''",
            (InvoiceState.CANCELED.value,),
        )
        return [bytes(r[0]) for r in rows]

    def mark_pruned(self, payment_hashes: Sequence[bytes]) -> None:
        """Note that LND's own record of these was deleted (the proof stays here)."""
        with self._db.tx() as db:
            db.executemany(
                "UPDATE invoices SET pruned = 1 WHERE payment_hash = ?",
                [(h,) for h in payment_hashes],
            )
