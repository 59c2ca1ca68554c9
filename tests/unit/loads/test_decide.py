"""The load agent's decision core: thresholds, hysteresis, minimum times, priorities,
the daily need, the fail-safe; and the property that a load never flaps."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from gridnode.loads.decide import Core, LoadSpec, next_deadline
from gridnode.ratefeed.message import RateMessage

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, a midnight in UTC
S = 1000
MIN = 60 * S
HOUR = 60 * MIN
HEATER = LoadSpec("heater", 1, on_below=150, off_above=200, min_on_ms=60 * S, min_off_ms=60 * S)


def msg(
    rate: int | None,
    at: int,
    *,
    state: str = "receiving",
    seq: int = 1,
    forecast: Iterable[tuple[int, int]] = (),
) -> RateMessage:
    return RateMessage(seq, at, rate, state, "ab" * 32, None, tuple(forecast))


def feed(
    core: Core,
    rate: int | None,
    at: int,
    *,
    state: str = "receiving",
    forecast: Iterable[tuple[int, int]] = (),
) -> list[tuple[str, bool]]:
    core.heard(msg(rate, at, state=state, forecast=forecast), at)
    return [(d.load, d.on) for d in core.tick(at)]


def test_thresholds_and_the_band_between_them() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 180, T0) == []  # in the band, off stays off
    assert feed(core, 150, T0 + 1 * S) == [("heater", True)]  # at or below on_below
    assert feed(core, 199, T0 + 100 * S) == []  # in the band, on stays on
    assert feed(core, 201, T0 + 101 * S) == [("heater", False)]


def test_each_decision_carries_the_price_and_a_reason() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    core.heard(msg(120, T0), T0)
    (decision,) = core.tick(T0)
    assert decision.price_msat_per_kwh == 120
    assert "150" in decision.reason


def test_minimum_on_and_off_times_hold() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0) == [("heater", True)]
    assert feed(core, 300, T0 + 10 * S) == []  # min on: held on
    assert feed(core, 300, T0 + 60 * S) == [("heater", False)]
    assert feed(core, 100, T0 + 70 * S) == []  # min off: held off
    assert feed(core, 100, T0 + 120 * S) == [("heater", True)]


def test_priority_with_a_power_budget() -> None:
    ev = LoadSpec("ev", 1, on_below=150, off_above=200, power_w=7000)
    heater = LoadSpec("heater", 2, on_below=150, off_above=200, power_w=3000)
    core = Core((heater, ev), silence_ms=30 * S, max_power_w=8000)
    assert feed(core, 100, T0) == [("ev", True)]  # the heater would exceed the budget
    ev_off = LoadSpec("ev", 1, on_below=50, off_above=90, power_w=7000)
    core2 = Core((heater, ev_off), silence_ms=30 * S, max_power_w=8000)
    assert feed(core2, 100, T0) == [("heater", True)]  # the EV does not want it: the heater runs


def test_fail_safe_switches_everything_off_when_the_feed_goes_silent() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0) == [("heater", True)]
    assert [(d.load, d.on) for d in core.tick(T0 + 30 * S)] == []  # still within the silence
    (off,) = core.tick(T0 + 31 * S)  # even within the minimum on time
    assert not off.on
    assert "silent" in off.reason
    assert off.price_msat_per_kwh is None


def test_no_agreed_price_or_a_closed_session_is_off() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0) == [("heater", True)]
    assert feed(core, None, T0 + S, state="awaiting_offer") == [("heater", False)]
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0) == [("heater", True)]
    assert feed(core, 100, T0 + S, state="closed") == [("heater", False)]


def test_nothing_switches_on_before_a_rate_is_heard() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert core.tick(T0) == []


def test_a_failed_switch_rests_its_minimum_off_time() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0) == [("heater", True)]
    core.switch_failed("heater", T0)
    assert feed(core, 100, T0 + 10 * S) == []
    assert feed(core, 100, T0 + 61 * S) == [("heater", True)]


def test_the_daily_need_runs_in_the_cheapest_hour_it_sees() -> None:
    boiler = LoadSpec("boiler", need_ms=HOUR, need_by_minute=6 * 60, power_w=2000)
    core = Core((boiler,), silence_ms=30 * S, slot_ms=15 * MIN)
    forecast = [(T0, 300), (T0 + 2 * HOUR, 300), (T0 + 2 * HOUR, 100)]
    forecast += [(T0 + 3 * HOUR, 100), (T0 + 3 * HOUR, 300), (T0 + 6 * HOUR, 300)]
    assert feed(core, 300, T0, forecast=forecast) == []  # dear now: wait
    at = T0 + 2 * HOUR
    on = feed(core, 100, at, forecast=[p for p in forecast if p[0] >= at])
    assert on == [("boiler", True)]
    # it runs for exactly the hour it needs, then switches off
    switches = []
    for t in range(at + MIN, at + 2 * HOUR, MIN):
        core.heard(msg(100, t, forecast=[(t, 100), *(p for p in forecast if p[0] > t)]), t)
        switches += [(d.on, t - at) for d in core.tick(t)]
    assert switches == [(False, HOUR)]


def test_next_deadline_in_a_zone() -> None:
    assert next_deadline(T0, 1440, "UTC") == T0 + 24 * HOUR
    assert next_deadline(T0, 7 * 60, "UTC") == T0 + 7 * HOUR
    assert next_deadline(T0 + 8 * HOUR, 7 * 60, "UTC") == T0 + 31 * HOUR
    assert next_deadline(T0, 7 * 60, "Europe/Berlin") == T0 + 6 * HOUR


steps: st.SearchStrategy[list[tuple[int, int | None, bool]]] = st.lists(
    st.tuples(st.integers(0, 20 * S), st.one_of(st.none(), st.integers(0, 400)), st.booleans()),
    min_size=1,
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(steps=steps, min_on=st.integers(0, 60 * S), min_off=st.integers(0, 60 * S))
def test_a_load_never_flaps(
    steps: list[tuple[int, int | None, bool]], min_on: int, min_off: int
) -> None:
    """Whatever the prices and silences, a load switched on stays on for min_on and one
    switched off stays off for min_off; only the fail-safe may cut a minimum on time short,
    and it never switches anything on."""
    spec = LoadSpec("l", on_below=150, off_above=200, min_on_ms=min_on, min_off_ms=min_off)
    core = Core((spec,), silence_ms=10 * S)
    now = T0
    last: tuple[bool, int] | None = None
    for gap, rate, heard in steps:
        now += gap
        if heard:
            core.heard(msg(rate, now), now)
        for d in core.tick(now):
            if last is not None:
                rest = min_on if last[0] else min_off
                forced = (not d.on) and d.price_msat_per_kwh is None
                assert forced or now - last[1] >= rest, (d, last)
            if d.on:
                assert d.price_msat_per_kwh is not None
                assert d.price_msat_per_kwh <= 150
            last = (d.on, now)


@settings(max_examples=100, deadline=None)
@given(prices=st.lists(st.integers(151, 200), min_size=1, max_size=50))
def test_prices_inside_the_band_never_switch(prices: list[int]) -> None:
    for start_on in (True, False):
        core = Core((HEATER,), silence_ms=30 * S)
        now = T0
        feed(core, 100 if start_on else 300, now)
        now += HOUR
        for price in prices:
            now += S
            assert feed(core, price, now) == []


def test_a_farewell_switches_off_at_once() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0) == [("heater", True)]
    assert feed(core, None, T0 + S, state="offline") == [("heater", False)]


def test_a_clock_that_jumps_back_does_not_blind_the_fail_safe() -> None:
    core = Core((HEATER,), silence_ms=30 * S)
    assert feed(core, 100, T0 + HOUR) == [("heater", True)]
    assert core.tick(T0 + 10 * S) == []  # the clock went back an hour: silence restarts
    (off,) = core.tick(T0 + 41 * S)  # 31 s of silence by the new clock
    assert not off.on


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 5 * MIN), st.integers(0, 400), st.integers(0, 400)),
        min_size=1,
        max_size=60,
    ),
    need=st.integers(1, 6 * 60),
    budget=st.one_of(st.none(), st.integers(0, 5000)),
)
def test_loads_with_needs_and_a_budget_never_flap(
    steps: list[tuple[int, int, int]], need: int, budget: int | None
) -> None:
    """Planning and the power budget obey the minimum times too."""
    specs = (
        LoadSpec(
            "ev", 1, min_on_ms=10 * MIN, min_off_ms=10 * MIN, power_w=3000, need_ms=need * MIN
        ),
        LoadSpec("heater", 2, 150, 200, min_on_ms=5 * MIN, min_off_ms=5 * MIN, power_w=2000),
    )
    core = Core(specs, silence_ms=10 * MIN, max_power_w=budget)
    now = T0
    last: dict[str, tuple[bool, int]] = {}
    for gap, rate, later in steps:
        now += gap
        forecast = ((now, rate), (now + HOUR, later), (now + 2 * HOUR, rate))
        core.heard(msg(rate, now, forecast=forecast), now)
        for d in core.tick(now):
            if d.load in last:
                was_on, at = last[d.load]
                spec = next(s for s in specs if s.name == d.load)
                rest = spec.min_on_ms if was_on else spec.min_off_ms
                assert d.price_msat_per_kwh is None or now - at >= rest, (d, last)
            last[d.load] = (d.on, now)
