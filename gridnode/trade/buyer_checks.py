"""The buyer's watch on the seller: voltage in range, and claimed energy within the agreed
metering tolerance of the buyer's own meter."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.trade.terms import ElectricalGuarantees, MeteringTolerance, Offer
from gridnode.trade.units import MWH_PER_KWH

#: Below this share of the guaranteed minimum the supply is off (relay open), not sagging.
SUPPLY_PRESENT_SHARE = (1, 2)


@dataclass(slots=True)
class VoltageWatch:
    """Reports a breach once voltage on any phase stays outside the guaranteed range for
    longer than the grace period while supply is present."""

    grace_ms: int
    out_since_ms: int | None = None

    def check(
        self, at_ms: int, voltages_mv: tuple[int, ...], electrical: ElectricalGuarantees
    ) -> str | None:
        present_floor = electrical.voltage_min_mv * SUPPLY_PRESENT_SHARE[0]
        present_floor //= SUPPLY_PRESENT_SHARE[1]
        present = [v for v in voltages_mv if v >= present_floor]
        outside = [
            v for v in present if not electrical.voltage_min_mv <= v <= electrical.voltage_max_mv
        ]
        if not outside:
            self.out_since_ms = None
            return None
        if self.out_since_ms is None or at_ms < self.out_since_ms:
            self.out_since_ms = at_ms
        if at_ms - self.out_since_ms > self.grace_ms:
            return (
                f"voltage {outside[0]} mV has been outside the guaranteed "
                f"{electrical.voltage_min_mv}..{electrical.voltage_max_mv} mV for "
                f"{at_ms - self.out_since_ms} ms (grace {self.grace_ms} ms)"
            )
        return None


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
