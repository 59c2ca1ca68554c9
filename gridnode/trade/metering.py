"""Billing energy from a meter: fine-grained, reconciled to the coarse register.

An SDM energy register steps in coarse units (often 10 Wh), far too coarse for seconds
of exposure. The node integrates active power between readings (fine, but it may drift);
:class:`EnergyReconciler` bills the integral and uses the register to bound its drift:
since the first reading the true energy lies within one register step either side of
the register's own difference (the first reading could sit anywhere inside a step), so
the billed energy is the integral clamped into [dR - step, dR + step], never decreasing.
:class:`CostMeter` adds up the exact cost of each increment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.trade.profiles import RateProfile, cost_exact


@dataclass(slots=True)
class EnergyReconciler:
    register_step_mwh: int
    _first_register_mwh: int | None = None
    _last_integrated_mwh: int = 0
    _energy_mwh: int = 0

    def update(self, register_mwh: int, integrated_mwh: int) -> int:
        """Energy (mWh) since the first reading, from the integral, within the register's
        bounds."""
        if self._first_register_mwh is None:
            self._first_register_mwh = register_mwh
            self._last_integrated_mwh = integrated_mwh
            return 0
        estimate = self._energy_mwh + max(0, integrated_mwh - self._last_integrated_mwh)
        moved = register_mwh - self._first_register_mwh
        step = self.register_step_mwh
        estimate = min(max(estimate, moved - step), moved + step)
        self._energy_mwh = max(estimate, self._energy_mwh)
        self._last_integrated_mwh = integrated_mwh
        return self._energy_mwh


@dataclass(slots=True)
class CostMeter:
    """Energy since the session's first reading and its exact cost."""

    reconciler: EnergyReconciler
    energy_mwh: int = 0
    cost_msat: Fraction = field(default_factory=Fraction)
    last_at_ms: int | None = None

    def add(
        self,
        at_ms: int,
        register_mwh: int,
        integrated_mwh: int,
        profile: RateProfile,
        since_ms: int | None = None,
    ) -> int:
        """Take one reading; return the energy it adds (billed with ``profile``, the one
        in force at the start of the increment). The increment is priced over the time
        since the previous reading, or since ``since_ms`` when that is earlier (energy a
        stuck register shows at once, which flowed since the last signed reading)."""
        if self.last_at_ms is not None and at_ms < self.last_at_ms:
            return 0  # a reading from the past (clock stepped back) bills nothing
        energy = self.reconciler.update(register_mwh, integrated_mwh)
        if self.last_at_ms is None:
            self.last_at_ms = at_ms
            return 0
        added = energy - self.energy_mwh
        if added > 0:
            start_ms = self.last_at_ms if since_ms is None else min(since_ms, self.last_at_ms)
            self.cost_msat += cost_exact(profile, added, start_ms, at_ms)
            self.energy_mwh = energy
        self.last_at_ms = at_ms
        return added
