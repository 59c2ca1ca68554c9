"""The buyer's session: answers offers by :func:`evaluate`, pays the deposit and small
invoices only within the agreed terms, and stops paying, saying why, when the seller
breaches (DESIGN.md invariant 4) or its own meter fails. A session told to hold off the
seller (``hold``) refuses every new offer until the hold ends. Its parts keep their own
books: ``BuyerPayments`` which invoices may be paid and when, ``buyer_checks`` the watch
on the seller's supply, ``own_meter`` the seller's claims against the buyer's own meter
(``seller_metered`` without a meter), ``BuyerClose`` the order of its close."""

from __future__ import annotations

from fractions import Fraction

from gridnode.money import Msat
from gridnode.ocmf import ClockStatus, OcmfRecord, SeriesState, Transaction
from gridnode.trade import codec
from gridnode.trade.actions import Action, CloseSession, LedgerKind, Notify, Record
from gridnode.trade.buyer_checks import STATEMENT_SKEW_MS, DrawWatch, SupplyWatch, allowance_msat
from gridnode.trade.buyer_payments import BuyerPayments
from gridnode.trade.cadence import PowerWindow
from gridnode.trade.cadence import budgets as cadence_budgets
from gridnode.trade.closing import BuyerClose
from gridnode.trade.evaluate import Acceptance, BreachHold, evaluate
from gridnode.trade.events import (
    ClockChecked,
    CloseRequested,
    EffectFailed,
    Event,
    FrameReceived,
    MeterSample,
    PaymentFailed,
    PaymentSucceeded,
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
    ClosingStatement,
    CreditWarning,
    ErrorMessage,
    Heartbeat,
    Hello,
    InvoiceMessage,
    InvoicePurpose,
    MeterReadingMessage,
    OfferMessage,
    PaymentFailure,
    PaymentNotice,
    Received,
    RejectionMessage,
    RenewalMessage,
    Resume,
    Role,
    Suspend,
)
from gridnode.trade.metering import CostMeter, EnergyReconciler
from gridnode.trade.own_meter import ClaimJudge
from gridnode.trade.peer_io import hello_problem, illegal, rate_update, receive
from gridnode.trade.readings import OwnSeries, PeerSeries, SessionReadings
from gridnode.trade.rollover import RollOver
from gridnode.trade.seller_metered import SellerMetered
from gridnode.trade.signing import Signer, Verifier, fingerprint
from gridnode.trade.states import BUYER_TRANSITIONS, BuyerState
from gridnode.trade.terms import BuyerLimits, Offer

_B = BuyerState
_PAYING = frozenset({_B.AWAITING_DEPOSIT, _B.RECEIVING, _B.SUSPENDED})
_METERING = _PAYING | {_B.CLOSING}
#: After the period ends without renewal, wait this long for the seller's close.
CLOSE_WAIT_MS = 60_000


