"""The simulated circuit: energy flows only while the relay is on, meters err as told,
the watchdog drops a relay nobody kicks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.hardware.sim.circuit import (
    Circuit,
    MeterError,
    SimClock,
    SimMeter,
    SimWatchdog,
    Supply,
)
from gridnode.hardware.sim.loads import ConstantLoad, CyclingLoad, DailySchedule


def _circuit(**kwargs: Any) -> tuple[Circuit, SimClock]:
    """A 1 kW load on a manual clock; ``kwargs`` are more :class:`Circuit` arguments."""
    clock = SimClock(manual=True)
    circuit = Circuit(loads=[ConstantLoad(1000.0)], clock=clock, **kwargs)
    return circuit, clock


def test_energy_integrates_only_while_the_relay_is_on() -> None:
    circuit, clock = _circuit()
    clock.advance(3600)
    assert circuit.reading().import_mwh == 0
    circuit.set_relay(True)
    clock.advance(3600)  # 1 kW for an hour
    assert circuit.reading().import_mwh == 1_000_000
    circuit.set_relay(False)
    clock.advance(3600)
    reading = circuit.reading()
    assert reading.import_mwh == 1_000_000
    assert reading.powers_w == (0.0,)


def test_a_biased_meter_reads_high_and_an_honest_one_does_not() -> None:
    circuit, clock = _circuit()
    honest = SimMeter(circuit)
    dishonest = SimMeter(circuit, MeterError(bias=0.05))
    circuit.set_relay(True)
    clock.advance(3600)
    assert honest.values()[("import_energy", None)] == pytest.approx(1.0)
    assert dishonest.values()[("import_energy", None)] == pytest.approx(1.05)


def test_accuracy_class_bounds_the_gain() -> None:
    circuit, _ = _circuit()
    gains = [SimMeter(circuit, MeterError(accuracy_class=1.0), seed=s).gain for s in range(50)]
    assert all(0.99 <= g <= 1.01 for g in gains)
    assert len(set(gains)) > 1


def test_counter_reset_restarts_the_meter_not_the_circuit() -> None:
    circuit, clock = _circuit()
    meter = SimMeter(circuit)
    circuit.set_relay(True)
    clock.advance(3600)
    meter.reset_counters()
    assert meter.values()[("import_energy", None)] == 0.0
    assert circuit.reading().import_mwh == 1_000_000


def test_sags_and_swells() -> None:
    clock = SimClock(manual=True)
    circuit = Circuit(Supply(events=[(10, 20, 0.5), (30, 40, 1.1)]), clock=clock)
    clock.advance(15)
    assert circuit.reading().voltages_v == (115.0,)
    clock.advance(20)
    assert circuit.reading().voltages_v[0] == pytest.approx(253.0)


class WallClock:
    """A monotonic wall clock the test steps."""

    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def test_watchdog_drops_a_relay_nobody_kicks() -> None:
    wall = WallClock()
    circuit = Circuit(loads=[ConstantLoad(100.0)])
    circuit.watchdog = SimWatchdog(0.3, monotonic=wall)
    circuit.set_relay(True)
    assert circuit.relay_on
    wall.now_s += 0.2
    circuit.kick_watchdog()
    wall.now_s += 0.2
    assert circuit.relay_on  # kicked in time: 0.4 s closed with a 0.3 s watchdog
    wall.now_s += 0.35
    assert not circuit.relay_on


def test_a_dropped_relay_carried_energy_only_until_the_watchdog_expired() -> None:
    """The circuit looks at its watchdog only when read; a relay it dropped while nobody
    looked stopped at the timeout, not at the next look (the full drill counted the
    energy, and the relay held on, until then)."""
    wall = WallClock()
    circuit = Circuit(loads=[ConstantLoad(3600.0)], clock=SimClock(monotonic=wall))
    circuit.watchdog = SimWatchdog(3.0, monotonic=wall)
    drops: list[float] = []
    circuit.drop_listeners.append(drops.append)
    circuit.set_relay(True)
    wall.now_s += 5.0  # nobody looks for 5 s: the watchdog expired 2 s ago
    reading = circuit.reading()
    assert not reading.relay_on
    assert reading.import_mwh == 3_000  # 3 s at 3.6 kW, not 5 s
    assert drops == [pytest.approx(2.0)]
    wall.now_s += 1.0
    assert circuit.reading().import_mwh == 3_000
    assert drops == [pytest.approx(2.0)]  # told once


def test_time_scale_runs_a_day_in_seconds() -> None:
    wall = WallClock()
    clock = SimClock(time_scale=86_400 / 1.0, monotonic=wall)
    wall.now_s += 0.01
    assert clock.now_s() == pytest.approx(0.01 * 86_400)


def test_loads() -> None:
    cycling = CyclingLoad(on_watts=500.0, on_s=10, off_s=20)
    assert [cycling.power_w(t) for t in (0, 9, 10, 29, 30)] == [500.0, 500.0, 0.0, 0.0, 500.0]
    schedule = DailySchedule([(0, 100.0), (3600 * 18, 2000.0)])
    assert schedule.power_w(3600 * 12) == 100.0
    assert schedule.power_w(3600 * 19) == 2000.0
    assert schedule.power_w(86_400 + 3600 * 19) == 2000.0


@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 7_200_000)),  # relay state, ms in that state
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 10_000),
)
def test_energy_is_power_times_time_on(steps: list[tuple[bool, int]], watts: int) -> None:
    """Energy integrates only while the relay is on, exactly, in integer mWh."""
    clock = SimClock(manual=True)
    circuit = Circuit(loads=[ConstantLoad(float(watts))], clock=clock)
    on_ms = 0
    for relay_on, ms in steps:
        circuit.set_relay(relay_on)
        clock.advance(ms / 1000)
        if relay_on:
            on_ms += ms
    assert circuit.reading().import_mwh == pytest.approx(watts * on_ms // 3600, abs=len(steps))
