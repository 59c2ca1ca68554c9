"""Loads on the simulated circuit: power in watts as a function of simulated time.

Positive power is drawn from the supply (import); negative power is fed in (a PV
inverter or a battery discharging: export).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

DAY_S = 86_400.0


class Load(Protocol):
    @property
    def phase(self) -> int:
        """The phase (1 to 3) the load hangs on."""
        ...

    def power_w(self, t_s: float) -> float:
        """Power at simulated second ``t_s``."""
        ...


@dataclass(frozen=True)
class ConstantLoad:
    watts: float
    phase: int = 1

    def power_w(self, t_s: float) -> float:
        return self.watts


@dataclass(frozen=True)
class DailySchedule:
    """A step schedule over the day: ``steps`` are (second of day, watts), sorted."""

    steps: Sequence[tuple[float, float]]
    phase: int = 1

    def power_w(self, t_s: float) -> float:
        second = t_s % DAY_S
        watts = self.steps[-1][1] if self.steps else 0.0
        for start, w in self.steps:
            if start <= second:
                watts = w
        return watts


@dataclass(frozen=True)
class CyclingLoad:
    """An appliance that switches itself on and off (a fridge, a water heater)."""

    on_watts: float
    on_s: float
    off_s: float
    offset_s: float = 0.0
    phase: int = 1

    def power_w(self, t_s: float) -> float:
        period = self.on_s + self.off_s
        return self.on_watts if (t_s + self.offset_s) % period < self.on_s else 0.0
