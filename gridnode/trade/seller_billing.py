"""The seller's money book: the deposit, invoices in flight, and what has been paid."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridnode.money import Msat
from gridnode.trade.actions import CreateInvoice
from gridnode.trade.messages import InvoicePurpose
from gridnode.trade.supply import cltv_blocks, prepayment_window
from gridnode.trade.terms import Offer

#: A prepayment invoice expires quickly: it is for the next few seconds of energy, and
#: while one is unpaid no other is issued.
PREPAYMENT_EXPIRY_S = 30
PREPAYMENT_CLTV_DELTA = 40
#: The deposit invoice must be paid (locked) within this time after acceptance, or the
#: session closes: no power flows before it.
DEPOSIT_EXPIRY_S = 120
_NOTHING = Msat(0)


@dataclass(slots=True)
class SellerBilling:
    paid: Msat = _NOTHING
    payment_size: Msat = _NOTHING
    deposit_hash: bytes = b""
    deposit_locked: bool = False
    requests: dict[int, tuple[Msat, InvoicePurpose]] = field(default_factory=dict)
    outstanding: dict[bytes, Msat] = field(default_factory=dict)
    #: Invoices the buyer reported failed: no longer block a new one, still credited if
    #: they settle after all.
    superseded: dict[bytes, Msat] = field(default_factory=dict)
    next_request: int = 1

    def request(self, amount: Msat, purpose: InvoicePurpose, offer: Offer) -> CreateInvoice:
        request_id = self.next_request
        self.next_request += 1
        self.requests[request_id] = (amount, purpose)
        hold = purpose is InvoicePurpose.DEPOSIT
        return CreateInvoice(
            request_id,
            amount,
            purpose,
            hold=hold,
            memo=f"gridnode {'deposit' if hold else 'prepayment'}",
            expiry_s=DEPOSIT_EXPIRY_S if hold else PREPAYMENT_EXPIRY_S,
            cltv_expiry_delta=cltv_blocks(offer) if hold else PREPAYMENT_CLTV_DELTA,
        )

    def created(self, request_id: int, payment_hash: bytes) -> tuple[Msat, InvoicePurpose] | None:
        """Note an invoice the wallet made; None when we did not ask for it."""
        entry = self.requests.pop(request_id, None)
        if entry is None:
            return None
        if entry[1] is InvoicePurpose.DEPOSIT:
            self.deposit_hash = payment_hash
        else:
            self.outstanding[payment_hash] = entry[0]
        return entry

    def failed(self, request_id: int) -> InvoicePurpose | None:
        entry = self.requests.pop(request_id, None)
        return None if entry is None else entry[1]

    def settled(self, payment_hash: bytes, amount: Msat) -> bool:
        """Credit a settled prepayment; False when it is not one of ours in flight (LND
        replays settlements after a reconnect: each counts once)."""
        if not self.is_ours(payment_hash):
            return False
        self.outstanding.pop(payment_hash, None)
        self.superseded.pop(payment_hash, None)
        self.paid += amount
        return True

    def is_ours(self, payment_hash: bytes) -> bool:
        """A prepayment invoice of ours not yet settled."""
        return payment_hash in self.outstanding or payment_hash in self.superseded

    def forget(self, payment_hash: bytes) -> None:
        """The wallet cancelled or expired it: it can no longer be paid."""
        self.outstanding.pop(payment_hash, None)
        self.superseded.pop(payment_hash, None)

    def payment_failed(self, payment_hash: bytes) -> None:
        amount = self.outstanding.pop(payment_hash, None)
        if amount is not None:
            self.superseded[payment_hash] = amount

    def in_flight(self) -> bool:
        pending = any(p is InvoicePurpose.PREPAYMENT for _, p in self.requests.values())
        return pending or bool(self.outstanding)

    def next_invoice(self, offer: Offer, now_ms: int, credit_msat: int) -> Msat | None:
        """The size of the next prepayment invoice, if one is due: one in flight at a
        time, and only while paying it keeps credit within the prepayment window."""
        if self.payment_size <= Msat(0) or now_ms >= offer.stop_ms or self.in_flight():
            return None
        window = prepayment_window(offer, now_ms)
        size = min(self.payment_size, Msat(window))
        if credit_msat + size.msat <= window:
            return size
        return None
