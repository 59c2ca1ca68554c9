"""The seller session's answers to its wallet's invoice events: an invoice created is
sent to the buyer with the energy it pays for, a settlement counts as credit (recorded
first), a cancellation frees the invoice or ends a session whose deposit is gone.

A part of :class:`~gridnode.trade.seller.SellerSession` kept in a module of its own for
size (STYLE.md); the session's attributes it uses are declared here.
"""

from __future__ import annotations

from gridnode.ocmf import Transaction
from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.closing import SellerClose
from gridnode.trade.events import InvoiceCreated, InvoiceSettled, MeterSample
from gridnode.trade.machine import Outbox, StateMachine
from gridnode.trade.messages import Cause, InvoiceMessage, PaymentFailure
from gridnode.trade.metering import CostMeter
from gridnode.trade.readings import SessionReadings
from gridnode.trade.seller_billing import SellerBilling, energy_paid_for, money
from gridnode.trade.states import SellerState
from gridnode.trade.terms import Offer

_S = SellerState
#: The states in which the seller supplies or may: the session is live.
LIVE = frozenset({_S.AWAITING_DEPOSIT, _S.SUPPLYING, _S.SUSPENDED_CREDIT, _S.SUSPENDED_FAULT})
_LIVE = LIVE


class SellerWalletEvents:
    """The wallet's invoice events, for :class:`~gridnode.trade.seller.SellerSession`."""

    offer: Offer
    machine: StateMachine[SellerState]
    outbox: Outbox
    billing: SellerBilling
    meter: CostMeter
    readings: SessionReadings
    last_sample: MeterSample | None
    closing: SellerClose

    @property
    def state(self) -> SellerState:
        return self.machine.state

    def _state_account(self, now_ms: int, out: list[Action]) -> None:
        raise NotImplementedError  # pragma: no cover - the session defines it

    def _begin_close(self, cause: Cause, text: str, now_ms: int, out: list[Action]) -> None:
        raise NotImplementedError  # pragma: no cover - the session defines it

    # -- wallet events -----------------------------------------------------------------
    def _on_invoice_created(self, event: InvoiceCreated, now_ms: int, out: list[Action]) -> None:
        if self.state not in _LIVE:
            return
        entry = self.billing.created(event.request_id, event.payment_hash)
        if entry is None:
            return
        amount, purpose = entry
        energy = self.meter.energy_mwh
        energy_from, energy_to = energy_paid_for(purpose, amount, self.offer, energy, now_ms)
        reading = self.readings.sign(Transaction.CHARGING, self.last_sample, energy, now_ms, out)
        text, payment_hash = f"{purpose.name.lower()} invoice", event.payment_hash
        out.append(
            Record(LedgerKind.INVOICE, now_ms, text, amount=amount, payment_hash=payment_hash)
        )
        message = InvoiceMessage(
            event.bolt11, event.payment_hash, amount, purpose, energy_from, energy_to, reading
        )
        out.extend(self.outbox.send(message, now_ms))

    def _on_settled(self, event: InvoiceSettled, now_ms: int, out: list[Action]) -> None:
        if event.payment_hash == self.billing.deposit_hash:
            out.append(money(LedgerKind.DEPOSIT, now_ms, "deposit settled (default)", event))
            self.closing.released = True
        elif self.billing.is_ours(event.payment_hash):
            # Recorded before it counts as credit (and so before it can switch power on).
            out.append(money(LedgerKind.PAYMENT_SETTLED, now_ms, "prepayment settled", event))
            self.billing.settled(event.payment_hash, event.amount)
            self.closing.resolved(event.payment_hash)
            if self.state is _S.CLOSING and self.closing.sent:  # restated: paid after it
                self._state_account(now_ms, out)

    def _on_payment_failure(self, body: PaymentFailure, now_ms: int, out: list[Action]) -> None:
        """The buyer could not pay an invoice (the next one waits a little) or would not
        (``refused``: never to be paid, journalled; the next invoice follows the rules)."""
        self.billing.payment_failed(body.payment_hash, now_ms, refused=body.refused)
        self.closing.resolved(body.payment_hash)
        if body.refused:
            text = f"the buyer refused invoice {body.payment_hash.hex()[:16]}: {body.reason}"
            record = Record(LedgerKind.REFUSAL, now_ms, text, payment_hash=body.payment_hash)
            out.extend([record, Notify(text)])

    def _on_canceled(self, payment_hash: bytes, now_ms: int, out: list[Action]) -> None:
        self.billing.forget(payment_hash)
        self.closing.resolved(payment_hash)
        if payment_hash != self.billing.deposit_hash:
            return
        if self.state is _S.CLOSING:
            # kept for a default, yet cancelled: its payment could not be claimed (its
            # channel closed under the hold), so nothing was kept
            kept = self.billing.deposit_kept
            text = "deposit not kept: its payment was let go" if kept else "deposit refunded"
            out.append(Record(LedgerKind.DEPOSIT, now_ms, text, payment_hash=payment_hash))
            self.closing.released = True
        elif self.state in _LIVE:
            # Expired unpaid, or cancelled under us while locked: either way it is gone.
            text = "the deposit was cancelled" if self.billing.deposit_locked else "unpaid"
            self.billing.deposit_locked, self.billing.deposit_hash = False, b""
            self._begin_close(Cause.DEPOSIT, f"no deposit: {text}", now_ms, out)
