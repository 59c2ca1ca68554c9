"""The buyer's watch on the seller: the supply in range on every phase (voltage, and
frequency where guaranteed), and claimed energy within the agreed metering tolerance of
the buyer's own meter; and its watch on its own draw against the agreed limits."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.events import MeterSample
from gridnode.trade.protection import Problem, RangeWatch, draw_problem, supply_problem
from gridnode.trade.terms import ElectricalGuarantees, MeteringTolerance, Offer
from gridnode.trade.units import MWH_PER_KWH


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


@dataclass(slots=True)
class MeterComparison:
    """Compares the seller's signed claims (time, energy since the session began) with
    the buyer's own energy at the claim's time plus the allowed clock skew."""

    skew_ms: int
    own: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=4096))
    claims: list[tuple[int, int]] = field(default_factory=list)

    def add_own(self, at_ms: int, energy_mwh: int) -> None:
        if not self.own or at_ms > self.own[-1][0]:
            self.own.append((at_ms, energy_mwh))

    def add_claim(self, at_ms: int, energy_mwh: int) -> None:
        self.claims.append((at_ms, energy_mwh))

    def check(self, tolerance: MeteringTolerance) -> str | None:
        """A breach sentence, or None. Claims too recent to compare wait for later."""
        waiting: list[tuple[int, int]] = []
        for at_ms, claimed in self.claims:
            own = self._own_at(at_ms + self.skew_ms)
            if own is None:
                waiting.append((at_ms, claimed))
                continue
            allowed = own + tolerance.allowance_mwh(own)
            if claimed > allowed:
                self.claims = []
                return (
                    f"the seller claims {claimed} mWh but the buyer's meter saw {own} mWh; "
                    f"the tolerance allows {allowed} mWh"
                )
        self.claims = waiting
        return None

    def _own_at(self, t_ms: int) -> int | None:
        """Own energy at t (linear between readings); None until a reading at or after t."""
        if not self.own or self.own[-1][0] < t_ms:
            return None
        before = None
        for at_ms, energy in self.own:
            if at_ms >= t_ms:
                if before is None or at_ms == t_ms:
                    return energy
                b_at, b_energy = before
                return b_energy + (energy - b_energy) * (t_ms - b_at) // (at_ms - b_at)
            before = (at_ms, energy)
        return None  # pragma: no cover - the guard above returns first


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
