"""An independent oracle for DESIGN.md invariants 1, 2 and 4.

It replays the action log and the events a session saw, keeping its own books; it reads
no session field. Invariant 2 (off within one tick) follows from checking invariant 1
after every event, ticks included: the first event after a condition fails must leave
the relay off. Invariant 1 includes the electrical terms per phase: each phase's current,
the imbalance and the neutral at once, and voltage and frequency beyond the grace.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.money import Msat
from gridnode.ocmf import OcmfRecord, Transaction, parse_record
from gridnode.trade import codec
from gridnode.trade.actions import (
    Action,
    CreateInvoice,
    LedgerKind,
    PayInvoice,
    Record,
    SendMessage,
    SwitchRelay,
)
from gridnode.trade.buyer_checks import power_bound_mw
from gridnode.trade.events import (
    Event,
    HoldInvoiceAccepted,
    InvoiceCreated,
    InvoiceSettled,
    MeterSample,
    PaymentFailed,
)
from gridnode.trade.messages import (
    AcceptanceMessage,
    MessageKind,
    RenewalMessage,
)
from gridnode.trade.profiles import cost_exact
from gridnode.trade.terms import Offer
from gridnode.trade.units import energy_at_power_mwh
from tests.support.trade.sim import BUYER, SELLER, World


@dataclass
class _Meter:
    """Energy from the fine integral (the sim's register never contradicts it) and its
    exact cost, from the first sample after the terms were accepted."""

    first: MeterSample | None = None
    last: MeterSample | None = None
    cost: Fraction = field(default_factory=Fraction)

    def add(self, sample: MeterSample, offer: Offer) -> None:
        if self.last is not None and sample.at_ms <= self.last.at_ms:
            return
        if self.first is None or self.last is None:
            self.first = self.last = sample
            return
        added = sample.integrated_mwh - self.last.integrated_mwh
        if added > 0:
            self.cost += cost_exact(offer.profile, added, self.last.at_ms, sample.at_ms)
        self.last = sample


@dataclass
class Oracle:
    offer: Offer
    violations: list[str] = field(default_factory=list)
    # agreed sale periods: the first offer's, plus each renewal the seller logged as
    # accepted with the exact acceptance frame of a renewal it had proposed
    periods: list[tuple[int, int]] = field(default_factory=list)
    proposed: dict[bytes, Offer] = field(default_factory=dict)
    # seller books
    relay_on: bool = False
    hold_requests: set[int] = field(default_factory=set)
    plain_requests: set[int] = field(default_factory=set)
    deposit_hashes: set[bytes] = field(default_factory=set)
    prepay_hashes: set[bytes] = field(default_factory=set)
    deposit_locked: bool = False
    settled: set[bytes] = field(default_factory=set)
    paid: int = 0
    seller_accepted: bool = False
    seller_meter: _Meter = field(default_factory=_Meter)
    seller_latest: MeterSample | None = None
    #: since when the seller's meter shows the supply out of range (its own reading)
    seller_out_since: int | None = None
    # buyer books
    payment_size: Msat | None = None
    paid_hashes: set[bytes] = field(default_factory=set)
    committed: int = 0
    prepay_amounts: dict[bytes, int] = field(default_factory=dict)
    buyer_meter: _Meter = field(default_factory=_Meter)
    buyer_accepted: bool = False
    out_of_range_since: int | None = None
    voltage_breached: bool = False
    buyer_breached: bool = False
    own_energy: list[tuple[int, int]] = field(default_factory=list)  # (at, mWh since start)
    claims: list[tuple[int, int]] = field(default_factory=list)  # the seller's, received
    seller_begin_mwh: int | None = None  # RV of the seller's Begin (OCMF)
    meter_breached: bool = False

    def __post_init__(self) -> None:
        self.periods.append((self.offer.start_ms, self.offer.stop_ms))

    def __call__(self, world: World, who: str, event: Event, out: list[Action]) -> None:
        now = world.clock(who, world.now_ms)
        if who == SELLER:
            self._seller(event, out, now)
        else:
            self._buyer(world, event, out, now)

    # -- seller: invariants 1 and 2 --------------------------------------------------------
    def _seller(self, event: Event, out: list[Action], now: int) -> None:
        match event:
            case InvoiceCreated() if event.request_id in self.hold_requests:
                self.deposit_hashes.add(event.payment_hash)
            case InvoiceCreated() if event.request_id in self.plain_requests:
                self.prepay_hashes.add(event.payment_hash)
            case HoldInvoiceAccepted() if event.payment_hash in self.deposit_hashes:
                self.deposit_locked = event.amount >= self.offer.payments.initial_deposit
            case InvoiceSettled() if event.payment_hash in self.prepay_hashes:
                if event.payment_hash not in self.settled:
                    self.settled.add(event.payment_hash)
                    self.paid += event.amount.msat
            case MeterSample():
                if self.seller_latest is None or event.at_ms > self.seller_latest.at_ms:
                    self.seller_latest = event
                    if not _supply_in_range(self.offer, event):
                        if self.seller_out_since is None:
                            self.seller_out_since = event.at_ms
                    else:
                        self.seller_out_since = None
                if self.seller_accepted:
                    self.seller_meter.add(event, self.offer)
            case _:
                pass
        for action in out:
            match action:
                case CreateInvoice():
                    requests = self.hold_requests if action.hold else self.plain_requests
                    requests.add(action.request_id)
                case SwitchRelay():
                    self.relay_on = action.on
                case SendMessage() if action.kind is MessageKind.RENEWAL:
                    received = codec.decode(action.frame)
                    assert isinstance(received.envelope.body, RenewalMessage)
                    self.proposed[codec.digest(received)] = received.envelope.body.offer
                case Record() if action.kind is LedgerKind.TERMS_ACCEPTED:
                    self.seller_accepted = True
                    body = codec.decode(action.data).envelope.body
                    if isinstance(body, AcceptanceMessage) and body.offer_digest in self.proposed:
                        renewal = self.proposed[body.offer_digest]
                        self.periods.append((renewal.start_ms, renewal.stop_ms))
                case _:
                    pass
        if self.relay_on:
            self._check_relay_may_be_on(now)

    def _check_relay_may_be_on(self, now: int) -> None:
        offer, sample = self.offer, self.seller_latest
        credit = self.paid - self.seller_meter.cost
        problems = []
        if not self.deposit_locked:
            problems.append("deposit not locked")
        if not any(start <= now < stop for start, stop in self.periods):
            problems.append("outside the sale period")
        if credit <= offer.policy.cutoff.msat:
            problems.append(f"credit {float(credit):.1f} at or below the cut-off")
        if sample is None or not 0 <= now - sample.at_ms <= offer.policy.reading_max_age_ms:
            problems.append("reading not fresh")
        else:
            problems += _draw_problems(offer, sample)
        since = self.seller_out_since
        if since is not None and now - since > offer.electrical.grace_ms:
            problems.append(f"supply out of range since {since}, beyond the grace")
        if problems:
            self.violations.append(f"relay on at {now}: {', '.join(problems)}")

    # -- buyer: invariant 4 ----------------------------------------------------------------
    def _buyer(self, world: World, event: Event, out: list[Action], now: int) -> None:
        match event:
            case MeterSample():
                if self.buyer_accepted:
                    self.buyer_meter.add(event, self.offer)
                    self._watch_voltage(event)
                    first = self.buyer_meter.first
                    fresh = 0 <= now - event.at_ms <= self.offer.policy.reading_max_age_ms
                    if first is not None and event is self.buyer_meter.last and fresh:
                        energy = event.integrated_mwh - first.integrated_mwh
                        self.own_energy.append((event.at_ms, energy))
            case PaymentFailed() if event.payment_hash in self.prepay_amounts:
                self.committed -= self.prepay_amounts.pop(event.payment_hash)
            case _:
                pass
        # The seller's signed readings the buyer accepted (a frame refused for its
        # sequence or signature is no claim the buyer could act on).
        for action in out:
            if isinstance(action, Record) and action.kind is LedgerKind.PEER_READING:
                self._claim(parse_record(action.data), now)
        self._compare_meters(now, world.sample_ms)
        for action in out:
            match action:
                case SendMessage() if (
                    action.kind.value == "acceptance" and self.payment_size is None
                ):
                    body = codec.decode(action.frame).envelope.body
                    assert isinstance(body, AcceptanceMessage)
                    self.payment_size = body.payment_size
                    self.buyer_accepted = True
                case Record() if action.kind is LedgerKind.BREACH:
                    self.buyer_breached = True
                case PayInvoice():
                    self._check_payment(action, now)
                case _:
                    pass

    def _watch_voltage(self, sample: MeterSample) -> None:
        if not _supply_in_range(self.offer, sample):
            if self.out_of_range_since is None:
                self.out_of_range_since = sample.at_ms
            elif sample.at_ms - self.out_of_range_since > 2_000:
                self.voltage_breached = True
        else:
            self.out_of_range_since = None

    def _claim(self, record: OcmfRecord, now: int) -> None:
        """A seller's OCMF reading as a claim: energy since its Begin, as it arrived."""
        reading = record.payload.RD[-1]
        energy = reading.energy_mwh
        assert energy is not None
        if reading.TX is Transaction.BEGIN:
            self.seller_begin_mwh = energy
        if self.seller_begin_mwh is not None:
            self.claims.append((now, energy - self.seller_begin_mwh))

    def _compare_meters(self, now: int, sample_ms: int) -> None:
        """A seller claim beyond what the buyer's meter had seen by the buyer's first
        fresh reading after the claim came (within the terms' freshness), plus the
        tolerance, with slack for the buyer's integer rounding (5 mWh) and for its guess
        of what its register has not counted yet (power over time between readings: at
        most one reading's interval at the terms' power bound). A claim with no such
        reading is no evidence: the buyer's meter was stale then (its own fault)."""
        tol, fresh_ms = self.offer.tolerance, self.offer.policy.reading_max_age_ms
        slack = 5 + energy_at_power_mwh(power_bound_mw(self.offer.electrical), sample_ms)
        waiting = []
        for arrived, claimed in self.claims:
            after = _first_after(self.own_energy, arrived)
            if after is None:
                if now - arrived <= fresh_ms:
                    waiting.append((arrived, claimed))
                continue
            at, own = after
            allowed = own + tol.allowance_mwh(own) + slack
            if at - arrived <= fresh_ms and claimed > allowed:
                self.meter_breached = True
        self.claims = waiting

    def _check_payment(self, pay: PayInvoice, now: int) -> None:
        offer = self.offer
        if pay.payment_hash in self.paid_hashes:
            self.violations.append(f"paid hash {pay.payment_hash.hex()[:8]} twice")
        self.paid_hashes.add(pay.payment_hash)
        if self.voltage_breached or self.buyer_breached or self.meter_breached:
            self.violations.append(f"paid at {now} after a breach")
        if pay.payment_hash in self.deposit_hashes:
            if pay.amount > offer.payments.initial_deposit:
                self.violations.append(f"paid a deposit of {pay.amount}, above the agreed one")
            return
        if self.payment_size is None or pay.amount > self.payment_size:
            self.violations.append(f"paid {pay.amount} above the agreed size {self.payment_size}")
        self.committed += pay.amount.msat
        self.prepay_amounts[pay.payment_hash] = pay.amount.msat
        tol = offer.tolerance
        allowance = self.buyer_meter.cost * (1_000_000 + tol.share_ppm) / 1_000_000
        allowance += tol.fixed_mwh * offer.profile.price_at(now) / 1_000_000
        if self.committed - allowance > offer.payments.prepayment.msat:
            self.violations.append(
                f"paid ahead {float(self.committed - allowance):.1f} msat at {now}, over "
                f"the agreed {offer.payments.prepayment}"
            )


__all__ = ["BUYER", "Oracle"]


def _supply_in_range(offer: Offer, sample: MeterSample) -> bool:
    """Every phase that has supply (at least half the minimum voltage) or carries
    current (100 mA or more) is within the guaranteed voltage, and then the frequency
    within its guaranteed range (when there is one)."""
    elec = offer.electrical
    live = [
        volts
        for volts, amps in itertools.zip_longest(
            sample.voltages_mv, sample.currents_ma, fillvalue=0
        )
        if 2 * volts >= elec.voltage_min_mv or amps >= 100
    ]
    if any(not elec.voltage_min_mv <= v <= elec.voltage_max_mv for v in live):
        return False
    freq = sample.frequency_mhz
    if live and elec.frequency_max_mhz and freq is not None:
        return elec.frequency_min_mhz <= freq <= elec.frequency_max_mhz
    return True


def _draw_problems(offer: Offer, sample: MeterSample) -> list[str]:
    """Each phase's current over its own maximum, the spread between phases over the
    imbalance limit, the neutral (measured, or |Ia + Ib + Ic| at 120 degrees) over its."""
    elec, amps = offer.electrical, sample.currents_ma
    each = elec.phase_current_max_ma or (elec.current_max_ma,) * len(amps)
    problems = [f"L{i + 1} over current" for i, a in enumerate(amps) if a > each[i]]
    if elec.imbalance_max_ma and len(amps) > 1 and max(amps) - min(amps) > elec.imbalance_max_ma:
        problems.append("imbalance")
    if elec.neutral_current_max_ma:
        if sample.neutral_ma is not None:
            neutral = Fraction(sample.neutral_ma)
        elif len(amps) == 3:
            a, b, c = amps
            neutral = Fraction(math.isqrt(a * a + b * b + c * c - a * b - b * c - c * a))
        else:
            neutral = Fraction(sum(amps))
        if neutral > elec.neutral_current_max_ma:
            problems.append("neutral over current")
    return problems


def _first_after(series: list[tuple[int, int]], t: int) -> tuple[int, int] | None:
    """The first (at, energy) of ``series`` at or after t; None when there is none yet."""
    found = None
    for reading in reversed(series):
        if reading[0] < t:
            break
        found = reading
    return found