class BuyerSession:
    def __init__(
        self,
        limits: BuyerLimits,
        *,
        signer: Signer,
        seller: Verifier,
        register_step_mwh: int,
        meter_id: str,
        series: SeriesState | OwnSeries | None = None,
        clock_status: ClockStatus = ClockStatus.UNKNOWN,
        hold: BreachHold | None = None,
        note: CarriedCredit | None = None,
        refund_node_id: str = "",
    ) -> None:
        """``series``: the OCMF series to continue (or a closing predecessor's). ``hold``:
        refuse the seller's offers until then (BREACH_HOLD). ``note``: the open credit note
        (an offer carrying it counts as paid ahead); ``refund_node_id``: the payee of refunds."""
        self.limits, self.hold = limits, hold
        self.machine = StateMachine("buyer", _B.AWAITING_OFFER, BUYER_TRANSITIONS)
        self.inbox = Inbox(None)
        self.outbox = Outbox(b"", signer)
        self.signer, self.seller = signer, seller
        self.meter_id, self.rolling = meter_id, RollOver()
        self.meter = CostMeter(EnergyReconciler(register_step_mwh))
        self.supply, self.draw = SupplyWatch(limits.voltage_grace_ms), DrawWatch()
        self.claims = ClaimJudge.with_step(register_step_mwh)  # own meter's faults: its own
        self.offer: Offer | None = None
        self.renewal: Offer | None = None
        self.payments = BuyerPayments(note=note)
        self.refund_node_id = refund_node_id
        self.last_sample: MeterSample | None = None
        if isinstance(series, OwnSeries):  # a predecessor still closing on this meter
            own = OwnSeries.following(series, clock_status)
        else:
            own = OwnSeries(signer, meter_id, series, clock_status)
        self.readings = SessionReadings(own, self.outbox)
        self.seller_readings: PeerSeries | None = None  # from the acceptance on
        self.alone: SellerMetered | None = None  # no meter: the seller's readings are its use
        self.last_rate: int | None = None
        #: This buyer's own recent use, for the ahead budget in seconds of energy.
        self.window = PowerWindow(0)
        #: while closing: until when the seller's statement is awaited, and why we close
        self.closing = BuyerClose()

    @property
    def state(self) -> BuyerState:
        return self.machine.state

    def allowance(self, now_ms: int, skew_ms: int = 0) -> Fraction:
        """The most the seller may have billed (msat) for its metered use (allowance_msat)."""
        power_mw = self.last_sample.power_mw if self.last_sample else 0
        return allowance_msat(self.offer, self.meter.cost_msat, power_mw, skew_ms, now_ms)

    def paid_ahead(self, now_ms: int) -> Fraction:
        """Committed less the allowance: the buyer's money the seller holds ahead (msat)."""
        return self.payments.committed.msat - self.allowance(now_ms)

    def ahead_budget(self, now_ms: int) -> Msat:
        """The most this buyer may have paid ahead now (gridnode.trade.cadence)."""
        if self.offer is None:
            return Msat(0)
        return cadence_budgets(self.offer, self.window, now_ms).ahead

    # -- the one entry point ----------------------------------------------------------
    def handle(self, event: Event, now_ms: int) -> list[Action]:
        out: list[Action] = []
        match event:
            case FrameReceived():
                self._on_frame(event.frame, now_ms, out)
            case MeterSample():
                self._on_sample(event, now_ms, out)
            case PaymentSucceeded() if event.payment_hash in self.payments.in_flight:
                amount, purpose = self.payments.succeeded(event, now_ms, out)
                # notices go out while paying, and while closing before the End
                notifying = self.state in _PAYING or self.closing.pending
                if purpose is InvoicePurpose.PREPAYMENT and notifying:
                    energy, sample = self.meter.energy_mwh, self.last_sample
                    reading = self.readings.sign(Transaction.CHARGING, sample, energy, now_ms, out)
                    notice = PaymentNotice(event.payment_hash, event.preimage, amount, reading)
                    out.extend(self.outbox.send(notice, now_ms))
            case PaymentFailed() if event.payment_hash in self.payments.in_flight:
                purpose, record = self.payments.failed(event, now_ms)
                if purpose is InvoicePurpose.PREPAYMENT and self.state in _PAYING:
                    failure = PaymentFailure(event.payment_hash, event.reason[:200])
                    out.extend(self.outbox.send(failure, now_ms))
                out.append(record)
            case CloseRequested() if self.state is not _B.CLOSED:
                self._close(Cause.REQUESTED, event.text, now_ms, out, tell_seller=True)
            case ClockChecked():
                self.readings.check_clock(event.status, now_ms, out)
            case EffectFailed() | WalletReachability():
                out.extend(fault_actions(event, now_ms))
            case _:
                pass  # ticks, wallet events that are not ours, link events
        self._roll_period(now_ms, out)
        if self.state is _B.CLOSING:
            self._closing(now_ms, out)
        if self.offer is not None and self.state in _PAYING:
            energy, sample = self.meter.energy_mwh, self.last_sample
            self.readings.mark_price_steps(self.offer.profile, sample, energy, now_ms, out)
            self._check_meters(now_ms, out)  # claims waiting for a reading time out
        self._pay_due(now_ms, out)
        self._publish_rate(now_ms, out)
        return out

    # -- messages ----------------------------------------------------------------------
    def _on_frame(self, frame: bytes, now_ms: int, out: list[Action]) -> None:
        received = receive(frame, self.inbox, self.seller, self.outbox, now_ms, out)
        if received is None:
            return
        self.outbox.session_id = received.envelope.session_id
        body, state = received.envelope.body, self.state
        match body:
            case Hello() if problem := hello_problem(body, self.seller, Role.SELLER):
                self._close(Cause.PROTOCOL, problem, now_ms, out, tell_seller=True)
            case Hello() if state is _B.AWAITING_OFFER and self.outbox.next_seq == 1:
                node_id = fingerprint(self.signer.public_key_der)
                out.extend(
                    self.outbox.send(
                        Hello(PROTOCOL_VERSION, node_id, Role.BUYER, self.meter_id), now_ms
                    )
                )
            case OfferMessage() if state is _B.AWAITING_OFFER:
                self._answer(body.offer, received, now_ms, out, carried=body.carried)
            case RenewalMessage() if state in _PAYING and self.offer is not None:
                self._answer(body.offer, received, now_ms, out, renewal=True)
            case InvoiceMessage() if state in _PAYING:
                if self._on_seller_reading(body.reading, now_ms, out):
                    self._on_invoice(body, now_ms, out)
            case MeterReadingMessage() if state in _PAYING or (self.alone and state is _B.CLOSING):
                self._on_seller_reading(body.reading, now_ms, out)
            case Suspend() if state is _B.RECEIVING:
                self.machine.move(_B.SUSPENDED)
                out.append(Notify(f"the seller suspended supply: {body.text}"))
                self._send_reading(Transaction.SUSPENDED, now_ms, out)
            case Resume() if state is _B.SUSPENDED:
                self.machine.move(_B.RECEIVING)
            case Close():
                self._close(body.cause, f"the seller closed: {body.text}", now_ms, out, False)
            case ErrorMessage():
                out.append(Notify(f"the seller reported error {body.code}: {body.text}"))
            case CreditWarning():
                out.append(Notify(f"the seller warns: {body.text}"))
            case ClosingStatement() if self.offer is not None:
                allowance = self.allowance(now_ms, STATEMENT_SKEW_MS)
                self.payments.take_statement(body, received.frame_bytes, allowance, now_ms, out)
            case Hello() | Suspend() | Resume() | InvoiceMessage() | Heartbeat():
                pass  # harmless outside their state (already recorded on receipt)
            case MeterReadingMessage():
                pass  # after a breach or the close: recorded on receipt, nothing to check
            case _:
                out.extend(illegal(self.outbox, body.kind.value, "buyer", state.value, now_ms))

    def _answer(
        self,
        offer: Offer,
        received: Received,
        now_ms: int,
        out: list[Action],
        *,
        renewal: bool = False,
        carried: CarriedCredit | None = None,
    ) -> None:
        result = (
            evaluate(offer, self.limits, now_ms, continues=self.offer)
            if renewal
            else evaluate(offer, self.limits, now_ms, hold=self.hold)
        )
        digest = codec.digest(received)
        if isinstance(result, Acceptance):
            what = "renewal accepted" if renewal else "offer accepted"
            out.append(Record(LedgerKind.TERMS_ACCEPTED, now_ms, what, data=received.frame_bytes))
            accepted = AcceptanceMessage(
                digest, result.payment_size, self.refund_node_id, offer.seller_metered
            )
            out.extend(self.outbox.send(accepted, now_ms))
            if renewal:
                self.renewal = offer
                self.payments.allow_renewal_deposit()
            else:
                self.offer = offer
                self.payments.agree(offer, result.payment_size, carried, now_ms, out)
                self.machine.move(_B.AWAITING_DEPOSIT)
                self.seller_readings = PeerSeries(offer.meter_id)
                if offer.seller_metered:
                    self.alone = SellerMetered(now_ms, self.meter, self.window, self.payments)
                self.readings.begin(now_ms, out, self.last_sample)
            return
        out.append(Notify(f"offer rejected: {result.describe()}"))
        out.extend(self.outbox.send(RejectionMessage(digest, result.reasons), now_ms))
        if not renewal:
            self.machine.move(_B.CLOSED)
            out.append(CloseSession(Cause.REJECTED))

    def _on_invoice(self, invoice: InvoiceMessage, now_ms: int, out: list[Action]) -> None:
        offer = self.offer
        assert offer is not None  # in a paying state
        breach = self.payments.take(invoice, offer, now_ms, out)
        for refusal in self.payments.refused:  # journalled by take(); the seller hears why
            out.extend(self.outbox.send(refusal, now_ms))
        self.payments.refused.clear()
        if breach is not None:
            self._breach(*breach, now_ms, out)
        elif self.state is _B.AWAITING_DEPOSIT and self.payments.deposits_paid:
            self.machine.move(_B.RECEIVING)  # the deposit is on its way

    def _pay_due(self, now_ms: int, out: list[Action]) -> None:
        """Pay deferred invoices while the period is current, within the ahead budget."""
        offer = self.offer
        if offer is None or self.state not in _PAYING or self.claims.fault is not None:
            return  # a faulty meter of its own: the buyer cannot tell what it pays for
        if self.payments.deferred and offer.start_ms <= now_ms < offer.stop_ms:
            allowance, budget = self.allowance(now_ms), self.ahead_budget(now_ms)
            self.payments.pay_due(allowance, budget, now_ms, out)

    # -- metering and breaches ---------------------------------------------------------
    def _on_sample(self, sample: MeterSample, now_ms: int, out: list[Action]) -> None:
        if self.last_sample is not None and sample.at_ms <= self.last_sample.at_ms:
            return
        self.last_sample = sample
        if self.offer is None or self.state not in _METERING:  # closing: energy still counts
            return
        billed = self.rolling.billing(self.offer, self.meter.last_at_ms).profile
        self.meter.add(sample.at_ms, sample.register_mwh, sample.integrated_mwh, billed)
        if (tariff := self.rolling.due(self.offer, sample)) and self.state in _PAYING:
            self._send_reading(Transaction.TARIFF_CHANGE, now_ms, out, tariff)
        self.window.span_ms = self.offer.payments.prepayment_ms
        self.window.add(sample.at_ms, self.meter.energy_mwh)
        self.claims.reading(sample, self.meter.energy_mwh, self.offer, now_ms)
        out_of_range = self.supply.check(sample, self.offer.electrical)
        if out_of_range is not None and self.state in _PAYING:
            self._breach(*out_of_range, now_ms, out)
            return
        out.extend(self.draw.faults(sample, self.offer.electrical, now_ms))

    def _check_meters(self, now_ms: int, out: list[Action]) -> None:
        """An over-claim is the seller's breach (a faulty meter of its own, its fault)."""
        if self.offer is None or self.state not in _PAYING:
            return
        if (over := self.claims.judge(self.offer, now_ms, out)) is not None:
            self._breach(Cause.METER_DISAGREEMENT, over, now_ms, out)

    def _breach(self, cause: Cause, text: str, now_ms: int, out: list[Action]) -> None:
        self.payments.deferred.clear()
        out.extend([Record(LedgerKind.BREACH, now_ms, text), Notify(f"stopped paying: {text}")])
        self.machine.move(_B.STOPPED)
        self._send_reading(Transaction.END, now_ms, out)
        out.extend(self.outbox.send(Close(cause, text), now_ms))

    def _on_seller_reading(self, record: OcmfRecord, now_ms: int, out: list[Action]) -> bool:
        """Check the seller's next reading (series, own meter); False after a breach."""
        series = self.seller_readings
        if series is None:  # pragma: no cover - readings are checked in paying states only
            return False
        problem = series.accept(record)
        if problem is not None:
            self._breach(Cause.METER_DISAGREEMENT, f"the seller's {problem}", now_ms, out)
            return False
        at_ms, claimed = record.payload.RD[-1].TM.unix_ms, series.energy_mwh(record)
        if self.alone is None:
            self.claims.claim(claimed, now_ms)  # judged when it came, by the buyer's clock
            self._check_meters(now_ms, out)
        elif (bad := self.alone.take(self.offer, at_ms, claimed, now_ms)) and self.state in _PAYING:
            self._breach(Cause.METER_DISAGREEMENT, f"the seller's {bad}", now_ms, out)
        return self.state in _PAYING

    def _send_reading(
        self, tx: Transaction, now_ms: int, out: list[Action], tariff: str | None = None
    ) -> None:
        if self.readings.own.open:
            self.readings.send(tx, self.last_sample, self.meter.energy_mwh, now_ms, out, tariff)

    # -- time --------------------------------------------------------------------------
    def _roll_period(self, now_ms: int, out: list[Action]) -> None:
        offer = self.offer
        if offer is None or self.state is _B.CLOSED or now_ms < offer.stop_ms:
            return
        if self.renewal is not None and self.renewal.start_ms <= now_ms:
            self.offer, self.renewal = self.renewal, None
            out.append(Record(LedgerKind.STATE, now_ms, "renewed sale period begins"))
            tariff = self.rolling.begin(offer, self.offer, self.last_sample, now_ms)
            if tariff and self.state in _PAYING:
                self._send_reading(Transaction.TARIFF_CHANGE, now_ms, out, tariff)
        elif now_ms >= offer.stop_ms + CLOSE_WAIT_MS:
            self._close(Cause.PERIOD_END, "the sale period ended", now_ms, out, False)

    def _publish_rate(self, now_ms: int, out: list[Action]) -> None:
        if change := rate_update(self.offer, self.state is not _B.CLOSED, now_ms, self.last_rate):
            self.last_rate = change.price_msat_per_kwh
            out.append(change)

    def _close(
        self, cause: Cause, text: str, now_ms: int, out: list[Action], tell_seller: bool
    ) -> None:
        if self.state is _B.CLOSED or (tell_seller and self.state is _B.CLOSING):
            return
        self.payments.deferred.clear()
        if tell_seller and self.outbox.session_id and self.offer is not None:
            self.machine.move(_B.CLOSING)  # the seller answers with its closing statement
            self.closing.begin(cause, text, now_ms)
            out.append(Record(LedgerKind.STATE, now_ms, f"closing: {text}"))
            self._closing(now_ms, out)
            return
        if self.outbox.session_id:  # the End goes to the seller too, closing or not
            self._send_reading(Transaction.END, now_ms, out)
            if tell_seller:
                out.extend(self.outbox.send(Close(cause, text), now_ms))
        self._finish(cause, text, now_ms, out)

    def _closing(self, now_ms: int, out: list[Action]) -> None:
        """End and Close once no prepayment is in flight; then await the statement."""
        closing = self.closing
        if closing.due(now_ms, self.payments.prepaying()):
            self._send_reading(Transaction.END, now_ms, out)
            out.extend(self.outbox.send(Close(closing.cause, closing.text), now_ms))
        elif closing.over(now_ms):
            self._finish(closing.cause, "no closing statement came", now_ms, out)

    def _finish(self, cause: Cause, text: str, now_ms: int, out: list[Action]) -> None:
        self.machine.move(_B.CLOSED)
        self.closing.pending = False
        out.extend([Record(LedgerKind.STATE, now_ms, f"closed: {text}"), CloseSession(cause)])
