"""The power the estate market expects the buyer to draw over the coming period.

Each offer is scored against it (docs/market.md): the smart load agent's plan when one
runs and its plan is fresh (:mod:`gridnode.ratefeed.plan`, sent up the rate feed), else
the buyer's own recent load, else, before any supply, what its limits need.
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
    current over the last period; before any, ``fallback_mw`` (what the limits need)."""

    def __init__(self, window_ms: int, fallback_mw: int) -> None:
        self.window_ms = window_ms
        self.fallback_mw = fallback_mw
        self.samples: deque[tuple[int, int]] = deque()
        #: the load agent's latest plan, when one runs
        self.plan = PlannedPower()
        #: (at_ms, the largest phase current) of the latest sample
        self.latest: tuple[int, int] | None = None

    def add(self, sample: MeterSample) -> None:
        current = max(sample.currents_ma, default=0)
        self.latest = (sample.at_ms, current)
        if current > 0:
            self.samples.append((sample.at_ms, sample.power_mw))
        while self.samples and self.samples[0][0] < sample.at_ms - self.window_ms:
            self.samples.popleft()

    def power_mw(self) -> int:
        if not self.samples:
            return self.fallback_mw
        return sum(power for _, power in self.samples) // len(self.samples)

    def heard_plan(self, plan: PlanMessage, now_ms: int) -> None:
        """The load agent's plan came (the rate feed hands it here)."""
        self.plan.heard(plan, now_ms)

    def expected_mw(self, start_ms: int, stop_ms: int, now_ms: int) -> int:
        """The power expected over [start, stop]: the agent's plan when fresh, else the
        recent load (:meth:`power_mw`)."""
        planned = self.plan.power_mw(start_ms, stop_ms, now_ms)
        return self.power_mw() if planned is None else planned
