"""The seller's money book: the deposit, invoices in flight, and what has been paid.

It also answers the wallet's deposit events and decides the deposit's fate at close
(refund, or keep it when the buyer owes), returning the ledger entries and wallet actions
for the session to emit, and watches the steady payment pace against the storage budget
(:mod:`gridnode.trade.pace`): all of it is about money, none of it about the relay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade.actions import (
    Action,
    CancelHoldInvoice,
    CreateInvoice,
    LedgerKind,
    Notify,
    Record,
    SettleHoldInvoice,
)
from gridnode.trade.cadence import PAYMENT_LEAD_MS, Budgets, Cadence, cadence
from gridnode.trade.events import HoldInvoiceAccepted, InvoiceSettled
from gridnode.trade.messages import InvoicePurpose
from gridnode.trade.pace import PaceWatch
from gridnode.trade.supply import cltv_blocks
from gridnode.trade.terms import Offer

#: A prepayment invoice expires quickly: it is for the next few seconds of energy, and
#: while one is unpaid no other is issued.
PREPAYMENT_EXPIRY_S = 30
PREPAYMENT_CLTV_DELTA = 40
#: The deposit invoice must be paid (locked) within this time after acceptance, or the
#: session closes: no power flows before it.
DEPOSIT_EXPIRY_S = 120
#: A deposit counts only while at least this many blocks of its time lock remain, so
#: the seller can still settle it; a renewal that runs past that takes a new deposit.
DEPOSIT_SAFETY_BLOCKS = 20
_MS_PER_BLOCK = 600_000
#: After the buyer reports a payment failed (its LND restarting, its channel not yet
#: active again), the next invoice waits this long, doubled per failure in a row up to
#: :data:`MAX_RETRY_AFTER_FAILURE_MS`; a settlement ends the run. Without it, a channel
#: down for a few seconds made a new invoice (and an LND invoice, and a signed reading)
#: every 30 ms: the fault drill counted 139 in four seconds.
RETRY_AFTER_FAILURE_MS = 500
MAX_RETRY_AFTER_FAILURE_MS = 5_000
_FOREVER_MS = 2**62
_NOTHING = Msat(0)


@dataclass(slots=True)
class SellerBilling:
    paid: Msat = _NOTHING
    #: A credit note of an earlier session this one honours: paid before any invoice.
    carried_in: Msat = _NOTHING
    payment_size: Msat = _NOTHING
    deposit_hash: bytes = b""
    deposit_locked: bool = False
    #: The locked deposit is being settled for a default at the close.
    deposit_kept: bool = False
    deposit_amount: Msat = _NOTHING
    #: Until when the locked deposit can be relied on (its time lock less the safety).
    deposit_cover_until_ms: int = _FOREVER_MS
    #: A replacement deposit asked for when a renewal outlives the current one.
    next_deposit_hash: bytes = b""
    deposit_cltv: dict[bytes, int] = field(default_factory=dict)
    _request_cltv: dict[int, int] = field(default_factory=dict)
    requests: dict[int, tuple[Msat, InvoicePurpose]] = field(default_factory=dict)
    outstanding: dict[bytes, Msat] = field(default_factory=dict)
    #: Invoices the buyer reported failed: no longer block a new one, still credited if
    #: they settle after all.
    superseded: dict[bytes, Msat] = field(default_factory=dict)
    next_request: int = 1
    #: Allowed from asking for an invoice to its settlement (gridnode.trade.cadence).
    lead_ms: int = PAYMENT_LEAD_MS
    #: The storage budget's shortest time between payments (0: none).
    min_interval_ms: int = 0
    #: The cadence of the latest step chosen.
    pace: Cadence | None = None
    #: The steady pace of prepayment invoices against the storage budget.
    pace_watch: PaceWatch = field(default_factory=lambda: PaceWatch(0))
    #: Payments the buyer reported failed since the last settlement, and the earliest
    #: time the next invoice may be asked for (:data:`RETRY_AFTER_FAILURE_MS`).
    failures_in_row: int = 0
    retry_at_ms: int = 0

    def request(self, amount: Msat, purpose: InvoicePurpose, offer: Offer) -> CreateInvoice:
        request_id = self.next_request
        self.next_request += 1
        self.requests[request_id] = (amount, purpose)
        hold = purpose is InvoicePurpose.DEPOSIT
        if hold:
            self.deposit_amount = amount
            self._request_cltv[request_id] = cltv_blocks(offer)
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
            self.deposit_cltv[payment_hash] = self._request_cltv.pop(request_id)
            if self.deposit_locked:
                self.next_deposit_hash = payment_hash
            else:
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
        self.failures_in_row, self.retry_at_ms = 0, 0
        return True

    def lock_deposit(self, payment_hash: bytes, amount: Msat, now_ms: int) -> bytes | None:
        """A deposit hold invoice was accepted. Returns the hash of a deposit it replaces
        (to be cancelled), or None."""
        if amount < self.deposit_amount or payment_hash not in self.deposit_cltv:
            return None
        blocks = self.deposit_cltv[payment_hash] - DEPOSIT_SAFETY_BLOCKS
        cover = now_ms + blocks * _MS_PER_BLOCK
        if payment_hash == self.deposit_hash and not self.deposit_locked:
            # min(): after a restart the ledger's cover (from the first lock) stands.
            self.deposit_locked = True
            self.deposit_cover_until_ms = min(cover, self.deposit_cover_until_ms)
        elif payment_hash == self.next_deposit_hash:
            old = self.deposit_hash
            self.deposit_hash, self.next_deposit_hash = payment_hash, b""
            self.deposit_cover_until_ms = cover
            return old
        return None

    def deposit_accepted(self, event: HoldInvoiceAccepted, now_ms: int) -> list[Action]:
        """The wallet reports a deposit payment held: the ledger entries for a deposit
        now locked (cancelling the one a replacement supersedes), or a note when the
        payment is below the agreed amount."""
        was_locked = self.deposit_locked
        replaced = self.lock_deposit(event.payment_hash, event.amount, now_ms)
        if replaced is not None:
            locked = money(LedgerKind.DEPOSIT, now_ms, "new deposit locked", event)
            return [locked, CancelHoldInvoice(replaced)]
        if self.deposit_locked and not was_locked:
            return [money(LedgerKind.DEPOSIT, now_ms, "deposit locked", event)]
        if event.amount < self.deposit_amount:
            return [Notify(f"a deposit payment of {event.amount} is below the agreed")]
        return []

    def release_at_close(self, credit: Fraction, now_ms: int, out: list[Action]) -> bool:
        """The session is closing: cancel a replacement deposit still open, and settle
        the locked deposit when the buyer owes (``credit`` < 0) or cancel (refund) it.
        True while the wallet's answer about a locked deposit is awaited (the session
        closes on it); False when nothing locked is left to wait for."""
        deposit = self.deposit_hash
        if self.next_deposit_hash:
            out.append(CancelHoldInvoice(self.next_deposit_hash))
        if self.deposit_locked and deposit and credit < 0:
            out.append(Record(LedgerKind.BREACH, now_ms, "the buyer owes at close: deposit kept"))
            out.append(SettleHoldInvoice(deposit))
            self.deposit_kept = True
            return True
        if self.deposit_locked and deposit:
            out.append(CancelHoldInvoice(deposit))
            return True
        if deposit:
            out.append(CancelHoldInvoice(deposit))
        return False

    def storage_warning(self, now_ms: int) -> str | None:
        """A prepayment invoice was asked for: the sentence for the operator when the
        steady pace starts paying more often than the storage budget allows if kept up
        all day, or stops (:class:`~gridnode.trade.pace.PaceWatch`)."""
        self.pace_watch.min_interval_ms = self.min_interval_ms
        return self.pace_watch.invoiced(now_ms)

    def deposit_holds(self, now_ms: int) -> bool:
        """The deposit is locked and its time lock still leaves room to settle it."""
        return self.deposit_locked and now_ms < self.deposit_cover_until_ms

    def needs_new_deposit(self, offer: Offer) -> bool:
        """A renewal runs past what the current deposit covers."""
        return (
            self.deposit_locked
            and self.deposit_amount > _NOTHING
            and not self.next_deposit_hash
            and not any(p is InvoicePurpose.DEPOSIT for _, p in self.requests.values())
            and offer.stop_ms > self.deposit_cover_until_ms
        )

    def is_ours(self, payment_hash: bytes) -> bool:
        """A prepayment invoice of ours not yet settled."""
        return payment_hash in self.outstanding or payment_hash in self.superseded

    def forget(self, payment_hash: bytes) -> None:
        """The wallet cancelled or expired it: it can no longer be paid."""
        if payment_hash == self.next_deposit_hash:
            self.next_deposit_hash = b""
        self.outstanding.pop(payment_hash, None)
        self.superseded.pop(payment_hash, None)

    def payment_failed(self, payment_hash: bytes, now_ms: int, *, refused: bool) -> None:
        """The buyer reports it could not pay (its wallet failed: the next invoice waits,
        longer after each failure in a row) or would not (``refused``: the invoice broke
        the rules, and the next one, by the rules, may follow at once)."""
        amount = self.outstanding.pop(payment_hash, None)
        if amount is not None:
            self.superseded[payment_hash] = amount
            if refused:
                return
            wait_ms = RETRY_AFTER_FAILURE_MS << min(self.failures_in_row, 16)
            self.failures_in_row += 1
            self.retry_at_ms = now_ms + min(wait_ms, MAX_RETRY_AFTER_FAILURE_MS)

    def in_flight(self) -> bool:
        pending = any(p is InvoicePurpose.PREPAYMENT for _, p in self.requests.values())
        return pending or bool(self.outstanding)

    def next_invoice(
        self,
        offer: Offer,
        now_ms: int,
        credit_msat: int,
        budgets: Budgets,
        power_mw: int,
        supply_on: bool = True,
    ) -> Msat | None:
        """The size of the next prepayment invoice, if one is due: one in flight at a
        time, of the largest step within both budgets (:func:`cadence`), and only while
        paying it keeps the buyer within the ahead budget; while the supply is off for
        credit, what puts it back on."""
        if self.payment_size <= Msat(0) or now_ms >= offer.stop_ms or self.in_flight():
            return None
        if now_ms < self.retry_at_ms:  # the buyer's last payment failed: not yet again
            return None
        self.pace = cadence(
            power_mw=min(power_mw, offer.electrical.max_power_mw),
            price_msat_per_kwh=offer.profile.price_at(now_ms),
            budgets=budgets,
            smallest=offer.payments.min_payment,
            largest=self.payment_size,
            lead_ms=self.lead_ms,
            min_interval_ms=self.min_interval_ms,
        )
        restore = offer.policy.restore.msat
        if not supply_on and credit_msat < restore:
            # Off for credit: ask for what puts the supply back on and no more (at least
            # the smallest payment, at most the agreed size). The buyer, whose own count
            # of what it has paid ahead is never above this credit while the meters
            # agree, can always pay it: it keeps that count within the floor of its
            # ahead budget (restore + smallest payment), which no drop of power lowers.
            # Asking for the whole room of a budget measured a moment earlier, with power
            # still in its window, deadlocked a tenant: the buyer's budget, measured when
            # the invoice came, had shrunk, it waited for room that use would make, and
            # with the supply off there was no use (found by the twenty-tenant run).
            need = max(offer.payments.min_payment.msat, restore - credit_msat)
            return Msat(min(need, self.payment_size.msat))
        room = budgets.ahead.msat - credit_msat
        if self.pace.step.msat <= room:
            return self.pace.step
        return None


def energy_paid_for(
    purpose: InvoicePurpose, amount: Msat, offer: Offer, energy_mwh: int, now_ms: int
) -> tuple[int, int]:
    """The meter range (mWh since the session began) an invoice pays for, as its message
    states it: a prepayment buys its amount's worth at the current price from the energy
    billed so far; a deposit buys nothing."""
    energy_to = energy_mwh
    if purpose is InvoicePurpose.PREPAYMENT:
        price = max(offer.profile.price_at(now_ms), Fraction(1))
        energy_to += int(amount.msat * 1_000_000 / price)
    return energy_mwh, energy_to


def money(
    kind: LedgerKind, now_ms: int, text: str, event: InvoiceSettled | HoldInvoiceAccepted
) -> Record:
    """A ledger entry for money the wallet reported."""
    return Record(kind, now_ms, text, amount=event.amount, payment_hash=event.payment_hash)
