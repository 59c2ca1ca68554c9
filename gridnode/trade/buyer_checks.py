"""The buyer's watch on the seller: the supply in range on every phase (voltage, and
frequency where guaranteed), and claimed energy within the agreed metering tolerance of
the buyer's own meter; and its watch on its own draw against the agreed limits."""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.events import MeterSample
from gridnode.trade.protection import Problem, RangeWatch, draw_problem, supply_problem
from gridnode.trade.terms import ElectricalGuarantees, MeteringTolerance, Offer
from gridnode.trade.units import MWH_PER_KWH, energy_at_power_mwh


@dataclass(slots=True)
class SupplyWatch:
    """Reports a breach once the supply on a live phase (gridnode.trade.protection: at
    least half the guaranteed minimum voltage, or carrying current at any voltage) stays
    outside the guaranteed range for longer than the buyer's grace period."""

    grace_ms: int
    watch: RangeWatch = field(init=False)

    def __post_init__(self) -> None:
        self.watch = RangeWatch(self.grace_ms)

    def check(self, sample: MeterSample, electrical: ElectricalGuarantees) -> Problem | None:
        self.watch.see(sample.at_ms, supply_problem(electrical, sample))
        return self.watch.tripped(sample.at_ms)


@dataclass(slots=True)
class DrawWatch:
    """The buyer's own draw against the agreed limits (each phase's current, imbalance,
    neutral): the seller cuts the supply at once when they are broken, so the buyer says
    why, once each time it starts (its loads should shed, not wait for the cut)."""

    over: bool = False

    def check(self, sample: MeterSample, electrical: ElectricalGuarantees) -> Problem | None:
        """The problem when the draw has just gone over the limits; None otherwise."""
        problem = draw_problem(electrical, sample)
        started = problem is not None and not self.over
        self.over = problem is not None
        return problem if started else None

    def faults(
        self, sample: MeterSample, electrical: ElectricalGuarantees, now_ms: int
    ) -> list[Action]:
        """What the buyer records and shows when its draw has just gone over the limits:
        its own doing, noted, not a breach of the seller's."""
        over = self.check(sample, electrical)
        if over is None:
            return []
        text = f"this buyer's draw breaks the terms ({over[1]}): the seller cuts the supply"
        return [Record(LedgerKind.FAULT, now_ms, text), Notify(text)]


class Finding(enum.Enum):
    """What a seller's claim that the buyer could not square with its own meter means."""

    #: The seller claims more than the buyer's fresh, moving meter allows: a breach.
    OVER_CLAIM = "over_claim"
    #: The buyer has no fresh reading of its own to judge the claim by, and its last
    #: reading does not cover it: the buyer's meter is at fault, not the seller.
    OWN_METER_STALE = "own_meter_stale"


@dataclass(frozen=True, slots=True)
class ClaimProblem:
    finding: Finding
    text: str


