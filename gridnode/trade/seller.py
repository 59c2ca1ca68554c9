"""The seller's session: negotiates, locks the deposit, invoices ahead in small steps
and keeps the relay on only while every condition of DESIGN.md invariant 1 holds.

One entry point, :meth:`SellerSession.handle`; the control step runs after every event,
so any failing condition switches the relay off within the event (and at the latest on
the next tick, for conditions that only time can break).

The session decides states and the relay; the parts it owns keep their own books:
:class:`~gridnode.trade.seller_billing.SellerBilling` the money (deposit, invoices,
what was paid), :class:`~gridnode.trade.supply.Supply` the contactor,
:class:`~gridnode.trade.seller_renewal.SellerRenewal` the next period's terms; its
answers to the wallet's invoice events are in :mod:`gridnode.trade.seller_wallet`.
"""

from __future__ import annotations

from fractions import Fraction

from gridnode.money import Msat
from gridnode.ocmf import ClockStatus, SeriesState, Transaction
from gridnode.trade.actions import Action, CloseSession, LedgerKind, Notify, Record
from gridnode.trade.cadence import PowerWindow, window_span
from gridnode.trade.cadence import budgets as cadence_budgets
from gridnode.trade.closing import SellerClose, closing_statement, send_statement
from gridnode.trade.events import (
    ClockChecked,
    CloseRequested,
    EffectFailed,
    Event,
    FrameReceived,
    HoldInvoiceAccepted,
    InvoiceCanceled,
    InvoiceCreated,
    InvoiceCreateFailed,
    InvoiceSettled,
    LinkDown,
    LinkUp,
    MeterSample,
    Retire,
    Start,
    WalletReachability,
)
from gridnode.trade.faults import fault_actions
from gridnode.trade.machine import Inbox, Outbox, StateMachine
from gridnode.trade.messages import (
    PROTOCOL_VERSION,
    AcceptanceMessage,
    CarriedCredit,
    Cause,
    Close,
    ErrorMessage,
    Heartbeat,
    Hello,
    InvoicePurpose,
    MeterReadingMessage,
    OfferMessage,
    PaymentFailure,
    PaymentNotice,
    Received,
    RejectionMessage,
    Role,
    Suspend,
)
from gridnode.trade.metering import CostMeter, EnergyReconciler
from gridnode.trade.peer_io import digest_of_sent, hello_problem, illegal, rate_change, receive
from gridnode.trade.profiles import floor_msat
from gridnode.trade.protection import RangeWatch, supply_problem
from gridnode.trade.readings import OwnSeries, SessionReadings
from gridnode.trade.rollover import RollOver
from gridnode.trade.seller_billing import SellerBilling
from gridnode.trade.seller_meter import SellerMeterWatch
from gridnode.trade.seller_renewal import RenewalPolicy, SellerRenewal
from gridnode.trade.seller_wallet import LIVE, SellerWalletEvents
from gridnode.trade.signing import Signer, Verifier, fingerprint
from gridnode.trade.states import SELLER_TRANSITIONS, SellerState
from gridnode.trade.supply import CreditDeadline, Supply
from gridnode.trade.supply import fault as supply_fault
from gridnode.trade.terms import Offer

_S = SellerState
_LIVE = LIVE
#: How far the clock may fall back before the sale period's start and the session wait for
#: it (a small step by NTP); further back, the session ends and the next one starts from
#: the clock as it is now, rather than waiting the jump out without supply.
CLOCK_BACK_LIMIT_MS = 5_000


