"""A counter reset or a swapped meter is detected, never billed; power integrates
between the register's steps without ever passing the next step."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.hardware.counters import CounterGuard, PowerIntegrator
from gridnode.hardware.errors import CounterWentBackwardsError, MeterSwappedError
from gridnode.hardware.sample import MeterSample

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S0 = MeterSample("m", T0, 230_000, 10_000, 2_300_000, 50_000, 5_000_000, 0)


def test_counter_going_backwards_is_detected_and_stays_detected() -> None:
    guard = CounterGuard()
    guard.check(S0)
    reset = replace(S0, import_energy_mwh=0)
    with pytest.raises(CounterWentBackwardsError) as info:
        guard.check(reset)
    assert (info.value.previous_mwh, info.value.current_mwh) == (5_000_000, 0)
    with pytest.raises(CounterWentBackwardsError):
        guard.check(replace(reset, import_energy_mwh=10))  # still below the baseline
    guard.accept_new_baseline(reset)
    guard.check(replace(reset, import_energy_mwh=10))


def test_a_new_serial_number_is_a_swapped_meter() -> None:
    guard = CounterGuard()
    guard.check(S0, serial_number=1111)
    with pytest.raises(MeterSwappedError):
        guard.check(S0, serial_number=2222)


def test_integration_adds_power_between_steps() -> None:
    integ = PowerIntegrator(max_step_mwh=10_000)
    assert integ.feed(S0).fine_mwh == 5_000_000
    # 2300 W for 3.6 s = 2.3 Wh = 2300 mWh
    later = replace(S0, timestamp=T0 + timedelta(seconds=3.6))
    assert integ.feed(later).fine_mwh == 5_002_300


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000_000),  # power mW
            st.integers(1, 60_000),  # dt ms
            st.integers(0, 3),  # register steps by this many 1 Wh steps
        ),
        min_size=1,
        max_size=50,
    )
)
def test_fine_energy_never_goes_back_nor_past_one_step(steps: list[tuple[int, int, int]]) -> None:
    step = 1_000
    integ = PowerIntegrator(max_step_mwh=step)
    sample = S0
    last_fine = integ.feed(sample).fine_mwh
    for power, dt, register_steps in steps:
        sample = replace(
            sample,
            power_mw=power,
            timestamp=sample.timestamp + timedelta(milliseconds=dt),
            import_energy_mwh=sample.import_energy_mwh + register_steps * step,
        )
        fine = integ.feed(sample)
        assert fine.fine_mwh >= last_fine
        assert fine.register_mwh <= fine.fine_mwh <= max(fine.register_mwh + step, last_fine)
        last_fine = fine.fine_mwh
