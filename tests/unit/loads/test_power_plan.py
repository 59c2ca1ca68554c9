"""The agent's plan for the buyer's market (docs/market.md): the power its loads will
draw, slot by slot, from the same choices it acts on; and the plan message (pure)."""

from __future__ import annotations

import pytest

from gridnode.loads.decide import Core, LoadSpec
from gridnode.loads.power_plan import HORIZON_MS, power_plan
from gridnode.ratefeed.message import MalformedRateMessageError, RateMessage
from gridnode.ratefeed.plan import PLAN_TOPIC, PlanMessage, PlannedPower, decode_plan

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, a Thursday
MINUTE = 60_000
HEATER = LoadSpec("heater", 2, on_below=150_000, off_above=200_000, power_w=2_000)
EV = LoadSpec("ev", 1, power_w=7_000, need_ms=10 * MINUTE, need_by_minute=60)


def _core(*loads: LoadSpec, budget: int | None = None) -> Core:
    return Core(loads, silence_ms=30_000, max_power_w=budget, slot_ms=5 * MINUTE)


def _heard(core: Core, forecast: tuple[tuple[int, int], ...], rate: int = 180_000) -> None:
    message = RateMessage(1, T0, rate, "receiving", "ab" * 32, forecast[-1][0], forecast)
    core.heard(message, T0)


def test_no_plan_while_the_fail_safe_holds_the_loads_off() -> None:
    core = _core(HEATER)
    assert power_plan(core, 1, T0) is None  # nothing heard
    core.heard(RateMessage(1, T0, None, "none", "", None, ()), T0)
    assert power_plan(core, 1, T0) is None  # no agreed price


def test_a_price_band_load_is_planned_where_the_forecast_is_cheap() -> None:
    core = _core(HEATER)
    # 250 sat/kWh for ten minutes, then 100: off, then on
    _heard(
        core,
        (
            (T0, 250_000),
            (T0 + 10 * MINUTE, 250_000),
            (T0 + 10 * MINUTE, 100_000),
            (T0 + 20 * MINUTE, 100_000),
        ),
        rate=250_000,
    )
    plan = power_plan(core, 1, T0)
    assert plan is not None
    assert plan.steps == ((T0, 0), (T0 + 10 * MINUTE, 2_000_000))
    assert plan.until_ms == T0 + HORIZON_MS  # the forecast is shorter: its last price on
    assert plan.mean_power_mw(T0, T0 + 20 * MINUTE) == 1_000_000


def test_a_daily_need_is_planned_in_its_cheapest_slots_within_the_budget() -> None:
    core = _core(EV, HEATER, budget=8_000)
    core.tick(T0)  # the need's deadline (01:00) is set on the first round
    # flat 180 sat/kWh (inside the heater's band: it stays off), cheaper from 00:20 to 00:30
    _heard(
        core,
        (
            (T0, 180_000),
            (T0 + 20 * MINUTE, 180_000),
            (T0 + 20 * MINUTE, 90_000),
            (T0 + 30 * MINUTE, 90_000),
            (T0 + 30 * MINUTE, 180_000),
            (T0 + HOUR, 180_000),
        ),
    )
    plan = power_plan(core, 1, T0)
    assert plan is not None
    # the EV's ten minutes fall in the cheap slots; the heater (on below 150) wants them
    # too, but the budget (8 kW) leaves no room beside the EV (7 kW, first), and after
    # them the price is within its band: it stays off, as it was
    assert plan.steps == ((T0, 0), (T0 + 20 * MINUTE, 7_000_000), (T0 + 30 * MINUTE, 0))


HOUR = 60 * MINUTE


def test_the_plan_round_trips_and_a_malformed_one_is_refused() -> None:
    plan = PlanMessage(4, T0, ((T0, 3_500_000), (T0 + 15 * MINUTE, 500_000)), T0 + HOUR)
    assert decode_plan(plan.encode()) == plan
    with pytest.raises(MalformedRateMessageError, match="steps"):
        decode_plan([PLAN_TOPIC, b'{"v": 1, "seq": 1, "time": "2026-01-01T00:00:00Z"}'])
    with pytest.raises(MalformedRateMessageError, match="version"):
        decode_plan([PLAN_TOPIC, b'{"v": 2}'])


def test_the_mean_planned_power_over_a_period() -> None:
    plan = PlanMessage(1, T0, ((T0, 4_000_000), (T0 + 5 * MINUTE, 1_000_000)), T0 + 10 * MINUTE)
    assert plan.mean_power_mw(T0, T0 + 10 * MINUTE) == 2_500_000
    # the first step stands for a moment before it; the last one past the plan's end
    assert plan.mean_power_mw(T0 - 5 * MINUTE, T0 + 5 * MINUTE) == 4_000_000
    assert plan.mean_power_mw(T0 + 5 * MINUTE, T0 + 30 * MINUTE) == 1_000_000


def test_a_plan_is_used_only_while_fresh() -> None:
    planned = PlannedPower(fresh_ms=20_000)
    assert planned.power_mw(T0, T0 + MINUTE, T0) is None
    planned.heard(PlanMessage(1, T0, ((T0, 900_000),), T0 + MINUTE), T0)
    assert planned.power_mw(T0, T0 + MINUTE, T0 + 20_000) == 900_000
    assert planned.power_mw(T0, T0 + MINUTE, T0 + 20_001) is None