class SellerSession(SellerWalletEvents):
    def __init__(
        self,
        offer: Offer,
        *,
        session_id: bytes,
        signer: Signer,
        buyer: Verifier,
        register_step_mwh: int,
        renewal: RenewalPolicy | None = None,
        series: SeriesState | None = None,
        clock_status: ClockStatus = ClockStatus.UNKNOWN,
        min_interval_ms: int = 0,
        carried: CarriedCredit | None = None,
    ) -> None:
        """``min_interval_ms``: the storage budget's shortest time between payments (a
        faster cadence is reported once). ``carried``: a credit note of an earlier session
        with this buyer, stated in the offer and counted as paid before any invoice."""
        self.offer = offer
        self.machine = StateMachine("seller", _S.NEGOTIATING, SELLER_TRANSITIONS)
        self.outbox = Outbox(session_id, signer)
        self.inbox = Inbox(session_id)
        self.signer, self.buyer = signer, buyer
        self.renewal, self.rolling = SellerRenewal(renewal), RollOver()
        self.meter = CostMeter(EnergyReconciler(register_step_mwh))
        self.own_meter = SellerMeterWatch.with_step(register_step_mwh)  # a stuck counter
        self.supply, self.carried = Supply(offer.policy), carried
        in_msat = Msat(0) if carried is None else carried.credit
        self.deadline = CreditDeadline()
        self.billing = SellerBilling(min_interval_ms=min_interval_ms, carried_in=in_msat)
        self.refund_node_id = ""  # the buyer's Lightning node, from its signed acceptance
        self.window = PowerWindow(window_span(offer))
        self.offer_digest = b""
        self.last_sample: MeterSample | None = None
        #: Voltage and frequency of the supply this seller feeds, against the terms.
        self.protection = RangeWatch(offer.electrical.grace_ms)
        own = OwnSeries(signer, offer.meter_id, series, clock_status)
        self.readings = SessionReadings(own, self.outbox)
        self.last_rate: int | None = None
        self.link_up = True
        self.close_cause = Cause.REQUESTED
        self.closing = SellerClose()
        #: why this buyer is no longer sold to (Retire): no renewal, the close at the
        #: period end; None while it is
        self.retiring: str | None = None

    @property
    def state(self) -> SellerState:
        return self.machine.state

    @property
    def credit(self) -> Fraction:
        """Paid (and carried in) minus cost by the seller's meter, exact, in msat."""
        return (self.billing.paid + self.billing.carried_in).msat - self.meter.cost_msat

    # -- the one entry point ----------------------------------------------------------
    def handle(self, event: Event, now_ms: int) -> list[Action]:
        out: list[Action] = []
        match event:
            case Start() if self.state is _S.NEGOTIATING and self.outbox.next_seq == 1:
                self._start(now_ms, out)
            case FrameReceived():
                self._on_frame(event.frame, now_ms, out)
            case MeterSample():
                self._on_sample(event, now_ms, out)
            case InvoiceCreated():
                self._on_invoice_created(event, now_ms, out)
            case InvoiceCreateFailed():
                purpose = self.billing.failed(event.request_id)
                out.append(Notify(f"the wallet could not create an invoice: {event.reason}"))
                if purpose is InvoicePurpose.DEPOSIT and self.state in _LIVE:
                    self._begin_close(Cause.DEPOSIT, "no deposit invoice", now_ms, out)
            case InvoiceSettled():
                self._on_settled(event, now_ms, out)
            case HoldInvoiceAccepted() if self.state in _LIVE:
                out.extend(self.billing.deposit_accepted(event, now_ms))
            case InvoiceCanceled():
                self._on_canceled(event.payment_hash, now_ms, out)
            case LinkDown() | LinkUp():
                self.link_up = isinstance(event, LinkUp)
                text = f"link {'up' if self.link_up else 'down'}"
                out.append(Record(LedgerKind.STATE, now_ms, text))
            case CloseRequested() if self.state is _S.NEGOTIATING:
                self._close_now(Cause.REQUESTED, event.text, now_ms, out)
            case CloseRequested() if self.state in _LIVE:
                self._begin_close(Cause.REQUESTED, event.text, now_ms, out)
            case Retire() if self.state is _S.NEGOTIATING:
                self._close_now(Cause.REMOVED, event.text, now_ms, out)
            case Retire() if self.state in _LIVE and self.retiring is None:
                self.retiring = event.text
                out.append(Record(LedgerKind.STATE, now_ms, f"ends with its period: {event.text}"))
            case ClockChecked():
                self.readings.check_clock(event.status, now_ms, out)
            case EffectFailed() | WalletReachability():
                out.extend(fault_actions(event, now_ms))
            case _:
                pass  # ticks, and payment events (the seller pays nothing), drive control only
        if self.state in _LIVE:
            self._control(now_ms, out)
        elif self.state is _S.CLOSING:
            self._close_when_paid(now_ms, out)
        self._publish_rate(now_ms, out)
        return out

    # -- negotiation -------------------------------------------------------------------
    def _start(self, now_ms: int, out: list[Action]) -> None:
        node_id = fingerprint(self.signer.public_key_der)
        hello = Hello(PROTOCOL_VERSION, node_id, Role.SELLER, self.offer.meter_id)
        out.extend(self.outbox.send(hello, now_ms))
        sent = self.outbox.send(OfferMessage(self.offer, self.carried), now_ms)
        self.offer_digest = digest_of_sent(sent)
        out.extend(sent)

    def _on_frame(self, frame: bytes, now_ms: int, out: list[Action]) -> None:
        received = receive(frame, self.inbox, self.buyer, self.outbox, now_ms, out)
        if received is None:
            return
        body, state = received.envelope.body, self.state
        match body:
            case Hello() if problem := hello_problem(body, self.buyer, Role.BUYER):
                self._close_now(Cause.PROTOCOL, problem, now_ms, out)
            case PaymentNotice():  # its preimage proves the payment (the statement waits)
                self.closing.prove(body, self.billing.is_ours(body.payment_hash))
            case Hello() | Heartbeat() | Suspend() | MeterReadingMessage():
                pass  # recorded on receipt, with the buyer's OCMF reading a message carries
            case ErrorMessage():
                out.append(Notify(f"the buyer reported error {body.code}: {body.text}"))
            case PaymentFailure():
                self._on_payment_failure(body, now_ms, out)
            case AcceptanceMessage() if state is _S.NEGOTIATING:
                self._on_acceptance(body, received, now_ms, out)
            case AcceptanceMessage() if self.renewal.answered_by(body):
                out.append(self.renewal.accept(received, now_ms))
            case RejectionMessage() if state is _S.NEGOTIATING:
                text = "; ".join(r.text for r in body.reasons)
                self._close_now(Cause.REJECTED, f"offer rejected: {text}", now_ms, out)
            case RejectionMessage() if self.renewal.pending:
                out.append(self.renewal.reject())
            case Close() if state in _LIVE:
                text = f"the buyer closed: {body.text}"
                self._begin_close(body.cause, text, now_ms, out, by_buyer=True)
            case Close() if state is _S.NEGOTIATING:
                self._close_now(body.cause, f"the buyer closed: {body.text}", now_ms, out)
            case _:
                out.extend(illegal(self.outbox, body.kind.value, "seller", state.value, now_ms))

    def _on_acceptance(
        self, body: AcceptanceMessage, received: Received, now_ms: int, out: list[Action]
    ) -> None:
        pay = self.offer.payments
        if body.offer_digest != self.offer_digest or not (
            pay.min_payment <= body.payment_size <= pay.max_payment
        ):
            what = "acceptance of other terms"
            out.extend(illegal(self.outbox, what, "seller", self.state.value, now_ms))
            return
        self.billing.payment_size = body.payment_size
        self.refund_node_id = body.refund_node_id
        accepted = received.frame_bytes
        out.append(Record(LedgerKind.TERMS_ACCEPTED, now_ms, "offer accepted", data=accepted))
        self.machine.move(_S.AWAITING_DEPOSIT)
        self.readings.begin(now_ms, out, self.last_sample)
        if deposit := pay.initial_deposit:
            out.append(self.billing.request(deposit, InvoicePurpose.DEPOSIT, self.offer))
        else:
            self.billing.deposit_locked = True

    # -- metering ----------------------------------------------------------------------
    def _on_sample(self, sample: MeterSample, now_ms: int, out: list[Action]) -> None:
        if self.last_sample is not None and sample.at_ms <= self.last_sample.at_ms:
            return  # not newer than what we have: it never refreshes freshness
        self.last_sample = sample
        self.protection.see(sample.at_ms, supply_problem(self.offer.electrical, sample))
        if self.state in _LIVE:
            offer = self.rolling.billing(self.offer, self.meter.last_at_ms)
            resumed = self.own_meter.bill(sample, self.meter, offer, self.readings.own.state)
            self.window.add(sample.at_ms, self.meter.energy_mwh)
            self.own_meter.report(resumed, now_ms, out)
            if resumed and self.readings.own.open:  # what it showed, signed at once
                tx = Transaction.CHARGING if self.supply.relay_on else Transaction.SUSPENDED
                self._send_reading(tx, now_ms, out)
            if (tariff := self.rolling.due(self.offer, sample)) and self.readings.own.open:
                self._send_reading(Transaction.TARIFF_CHANGE, now_ms, out, tariff)

    def _send_reading(
        self, tx: Transaction, now_ms: int, out: list[Action], tariff: str | None = None
    ) -> None:
        self.readings.send(tx, self.last_sample, self.meter.energy_mwh, now_ms, out, tariff)

    # -- control -----------------------------------------------------------------------
    def _control(self, now_ms: int, out: list[Action]) -> None:
        if now_ms < self.offer.start_ms - CLOCK_BACK_LIMIT_MS:
            # found by the fault drill: a period offered just before the clock stepped
            # back an hour would otherwise begin only an hour later, the relay off
            text = "the clock went back before the sale period began (a clock jump)"
            self._begin_close(Cause.PERIOD_END, text, now_ms, out)
            return
        if now_ms >= self.offer.stop_ms:
            if self.retiring is not None:  # a renewal accepted before is not begun
                self._begin_close(Cause.REMOVED, self.retiring, now_ms, out)
                return
            renewal = self.renewal.take(now_ms)
            if renewal is None:
                self._begin_close(Cause.PERIOD_END, "the sale period ended", now_ms, out)
                return
            self._roll_over(renewal, now_ms, out)
        energy = self.meter.energy_mwh
        self.readings.mark_price_steps(self.offer.profile, self.last_sample, energy, now_ms, out)
        deposit_ok = self.billing.deposit_holds(now_ms)
        tripped = self.protection.tripped(now_ms)
        fault = supply_fault(self.offer, deposit_ok, self.last_sample, now_ms, tripped)
        fault = fault or self.own_meter.fault
        credit = self.credit
        budgets = cadence_budgets(self.offer, self.window, now_ms)
        # at most the unpaid budget beyond the cut-off, with what went unbilled (SellerMeterWatch)
        exposed = credit - self.own_meter.unbilled_msat(self.offer, now_ms)
        margin = exposed - (self.offer.policy.cutoff.msat - budgets.unpaid.msat)
        credit_ok = margin > 0
        moved_ms = self.last_sample.at_ms if self.last_sample is not None else now_ms
        if credit_ok:
            self.deadline.held(moved_ms, margin)
        was_on = self.supply.relay_on
        switch = self.supply.decide(now_ms, fault, credit_ok, credit, out)
        if switch is not None:
            if switch.cause is Cause.CREDIT:
                out.append(self.deadline.missed(moved_ms, margin, now_ms))
            out.append(switch)
            if was_on and not switch.on and self.readings.own.open:
                self._send_reading(Transaction.SUSPENDED, now_ms, out)
        for notice in self.supply.notices(switch, credit, budgets.unpaid.msat):
            out.extend(self.outbox.send(notice, now_ms))
        if self.billing.deposit_locked:
            if self.supply.relay_on:
                self.machine.move(_S.SUPPLYING)
            elif fault is None and credit < self.offer.policy.restore.msat:
                self.machine.move(_S.SUSPENDED_CREDIT)
            else:
                self.machine.move(_S.SUSPENDED_FAULT)
        power = self.last_sample.power_mw if self.last_sample is not None else 0
        size = self.billing.next_invoice(
            self.offer, now_ms, floor_msat(credit).msat, budgets, power, self.supply.relay_on
        )
        if size is not None:
            out.append(self.billing.request(size, InvoicePurpose.PREPAYMENT, self.offer))
            if (warning := self.billing.storage_warning(now_ms)) is not None:
                out.extend([Record(LedgerKind.STATE, now_ms, warning), Notify(warning)])
        if self.retiring is None:
            self.renewal.propose(self.offer, self.outbox, now_ms, out)

    def _roll_over(self, renewal: Offer, now_ms: int, out: list[Action]) -> None:
        """The accepted renewal's period begins without a switch: its terms rule supply,
        the power window and the tariff; a renewal that outlives the locked deposit's
        time lock asks for a replacement deposit."""
        prior, self.offer = self.offer, renewal
        self.supply.policy = renewal.policy
        self.protection.grace_ms = renewal.electrical.grace_ms
        self.window.span_ms = window_span(renewal)
        out.append(Record(LedgerKind.STATE, now_ms, "renewed sale period begins"))
        if tariff := self.rolling.begin(prior, renewal, self.last_sample, now_ms):
            self._send_reading(Transaction.TARIFF_CHANGE, now_ms, out, tariff)
        if self.billing.needs_new_deposit(renewal):
            amount = self.billing.deposit_amount
            out.append(self.billing.request(amount, InvoicePurpose.DEPOSIT, renewal))

    def _publish_rate(self, now_ms: int, out: list[Action]) -> None:
        change = rate_change(self.offer.profile, now_ms, self.last_rate)
        if change is not None and self.state is not _S.CLOSED:
            self.last_rate = change.price_msat_per_kwh
            out.append(change)

    # -- closing -----------------------------------------------------------------------
    def _begin_close(
        self, cause: Cause, text: str, now_ms: int, out: list[Action], *, by_buyer: bool = False
    ) -> None:
        switch = self.supply.force_off(now_ms, cause, text, out)
        if switch is not None:
            out.append(switch)
        self.machine.move(_S.CLOSING)
        self.close_cause = cause
        if self.readings.own.open:  # the End goes before the Close
            self._send_reading(Transaction.END, now_ms, out)
        # at the period's end the buyer may be paying an open invoice: it is waited for
        paying = cause is Cause.PERIOD_END and not by_buyer
        self.closing.begin(cause, text, now_ms, self.billing.outstanding if paying else ())
        if not self.billing.release_at_close(self.credit, now_ms, out):
            self.closing.released = True  # no locked deposit to wait for
        self._close_when_paid(now_ms, out)

    def _close_when_paid(self, now_ms: int, out: list[Action]) -> None:
        """Statement and Close once the buyer's proved payments settled here (SellerClose)."""
        closing = self.closing
        if closing.ready(now_ms):
            closing.sent = True
            self._state_account(now_ms, out)
            out.extend(self.outbox.send(Close(closing.cause, closing.text), now_ms))
        if closing.sent and closing.released and self.state is _S.CLOSING:
            self.machine.move(_S.CLOSED)
            out.extend([Record(LedgerKind.STATE, now_ms, "closed"), CloseSession(self.close_cause)])

    def _state_account(self, now_ms: int, out: list[Action]) -> None:
        paid, meter = self.billing.paid, self.meter  # the signed statement: the credit note
        statement = closing_statement(paid, self.carried, meter.energy_mwh, meter.cost_msat)
        out.extend(send_statement(self.outbox, statement, now_ms))

    def _close_now(self, cause: Cause, text: str, now_ms: int, out: list[Action]) -> None:
        self.close_cause = cause
        if self.carried is not None:  # the carried note is owed still: stated anew
            self._state_account(now_ms, out)
        out.extend(self.outbox.send(Close(cause, text), now_ms))
        self.machine.move(_S.CLOSED)
        out.append(Record(LedgerKind.STATE, now_ms, f"closed: {text}"))
        out.append(CloseSession(cause))
