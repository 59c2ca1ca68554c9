"""Energy between register steps: the exact integral of power."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridnode.node.metering import Integrator


def test_constant_power_for_an_hour_is_its_energy() -> None:
    integrator = Integrator()
    integrator.add(0, 3_680_000)
    assert integrator.add(3_600_000, 3_680_000) == 3_680_000


def test_a_ramp_is_integrated_by_the_trapezoid_rule() -> None:
    integrator = Integrator()
    integrator.add(0, 0)
    assert integrator.add(3_600_000, 2_000_000) == 1_000_000


def test_a_sample_from_the_past_adds_nothing() -> None:
    integrator = Integrator()
    integrator.add(1_000, 1_000_000)
    before = integrator.add(2_000, 1_000_000)
    assert integrator.add(1_500, 5_000_000) == before


@given(st.lists(st.tuples(st.integers(1, 5_000), st.integers(0, 20_000_000)), max_size=50))
def test_the_integral_never_decreases(steps: list[tuple[int, int]]) -> None:
    integrator = Integrator()
    t, last = 0, 0
    for dt, power in steps:
        t += dt
        now = integrator.add(t, power)
        assert now >= last
        last = now