def power_bound_mw(electrical: ElectricalGuarantees) -> int:
    """The most power the terms let flow (mW): each phase's maximum current at the
    highest guaranteed voltage (above nominal is within the terms; over the current the
    seller cuts at once)."""
    return sum(electrical.voltage_max_mv * c // 1_000 for c in electrical.phase_limits_ma)


@dataclass(slots=True)
class MeterComparison:
    """Compares the seller's signed claims (energy since the session began) with what
    the buyer's own meter allows, allowing for the buyer's own measurement uncertainty.

    A claim is judged at the moment it *arrived* (the buyer's clock, the clock of its
    own readings): the seller cannot have measured energy that had not yet flowed when
    its message came, however late its meter was read or its clock runs, so neither
    the seller's read latency nor the clock skew can make an honest claim look high
    (issue 16: under load an honest seller's reading was stamped before its registers
    were read, and the buyer held it off for an hour). What the buyer's meter allows at
    that moment is the least of two upper bounds, each from a fresh reading only:

    - the energy of its first reading at or after the arrival (energy never decreases);
    - the energy of its last reading before the arrival plus the time since at the
      most power the terms let flow (:func:`power_bound_mw`): what the meter may not
      have counted yet.

    Each reading's energy already holds what its register has not counted yet
    (:attr:`~gridnode.trade.own_meter.CounterWatch.lag_mwh`, the meter's resolution);
    the agreed tolerance comes on top of the bound. A reading is fresh when it is at
    most ``fresh_ms`` (the terms' reading_max_age_ms) from the arrival and was no older
    than that when it reached the session; an older one is no evidence. A claim with no
    fresh reading either side is not judged: if the buyer's last reading covers it
    anyway nothing is lost (claims are totals: the next judged one carries it),
    otherwise the buyer's own meter is at fault (:attr:`Finding.OWN_METER_STALE`),
    never the seller."""

    own: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=4096))
    #: (arrived at, energy claimed) of each claim not judged yet
    claims: list[tuple[int, int]] = field(default_factory=list)

    def add_own(self, at_ms: int, energy_mwh: int) -> None:
        """One fresh reading of the buyer's own meter (energy since the session began)."""
        if not self.own or at_ms > self.own[-1][0]:
            self.own.append((at_ms, energy_mwh))

    def add_claim(self, arrived_ms: int, energy_mwh: int) -> None:
        self.claims.append((arrived_ms, energy_mwh))

    def reset(self) -> None:
        """Forget every reading and claim: the buyer's meter is at fault, and what it
        read meanwhile is no evidence (a stuck counter reads too low)."""
        self.own.clear()
        self.claims = []

    def check(
        self, tolerance: MeteringTolerance, power_mw: int, fresh_ms: int, now_ms: int
    ) -> ClaimProblem | None:
        """The first claim the buyer's meter cannot square with, or None. A claim waits
        (up to ``fresh_ms``) for a reading of the buyer's own after its arrival."""
        waiting: list[tuple[int, int]] = []
        for arrived_ms, claimed in self.claims:
            before, after = self._around(arrived_ms)
            if after is None and now_ms - arrived_ms <= fresh_ms:
                waiting.append((arrived_ms, claimed))
                continue
            bounds = []
            if after is not None and after[0] - arrived_ms <= fresh_ms:
                bounds.append(after[1])
            if before is not None and arrived_ms - before[0] <= fresh_ms:
                bounds.append(before[1] + energy_at_power_mwh(power_mw, arrived_ms - before[0]))
            if bounds:
                own = min(bounds)
                allowed = own + tolerance.allowance_mwh(own)
                if claimed > allowed:
                    self.claims = []
                    return ClaimProblem(
                        Finding.OVER_CLAIM,
                        f"the seller claims {claimed} mWh but the buyer's meter saw at most "
                        f"{own} mWh when the claim came; the tolerance allows {allowed} mWh",
                    )
            elif after is None:  # no fresh reading since: the buyer's meter is stale now
                problem = self._unjudged(claimed, before, tolerance, now_ms)
                if problem is not None:
                    self.claims = []
                    return problem
            # else: the meter was stale when the claim came and reads again: no evidence
        self.claims = waiting
        self._forget_before(min([now_ms, *(at for at, _ in waiting)]) - fresh_ms)
        return None

    def _forget_before(self, t_ms: int) -> None:
        """Drop the readings no claim arriving at or after ``t_ms`` can need: all but
        the last one before it (the soak: 4,096 kept readings took 38 minutes to fill,
        half a megabyte a session that judged nothing)."""
        while len(self.own) > 1 and self.own[1][0] <= t_ms:
            self.own.popleft()

    def _unjudged(
        self,
        claimed: int,
        before: tuple[int, int] | None,
        tolerance: MeteringTolerance,
        now_ms: int,
    ) -> ClaimProblem | None:
        """A claim no fresh reading can judge: the buyer's meter fault when its last
        reading does not cover it."""
        last = before[1] if before is not None else 0
        covered = last + tolerance.allowance_mwh(last)
        if claimed <= covered:
            return None
        seen = (
            "it has no reading yet"
            if before is None
            else f"its last reading, {last} mWh, is {(now_ms - before[0]) / 1000:.1f} s old"
        )
        return ClaimProblem(
            Finding.OWN_METER_STALE,
            f"this buyer's meter gave no fresh reading to judge the seller's claim of "
            f"{claimed} mWh by ({seen})",
        )

    def _around(self, t_ms: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The buyer's last reading at or before t and its first at or after t."""
        before = after = None
        for reading in reversed(self.own):
            if reading[0] >= t_ms:
                after = reading
            if reading[0] <= t_ms:
                before = reading
                break
        return before, after


#: How much later the seller's closing statement may count to than the buyer's own last
#: reading (its last reading is taken a moment after the buyer's).
STATEMENT_SKEW_MS = 1_000


def allowance_msat(
    offer: Offer | None, cost_msat: Fraction, power_mw: int, skew_ms: int, now_ms: int
) -> Fraction:
    """The most the seller may have billed (msat) for energy the buyer's own meter costs
    ``cost_msat``: widened by the agreed metering tolerance, and by ``skew_ms`` of energy at
    ``power_mw`` (a closing statement counts up to the seller's own last reading, a moment
    after the buyer's)."""
    if offer is None:
        return Fraction(0)
    tol = offer.tolerance
    scaled = cost_msat * (1_000_000 + tol.share_ppm) / 1_000_000
    extra_mwh = tol.fixed_mwh + Fraction(power_mw * skew_ms, 3_600_000)
    return scaled + extra_mwh * offer.profile.price_at(now_ms) / MWH_PER_KWH
