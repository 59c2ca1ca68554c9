"""Billing energy: the fine integral, kept within a register step of the coarse register."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gridnode.trade.metering import CostMeter, EnergyReconciler
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh

STEP = 10_000


def test_energy_follows_the_integral_between_register_steps() -> None:
    meter = EnergyReconciler(STEP)
    assert meter.update(50_000, 123_456) == 0  # the first reading is the baseline
    assert meter.update(50_000, 123_956) == 500
    assert meter.update(60_000, 133_456) == 10_000


def test_a_drifting_integral_is_pulled_back_within_a_step_of_the_register() -> None:
    meter = EnergyReconciler(STEP)
    meter.update(0, 0)
    assert meter.update(0, 25_000) == 10_000  # integral runs fast; register says < 10 Wh
    assert meter.update(40_000, 25_000) == 30_000  # integral stalled; register moved 40 Wh


def test_billed_energy_never_decreases() -> None:
    meter = EnergyReconciler(STEP)
    meter.update(0, 1_000)
    meter.update(0, 9_000)
    assert meter.update(0, 2_000) == 8_000  # an integral reset counts nothing backwards


@given(st.lists(st.tuples(st.integers(0, 5_000), st.integers(-50, 50)), max_size=40))
def test_billed_energy_stays_within_a_step_of_the_truth_when_drift_is_small(
    steps: list[tuple[int, int]],
) -> None:
    meter = EnergyReconciler(STEP)
    true = integral = 3_333
    meter.update(true // STEP * STEP, integral)
    for added, drift in steps:
        true += added
        integral = max(integral + added + drift, 0)
        billed = meter.update(true // STEP * STEP, integral)
        assert abs(billed - (true - 3_333)) <= STEP + 50 * len(steps)


def test_cost_meter_bills_each_increment_and_ignores_readings_from_the_past() -> None:
    meter = CostMeter(EnergyReconciler(STEP))
    profile = ConstantProfile(MsatPerKwh(200_000))
    meter.add(0, 0, 0, profile)
    assert meter.add(1_000, 0, 1_000, profile) == 1_000
    assert meter.add(500, 0, 2_000, profile) == 0
    assert meter.cost_msat == Fraction(200)
