"""Sale terms (the seller's offer) and the buyer's limits.

Amounts are :class:`Msat`; times are Unix ms; voltages and currents are integer milli-
units per phase. Each dataclass checks its own consistency on construction and raises
:class:`TermsError` with a sentence naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gridnode.money import Msat
from gridnode.trade.errors import TermsError
from gridnode.trade.profiles import RateProfile
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt, MilliWatt, Mwh, max_power_mw

_NODE_ID = re.compile(r"0[23][0-9a-f]{64}")

# Immutable defaults (dataclass fields must not call at class creation).
_NO_MSAT = Msat(0)
_ONE_MSAT = Msat(1)
_NO_TIME = DurationMs(0)
_NO_CURRENT = MilliAmp(0)
_ONE_SECOND = DurationMs(1_000)
_TWO_SECONDS = DurationMs(2_000)
_FIVE_SECONDS = DurationMs(5_000)
_THREE_MINUTES = DurationMs(180_000)
_TEN_MINUTES = DurationMs(600_000)


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """How the buyer pays: invoice sizes, how far ahead, and the deposit."""

    min_payment: Msat
    #: The largest step (invoice); the session pays in the largest step that keeps
    #: within both budgets below (gridnode.trade.cadence).
    max_payment: Msat
    #: The most the buyer keeps paid ahead of its metered use, in msat...
    prepayment: Msat
    #: ...and in ms of energy at the current power: the mean power over the last
    #: ``prepayment_ms``, at most the contracted maximum (the lesser bound binds; see
    #: docs/cadence.md).
    prepayment_ms: DurationMs
    #: Locked in a hold invoice; settled only if the buyer defaults.
    initial_deposit: Msat
    #: The most the seller delivers unpaid before it cuts the supply, in msat...
    unpaid: Msat = _NO_MSAT
    #: ...and in ms of energy at the current power (the energy of the last ``unpaid_ms``:
    #: how long the seller waits for a payment). 0 and 0: credit must stay above the cut-off.
    unpaid_ms: DurationMs = _NO_TIME

    def __post_init__(self) -> None:
        if not Msat(0) < self.min_payment <= self.max_payment:
            raise TermsError(
                f"Payment sizes need 0 < min_payment <= max_payment; got {self.min_payment} "
                f"and {self.max_payment}."
            )
        if self.prepayment < self.max_payment:
            raise TermsError(
                f"prepayment ({self.prepayment}) must be at least max_payment "
                f"({self.max_payment}), or no invoice could ever be paid."
            )
        if self.prepayment_ms <= 0 or self.initial_deposit < Msat(0):
            raise TermsError("prepayment_ms must be positive and initial_deposit not negative.")
        if self.unpaid < Msat(0) or self.unpaid_ms < 0:
            raise TermsError(
                f"The unpaid budget cannot be negative; got {self.unpaid} and {self.unpaid_ms} ms."
            )


@dataclass(frozen=True, slots=True)
class ElectricalGuarantees:
    """What the seller guarantees per phase, and the most current it allows.

    Voltage and frequency are the seller's side of the bargain: outside their range for
    longer than ``grace_ms`` the seller opens the relay and the buyer stops paying.
    Currents, imbalance and neutral current are the buyer's: over their limit the
    seller opens the relay at once (docs/trade.md, "Electrical protection")."""

    phases: int
    voltage_min_mv: MilliVolt
    voltage_nominal_mv: MilliVolt
    voltage_max_mv: MilliVolt
    #: The most current any phase may carry.
    current_max_ma: MilliAmp
    #: Each phase's own maximum, L1 first (empty: ``current_max_ma`` on every phase);
    #: each at most ``current_max_ma``.
    phase_current_max_ma: tuple[MilliAmp, ...] = ()
    #: The most the phase currents may differ, highest less lowest (three phases only;
    #: 0: no limit).
    imbalance_max_ma: MilliAmp = _NO_CURRENT
    #: The most current the neutral may carry (0: no limit).
    neutral_current_max_ma: MilliAmp = _NO_CURRENT
    #: The frequency range the seller guarantees (0 and 0: no frequency guarantee).
    frequency_min_mhz: int = 0
    frequency_max_mhz: int = 0
    #: How long voltage or frequency may stay outside the guaranteed range (from the
    #: seller's first reading of it) before the seller opens the relay: shorter than the
    #: buyer's own grace by a meter poll and a tick, so the seller cuts before the
    #: buyer's check would see a breach.
    grace_ms: DurationMs = _ONE_SECOND

    def __post_init__(self) -> None:
        if self.phases not in (1, 3):
            raise TermsError(f"phases must be 1 or 3; got {self.phases}.")
        if not 0 < self.voltage_min_mv <= self.voltage_nominal_mv <= self.voltage_max_mv:
            raise TermsError(
                "Voltages need 0 < voltage_min_mv <= voltage_nominal_mv <= voltage_max_mv; got "
                f"{self.voltage_min_mv}, {self.voltage_nominal_mv}, {self.voltage_max_mv}."
            )
        if self.current_max_ma <= 0:
            raise TermsError(f"current_max_ma must be positive; got {self.current_max_ma}.")
        each = self.phase_current_max_ma
        if each and (
            len(each) != self.phases or not all(0 < c <= self.current_max_ma for c in each)
        ):
            raise TermsError(
                f"phase_current_max_ma needs one maximum per phase ({self.phases}), each above "
                f"0 and at most current_max_ma ({self.current_max_ma}); got {list(each)}."
            )
        if min(self.imbalance_max_ma, self.neutral_current_max_ma, self.grace_ms) < 0:
            raise TermsError(
                "imbalance_max_ma, neutral_current_max_ma and grace_ms cannot be negative; got "
                f"{self.imbalance_max_ma}, {self.neutral_current_max_ma}, {self.grace_ms}."
            )
        low, high = self.frequency_min_mhz, self.frequency_max_mhz
        if (low, high) != (0, 0) and not 0 < low <= high:
            raise TermsError(
                "A frequency range needs 0 < frequency_min_mhz <= frequency_max_mhz (or both "
                f"0 for none); got {low} and {high}."
            )

    @property
    def phase_limits_ma(self) -> tuple[int, ...]:
        """The maximum current of each phase, L1 first."""
        return self.phase_current_max_ma or (self.current_max_ma,) * self.phases

    @property
    def guarantees_frequency(self) -> bool:
        return self.frequency_max_mhz > 0

    @property
    def max_power_mw(self) -> MilliWatt:
        """Nominal voltage times each phase's maximum current, added up."""
        return MilliWatt(
            sum(max_power_mw(self.voltage_nominal_mv, c) for c in self.phase_limits_ma)
        )


