"""The power the agent plans to draw, slot by slot, for the buyer's market (pure).

The buyer that pins several sellers scores their offers against the power it expects
over the coming period; the agent knows it best (docs/market.md). From the latest feed
message, for each slot (``slot_ms``, the agent's planning grid) up to the end of the
forecast, or ``HORIZON_MS`` when the forecast ends sooner:

- a load with a daily need left is on in the slots its plan picks
  (:func:`~gridnode.loads.plan.chosen`, the same choice it acts on);
- a load with a price band is on where the slot's mean price is at or below
  ``on_below``, off where it is above ``off_above``, and as in the slot before in
  between (as it is now, for the first slot);
- with a power budget, loads get it in priority order, as :class:`Core` gives it.

Without an agreed price (the fail-safe holds every load off) there is no plan: the
buyer then uses its own recent load.
"""

from __future__ import annotations

from fractions import Fraction

from gridnode.loads.decide import Core, LoadSpec
from gridnode.loads.plan import Slot, chosen, slots
from gridnode.ratefeed.plan import PlanMessage, Step

#: How far the plan looks when the forecast is shorter (a market period is 15 minutes).
HORIZON_MS = 30 * 60_000


def power_plan(core: Core, seq: int, now_ms: int) -> PlanMessage | None:
    """The plan from ``now_ms`` (None while the fail-safe holds the loads off)."""
    message = core.latest
    if message is None or message.rate_msat_per_kwh is None or core.fail_safe(now_ms):
        return None
    price = message.rate_msat_per_kwh
    points = list(message.forecast)
    if not points or points[0][0] > now_ms:
        points.insert(0, (now_ms, price))
    until = max(points[-1][0], now_ms + HORIZON_MS)
    if points[-1][0] < until:  # the price past the forecast: its last one
        points.append((until, points[-1][1]))
    grid = slots(points, now_ms, until, core.slot_ms)
    order = sorted(core.loads, key=lambda spec: (spec.priority, spec.name))
    picked = {load.name: _picked(core, load, points, now_ms) for load in order}
    on = {load.name: core.states[load.name].on for load in order}
    steps: list[Step] = []
    for slot in grid:
        budget = core.max_power_w
        watts = 0
        for load in order:
            wants = _wants(load, slot, picked[load.name], on[load.name])
            if wants and budget is not None:
                wants = load.power_w <= budget
                budget -= load.power_w if wants else 0
            on[load.name] = wants
            watts += load.power_w if wants else 0
        if not steps or steps[-1][1] != watts * 1000:
            steps.append((slot.start_ms, watts * 1000))
    if not steps:
        steps.append((now_ms, 0))
    return PlanMessage(seq, now_ms, tuple(steps), until)


def _picked(core: Core, load: LoadSpec, points: list[tuple[int, int]], now_ms: int) -> list[Slot]:
    """The slots ``load``'s daily need is planned in (none without a need left)."""
    state = core.states[load.name]
    if not load.need_ms or state.deadline_ms is None or load.need_ms <= state.run_ms:
        return []
    unseen = Fraction(load.off_above if load.off_above is not None else max(p for _, p in points))
    left = load.need_ms - state.run_ms
    return chosen(points, now_ms, state.deadline_ms, left, core.slot_ms, unseen)


def _wants(load: LoadSpec, slot: Slot, picked: list[Slot], was_on: bool) -> bool:
    """Whether ``load`` wants to be on in ``slot`` (its need, else its price band, else
    as in the slot before)."""
    if any(p.start_ms <= slot.start_ms < p.stop_ms for p in picked):
        return True
    if load.on_below is None or load.off_above is None:
        return False
    if slot.price <= load.on_below:
        return True
    return False if slot.price > load.off_above else was_on
