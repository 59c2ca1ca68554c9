"""The power the estate market expects: a smart load agent's plan holds the smart loads
alone, so the buyer adds its base load (what it drew beyond the plan's smart loads)."""

from __future__ import annotations

from gridnode.node.estate_load import LoadEstimate
from gridnode.ratefeed.plan import PlanMessage
from gridnode.trade.events import MeterSample

PERIOD_MS = 60_000


def _sample(at_ms: int, power_mw: int) -> MeterSample:
    return MeterSample(at_ms, 0, 0, power_mw, (230_000,), (power_mw // 230,))


def _plan(at_ms: int, power_mw: int) -> PlanMessage:
    return PlanMessage(1, at_ms, ((at_ms, power_mw),), at_ms + 10 * PERIOD_MS)


def test_a_plan_with_every_smart_load_off_still_expects_the_base_load() -> None:
    load = LoadEstimate(PERIOD_MS, fallback_mw=5_000_000)
    for at in range(0, 30_000, 1_000):
        if at % 5_000 == 0:  # the agent sends its plan every 5 s: the heater on, 2 kW
            load.heard_plan(_plan(at, 2_000_000), at)
        load.add(_sample(at, 2_600_000))  # the house drew 2.6 kW with it
    assert load.power_mw() == 2_600_000
    assert load.base_mw() == 600_000
    load.heard_plan(_plan(30_000, 0), 30_000)  # dear now: the heater planned off
    assert load.expected_mw(60_000, 120_000, 30_000) == 600_000


def test_a_sample_without_a_fresh_plan_counts_whole_as_base_load() -> None:
    load = LoadEstimate(PERIOD_MS, fallback_mw=5_000_000)
    assert load.base_mw() == 0  # nothing drawn yet
    for at in range(0, 10_000, 1_000):
        load.add(_sample(at, 800_000))
    load.heard_plan(_plan(10_000, 1_500_000), 10_000)
    assert load.expected_mw(60_000, 120_000, 10_000) == 1_500_000 + 800_000
    # the plan goes stale: the recent load alone
    assert load.expected_mw(60_000, 120_000, 40_000) == 800_000


def test_a_smart_load_drawing_less_than_planned_leaves_no_negative_base() -> None:
    load = LoadEstimate(PERIOD_MS, fallback_mw=5_000_000)
    load.heard_plan(_plan(0, 3_000_000), 0)
    for at in range(0, 10_000, 1_000):
        load.add(_sample(at, 1_000_000))  # its thermostat had it off
    assert load.base_mw() == 0
    assert load.expected_mw(60_000, 120_000, 10_000) == 3_000_000