@dataclass(frozen=True, slots=True)
class MeteringTolerance:
    """How far two meters may disagree: a share of the energy plus a fixed amount."""

    share_ppm: int
    fixed_mwh: Mwh

    def __post_init__(self) -> None:
        if not 0 <= self.share_ppm <= 200_000 or self.fixed_mwh < 0:
            raise TermsError(
                "A metering tolerance needs share_ppm in 0..200000 (0-20 %) and fixed_mwh >= 0; "
                f"got {self.share_ppm} and {self.fixed_mwh}."
            )

    def allowance_mwh(self, energy_mwh: int) -> int:
        """The most another meter may read above ``energy_mwh`` (rounded up)."""
        return -(-energy_mwh * self.share_ppm // 1_000_000) + self.fixed_mwh

    def covers(self, other: MeteringTolerance) -> bool:
        return self.share_ppm >= other.share_ppm and self.fixed_mwh >= other.fixed_mwh


@dataclass(frozen=True, slots=True)
class SupplyPolicy:
    """How the seller runs the contactor. Real-install defaults; the demo uses
    :data:`DEMO_POLICY`."""

    #: Relay off when the buyer's credit (paid - cost, seller's meter) falls below this.
    cutoff: Msat = _NO_MSAT
    #: The buyer is warned when credit falls below this (>= cutoff).
    warn: Msat = _NO_MSAT
    #: After a cut, power returns only once credit is at or above this (> cutoff).
    restore: Msat = _ONE_MSAT
    min_off_ms: DurationMs = _THREE_MINUTES
    max_switches_per_hour: int = 6
    #: A meter reading older than this is stale: relay off.
    reading_max_age_ms: DurationMs = _FIVE_SECONDS
    #: The seller offers a renewal this long before the period ends.
    renewal_lead_ms: DurationMs = _TEN_MINUTES

    def __post_init__(self) -> None:
        if not self.cutoff <= self.warn < self.restore:
            raise TermsError(
                f"A supply policy needs cutoff <= warn < restore; got {self.cutoff}, "
                f"{self.warn}, {self.restore}."
            )
        if min(self.min_off_ms, self.reading_max_age_ms, self.max_switches_per_hour) <= 0:
            raise TermsError("min_off_ms, reading_max_age_ms, max_switches_per_hour must be > 0.")


DEMO_POLICY = SupplyPolicy(
    cutoff=Msat(0),
    warn=Msat(200),
    restore=Msat(500),
    min_off_ms=DurationMs(3_000),
    max_switches_per_hour=60,
    reading_max_age_ms=DurationMs(1_500),
    renewal_lead_ms=DurationMs(10_000),
)


@dataclass(frozen=True, slots=True)
class Offer:
    """The seller's sale terms for [start_ms, stop_ms)."""

    start_ms: int
    stop_ms: int
    profile: RateProfile
    payments: PaymentTerms
    electrical: ElectricalGuarantees
    meter_id: str
    tolerance: MeteringTolerance
    policy: SupplyPolicy = field(default_factory=SupplyPolicy)
    #: A renewal continues an accepted sale; it carries no new deposit.
    is_renewal: bool = False
    #: The seller's Lightning node id (hex of its 33-byte compressed key): every invoice
    #: must be payable to it, so the signed offer binds the seller's key to its wallet's.
    payee_node_id: str = ""
    #: The buyer has no meter of its own and pays against the seller's signed readings
    #: alone (checked for plausibility, not against a second meter); both sign it.
    seller_metered: bool = False

    def __post_init__(self) -> None:
        if self.payee_node_id and not _NODE_ID.fullmatch(self.payee_node_id):
            raise TermsError(
                "payee_node_id must be a Lightning node id: 66 hex digits starting 02 or 03; "
                f"got {self.payee_node_id!r}."
            )
        if self.stop_ms <= self.start_ms:
            raise TermsError(
                f"The sale period must end after it starts; got {self.start_ms}..{self.stop_ms}."
            )
        if not self.meter_id:
            raise TermsError("meter_id must name the meter the energy is sold from.")
        if self.is_renewal and self.payments.initial_deposit:
            raise TermsError("A renewal carries no new deposit: set initial_deposit to 0.")

    @property
    def period_ms(self) -> int:
        return self.stop_ms - self.start_ms


@dataclass(frozen=True, slots=True)
class BuyerLimits:
    """What a buyer will accept."""

    min_period_ms: DurationMs
    max_period_ms: DurationMs
    ceiling: RateProfile
    min_payment: Msat
    max_payment: Msat
    desired_payment: Msat
    max_prepayment: Msat
    max_prepayment_ms: DurationMs
    max_deposit: Msat
    #: The guaranteed voltage range must lie inside this one.
    voltage_min_mv: MilliVolt
    voltage_max_mv: MilliVolt
    #: The nominal voltage must lie inside this range.
    nominal_min_mv: MilliVolt
    nominal_max_mv: MilliVolt
    phases: int
    current_needed_ma: MilliAmp
    expected_meter_id: str
    #: The buyer's own meter accuracy: a tighter agreed tolerance would cause false
    #: breaches.
    own_tolerance: MeteringTolerance
    #: The loosest tolerance the buyer accepts (how much over-billing it puts up with).
    max_tolerance: MeteringTolerance
    #: The most a full period may cost at the contracted maximum power.
    max_period_cost: Msat
    #: How long voltage may stay outside the agreed range before the buyer stops paying;
    #: the seller's own grace (``ElectricalGuarantees.grace_ms``) may not be longer.
    voltage_grace_ms: DurationMs = _TWO_SECONDS
    #: The seller must wait at least this long (ms of energy) for a payment before it
    #: cuts the supply: the time this buyer's payments need to arrive.
    min_unpaid_ms: DurationMs = _NO_TIME
    #: The most a payment may pay in routing fees, in parts per million of its amount
    #: (not negotiated: the buyer's own payment setting).
    max_fee_ppm: int = 10_000
    #: The current the buyer needs on each phase, L1 first (empty: ``current_needed_ma``
    #: on every phase).
    phase_current_needed_ma: tuple[MilliAmp, ...] = ()
    #: The phase imbalance the buyer's loads need (a single-phase appliance draws its
    #: whole current on one phase): an offer's imbalance limit must allow at least this.
    imbalance_needed_ma: MilliAmp = _NO_CURRENT
    #: The neutral current the buyer's loads need: an offer's neutral limit must allow it.
    neutral_needed_ma: MilliAmp = _NO_CURRENT
    #: The frequency range an offer must guarantee inside (0 and 0: none required).
    frequency_min_mhz: int = 0
    frequency_max_mhz: int = 0
    #: The buyer has no meter of its own (``metering = "seller"``): it accepts only
    #: offers that say so, and pays against the seller's signed readings alone.
    seller_metered: bool = False

    def current_needed_of(self, phase: int) -> int:
        """The current the buyer needs on ``phase`` (0 is L1)."""
        needed = self.phase_current_needed_ma
        return needed[phase] if phase < len(needed) else self.current_needed_ma

    def __post_init__(self) -> None:
        if not 0 < self.min_period_ms <= self.max_period_ms:
            raise TermsError("Buyer limits need 0 < min_period_ms <= max_period_ms.")
        if not self.min_payment <= self.desired_payment <= self.max_payment:
            raise TermsError(
                "Buyer limits need min_payment <= desired_payment <= max_payment; got "
                f"{self.min_payment}, {self.desired_payment}, {self.max_payment}."
            )
        if not self.voltage_min_mv <= self.voltage_max_mv:
            raise TermsError("Buyer limits need voltage_min_mv <= voltage_max_mv.")
        if not self.nominal_min_mv <= self.nominal_max_mv:
            raise TermsError("Buyer limits need nominal_min_mv <= nominal_max_mv.")
        if not 0 <= self.max_fee_ppm <= 1_000_000:
            raise TermsError(
                f"max_fee_ppm is a share in parts per million, 0..1000000; got {self.max_fee_ppm}."
            )
        if self.phase_current_needed_ma and len(self.phase_current_needed_ma) != self.phases:
            raise TermsError(
                f"phase_current_needed_ma needs one current per phase ({self.phases}); got "
                f"{list(self.phase_current_needed_ma)}."
            )
        low, high = self.frequency_min_mhz, self.frequency_max_mhz
        if (low, high) != (0, 0) and not 0 < low <= high:
            raise TermsError(
                "Buyer limits need 0 < frequency_min_mhz <= frequency_max_mhz (or both 0); got "
                f"{low} and {high}."
            )


@dataclass(frozen=True, slots=True)
class OfferTemplate:
    """The seller's terms with the period still to be placed in time: each session's
    offer, and each renewal's, is made from it."""

    #: How long each sale period lasts.
    period_ms: int
    #: The price over time.
    profile: RateProfile
    #: Payment sizes, exposure budgets and the deposit.
    payments: PaymentTerms
    #: The voltage range and the most current the seller guarantees.
    electrical: ElectricalGuarantees
    #: How far the two meters may disagree.
    tolerance: MeteringTolerance
    #: How the seller runs the contactor.
    policy: SupplyPolicy
    #: The seller's Lightning node id, asked of its LND at start-up (not configured).
    payee_node_id: str = ""

    def offer(
        self, start_ms: int, meter_id: str, *, renewal: bool = False, seller_metered: bool = False
    ) -> Offer:
        """The offer for the period starting at ``start_ms``; a renewal carries no new
        deposit; ``seller_metered``: the buyer has no meter of its own."""
        payments = self.payments
        if renewal:
            payments = PaymentTerms(
                payments.min_payment,
                payments.max_payment,
                payments.prepayment,
                payments.prepayment_ms,
                Msat(0),
                payments.unpaid,
                payments.unpaid_ms,
            )
        return Offer(
            start_ms=start_ms,
            stop_ms=start_ms + self.period_ms,
            profile=self.profile,
            payments=payments,
            electrical=self.electrical,
            meter_id=meter_id,
            tolerance=self.tolerance,
            policy=self.policy,
            is_renewal=renewal,
            payee_node_id=self.payee_node_id,
            seller_metered=seller_metered,
        )
