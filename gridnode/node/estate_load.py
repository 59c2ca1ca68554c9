"""The power the estate market expects the buyer to draw over the coming period.

Each offer is scored against it (docs/market.md): when a smart load agent runs and its
plan is fresh (:mod:`gridnode.ratefeed.plan`, sent up the rate feed), the plan's power
plus the base load (what the buyer drew beyond what the plan had its smart loads draw
then: the fridge and the lights the agent does not switch); else the buyer's own recent
load, else, before any supply, what its limits need.

A plan holds the smart loads alone, so a plan with every smart load off is not a house
that draws nothing: scored on the plan alone, every offer would cost nothing, and a
household would stay with a seller dearer than another for as long as its loads are off.
"""

from __future__ import annotations

from collections import deque

from gridnode.ratefeed.plan import PlanMessage, PlannedPower
from gridnode.trade.events import MeterSample
from gridnode.trade.terms import BuyerLimits


def needed_power_mw(limits: BuyerLimits) -> int:
    """The power the buyer's limits say it needs: the current it needs on each phase at
    the lowest nominal voltage it accepts (the load estimate before any supply)."""
    phases = max(limits.phases, 1)
    currents = [limits.current_needed_of(phase) for phase in range(phases)]
    return sum(currents) * limits.nominal_min_mv // 1000


class LoadEstimate:
    """The buyer's own recent load while supplied: the mean power of the samples that saw
    current over the last period; before any, ``fallback_mw`` (what the limits need).
    Each sample also keeps its base power: its power less what a fresh plan had the
    smart loads draw at its time (none: all of it)."""

    def __init__(self, window_ms: int, fallback_mw: int) -> None:
        self.window_ms = window_ms
        self.fallback_mw = fallback_mw
        #: (at_ms, power_mw, base_mw) of the samples that saw current
        self.samples: deque[tuple[int, int, int]] = deque()
        #: the load agent's latest plan, when one runs
        self.plan = PlannedPower()
        #: (at_ms, the largest phase current) of the latest sample
        self.latest: tuple[int, int] | None = None

    def add(self, sample: MeterSample) -> None:
        current = max(sample.currents_ma, default=0)
        self.latest = (sample.at_ms, current)
        if current > 0:
            at = sample.at_ms
            planned = self.plan.power_mw(at, at + 1, at) or 0
            self.samples.append((at, sample.power_mw, max(0, sample.power_mw - planned)))
        while self.samples and self.samples[0][0] < sample.at_ms - self.window_ms:
            self.samples.popleft()

    def power_mw(self) -> int:
        if not self.samples:
            return self.fallback_mw
        return sum(power for _, power, _ in self.samples) // len(self.samples)

    def base_mw(self) -> int:
        """The recent load beyond the smart loads' planned power (0 before any)."""
        if not self.samples:
            return 0
        return sum(base for _, _, base in self.samples) // len(self.samples)

    def heard_plan(self, plan: PlanMessage, now_ms: int) -> None:
        """The load agent's plan came (the rate feed hands it here)."""
        self.plan.heard(plan, now_ms)

    def expected_mw(self, start_ms: int, stop_ms: int, now_ms: int) -> int:
        """The power expected over [start, stop]: the agent's plan when fresh plus the
        base load (:meth:`base_mw`), else the recent load (:meth:`power_mw`)."""
        planned = self.plan.power_mw(start_ms, stop_ms, now_ms)
        return self.power_mw() if planned is None else planned + self.base_mw()
