"""Billing energy from a meter: fine-grained, reconciled to the coarse register.

An SDM energy register steps in coarse units (often 10 Wh), far too coarse for seconds
of exposure. The node integrates active power between readings (fine, but it drifts);
:class:`EnergyReconciler` follows the integral and keeps it inside the band the register
allows: the true energy lies in [register, register + step]. The billed energy never
decreases. :class:`CostMeter` adds up the exact cost of each increment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.trade.events import MeterSample
from gridnode.trade.messages import MeterReadingRecord
from gridnode.trade.profiles import RateProfile, cost_exact


@dataclass(slots=True)
class EnergyReconciler:
    register_step_mwh: int
    _fine_mwh: int | None = None
    _last_integrated_mwh: int = 0

    def update(self, register_mwh: int, integrated_mwh: int) -> int:
        """The reconciled cumulative energy for this reading (mWh, meter's origin)."""
        if self._fine_mwh is None:
            estimate = register_mwh
        else:
            estimate = self._fine_mwh + max(0, integrated_mwh - self._last_integrated_mwh)
        low, high = register_mwh, register_mwh + self.register_step_mwh
        estimate = min(max(estimate, low), high)
        if self._fine_mwh is not None:
            estimate = max(estimate, self._fine_mwh)
        self._fine_mwh = estimate
        self._last_integrated_mwh = integrated_mwh
        return estimate


@dataclass(slots=True)
class CostMeter:
    """Energy since the session's first reading and its exact cost."""

    reconciler: EnergyReconciler
    baseline_mwh: int | None = None
    energy_mwh: int = 0
    cost_msat: Fraction = field(default_factory=Fraction)
    last_at_ms: int | None = None

    def add(self, at_ms: int, register_mwh: int, integrated_mwh: int, profile: RateProfile) -> int:
        """Take one reading; return the energy it adds (billed with ``profile``, the one
        in force at the start of the increment)."""
        absolute = self.reconciler.update(register_mwh, integrated_mwh)
        if self.baseline_mwh is None or self.last_at_ms is None:
            self.baseline_mwh = absolute
            self.last_at_ms = at_ms
            return 0
        if at_ms < self.last_at_ms:
            return 0  # a reading from the past (clock stepped back) bills nothing
        energy = absolute - self.baseline_mwh
        added = energy - self.energy_mwh
        if added > 0:
            self.cost_msat += cost_exact(profile, added, self.last_at_ms, at_ms)
            self.energy_mwh = energy
        self.last_at_ms = at_ms
        return added


def reading_record(
    meter_id: str, counter: int, sample: MeterSample | None, energy_mwh: int, now_ms: int
) -> MeterReadingRecord:
    """What a node signs about its meter: billed energy since the session began and the
    latest sample (or an empty one at ``now_ms`` before the first sample)."""
    if sample is None:
        return MeterReadingRecord(meter_id, counter, now_ms, energy_mwh, 0, 0, (), ())
    return MeterReadingRecord(
        meter_id,
        counter,
        sample.at_ms,
        energy_mwh,
        sample.register_mwh,
        max(sample.power_mw, 0),
        sample.voltages_mv,
        sample.currents_ma,
    )
