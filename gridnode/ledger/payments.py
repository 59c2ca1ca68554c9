"""The buyer's payments: written before they are attempted, attempted once.

The money rules this repository holds (DESIGN.md invariants 4 and 5): a payment row
exists, in flight, before the payment is attempted; a payment hash can be attempted once
only (:class:`DuplicatePaymentError`); a payment resolves once, to succeeded with its
preimage (the schema refuses one without) or to failed with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from gridnode.ledger.database import Database
from gridnode.ledger.errors import DuplicatePaymentError
from gridnode.ledger.rows import PaymentRow, PaymentStatus
from gridnode.money import Msat

#: A day's payments per peer (``status`` a literal, so the partial index applies).
PAID_PER_PEER_SQL = (
    "SELECT s.peer_fingerprint, SUM(p.amount_msat + p.fee_msat)"
    " FROM payments p JOIN sessions s ON s.session_id = p.session_id"
    " WHERE p.status = 'succeeded' AND p.resolved_at_ms >= ?"
    " GROUP BY s.peer_fingerprint"
)


class PaymentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def started(
        self, session_id: str, payment_hash: bytes, bolt11: str, amount: Msat, at_ms: int
    ) -> None:
        """Write the attempt before paying; a hash already attempted is refused."""
        with self._db.tx() as db:
            seen = db.execute(
                "SELECT status FROM payments WHERE payment_hash = ?", (payment_hash,)
            ).fetchone()
            if seen is not None:
                raise DuplicatePaymentError(
                    f"payment {payment_hash.hex()} was attempted before ({seen[0]}); "
                    "it is never paid twice."
                )
            db.execute(
                "INSERT INTO payments (payment_hash, session_id, bolt11, amount_msat, status,"
                " attempted_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    payment_hash,
                    session_id,
                    bolt11,
                    amount.msat,
                    PaymentStatus.IN_FLIGHT.value,
                    at_ms,
                ),
            )

    def succeeded(
        self,
        payment_hash: bytes,
        at_ms: int,
        preimage: bytes,
        fee: Msat,
        *,
        lnd_resolved_at_ms: int | None = None,
    ) -> None:
        """The payment went through: its proof and the fee it cost (and when LND says its
        HTLCs resolved, when it says)."""
        self._resolve(
            payment_hash, PaymentStatus.SUCCEEDED, at_ms, preimage, fee, None, lnd_resolved_at_ms
        )

    def failed(self, payment_hash: bytes, at_ms: int, reason: str) -> None:
        """The payment will never go through (the amount is not spent)."""
        self._resolve(payment_hash, PaymentStatus.FAILED, at_ms, None, Msat(0), reason)

    def _resolve(
        self,
        payment_hash: bytes,
        status: PaymentStatus,
        at_ms: int,
        preimage: bytes | None,
        fee: Msat,
        failure: str | None,
        lnd_resolved_at_ms: int | None = None,
    ) -> None:
        with self._db.tx() as db:
            db.execute(
                "UPDATE payments SET status = ?, preimage = ?, fee_msat = ?, failure = ?,"
                " resolved_at_ms = ?, lnd_resolved_at_ms = ? WHERE payment_hash = ? AND status = ?",
                (
                    status.value,
                    preimage,
                    fee.msat,
                    failure,
                    at_ms,
                    lnd_resolved_at_ms,
                    payment_hash,
                    PaymentStatus.IN_FLIGHT.value,
                ),
            )

    def get(self, payment_hash: bytes) -> PaymentRow | None:
        rows = self._select("WHERE payment_hash = ?", (payment_hash,))
        return rows[0] if rows else None

    def find(
        self, session_id: str | None = None, status: PaymentStatus | None = None
    ) -> list[PaymentRow]:
        """Payments in the order they were attempted: all, a session's, or in one status."""
        return self._select(
            "WHERE (?1 IS NULL OR session_id = ?1) AND (?2 IS NULL OR status = ?2)",
            (session_id, None if status is None else status.value),
        )

    def paid_per_peer_since(self, since_ms: int) -> dict[str, Msat]:
        """Per peer fingerprint, what the payments that succeeded since ``since_ms``
        cost (amounts and fees); summed here, as the invoices' are."""
        rows = self._db.query(PAID_PER_PEER_SQL, (since_ms,))
        return {str(peer): Msat(int(total)) for peer, total in rows}

    def unpruned(self, limit: int) -> list[bytes]:
        """Resolved payments whose LND record has not been deleted yet, oldest first."""
        rows = self._db.query(
            "SELECT payment_hash FROM payments WHERE status != ? AND NOT pruned"
            " ORDER BY attempted_at_ms, rowid LIMIT ?",
            (PaymentStatus.IN_FLIGHT.value, limit),
        )
        return [bytes(r[0]) for r in rows]

    def mark_pruned(self, payment_hashes: Sequence[bytes]) -> None:
        """Note that LND's own record of these was deleted (the proof stays here)."""
        with self._db.tx() as db:
            db.executemany(
                "UPDATE payments SET pruned = 1 WHERE payment_hash = ?",
                [(h,) for h in payment_hashes],
            )

    def _select(self, where: str, args: tuple[object, ...]) -> list[PaymentRow]:
        rows = self._db.query(
            "SELECT payment_hash, session_id, bolt11, amount_msat, status, fee_msat, preimage,"
            f" failure, attempted_at_ms, resolved_at_ms FROM payments {where}"
            " ORDER BY attempted_at_ms, rowid",
            args,
        )
        return [
            PaymentRow(
                payment_hash=bytes(h),
                session_id=str(s),
                bolt11=str(b),
                amount=Msat(int(a)),
                status=PaymentStatus(str(st)),
                fee=Msat(int(f)),
                preimage=None if p is None else bytes(p),
                failure=None if why is None else str(why),
                attempted_at_ms=int(t),
                resolved_at_ms=None if r is None else int(r),
            )
            for h, s, b, a, st, f, p, why, t, r in rows
        ]
