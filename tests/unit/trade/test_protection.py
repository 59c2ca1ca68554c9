"""The electrical protection both sides share (gridnode.trade.protection): the supply
per phase within the guaranteed voltage and frequency, the draw within the per-phase,
imbalance and neutral limits, and the grace a supply problem gets."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from gridnode.trade.buyer_checks import DrawWatch, SupplyWatch
from gridnode.trade.events import MeterSample
from gridnode.trade.messages import Cause
from gridnode.trade.protection import (
    CURRENT_PRESENT_MA,
    RangeWatch,
    draw_problem,
    neutral_current_ma,
    supply_problem,
)
from gridnode.trade.units import MilliAmp
from tests.support.terms import ELECTRICAL

THREE = dataclasses.replace(
    ELECTRICAL,
    phases=3,
    current_max_ma=MilliAmp(32_000),
    phase_current_max_ma=(MilliAmp(32_000), MilliAmp(16_000), MilliAmp(16_000)),
    imbalance_max_ma=MilliAmp(10_000),
    neutral_current_max_ma=MilliAmp(12_000),
    frequency_min_mhz=49_500,
    frequency_max_mhz=50_500,
)


def sample(
    volts: tuple[int, ...] = (230_000,) * 3,
    amps: tuple[int, ...] = (5_000,) * 3,
    freq: int | None = 50_000,
    neutral: int | None = None,
    at_ms: int = 0,
) -> MeterSample:
    return MeterSample(at_ms, 0, 0, 0, volts, amps, freq, neutral)


def test_a_sag_on_one_phase_is_named_by_its_phase() -> None:
    problem = supply_problem(THREE, sample((230_000, 190_000, 230_000)))
    assert problem == (Cause.VOLTAGE, "L2 at 190000 mV is outside the guaranteed 207000..253000 mV")
    assert supply_problem(THREE, sample((230_000, 260_000, 230_000)))


def test_a_phase_without_supply_and_without_current_is_no_breach() -> None:
    # the relay open (a load-side meter reads 0 V), or a phase lost upstream
    assert supply_problem(THREE, sample((0, 0, 0), (0, 0, 0), 0)) is None
    assert supply_problem(THREE, sample((230_000, 90_000, 230_000), (5_000, 0, 5_000))) is None


def test_a_brown_out_that_still_draws_current_is_out_of_range_however_low() -> None:
    """Below half the minimum, current flowing makes it a sag, not an absent supply."""
    for volts in (90_000, 40_000, 5_000):
        problem = supply_problem(THREE, sample((230_000, volts, 230_000), (5_000, 4_000, 5_000)))
        assert problem is not None
        assert problem[0] is Cause.VOLTAGE
        assert f"L2 at {volts} mV while 4000 mA flow" in problem[1]
    below_floor = (5_000, CURRENT_PRESENT_MA - 1, 5_000)
    assert supply_problem(THREE, sample((230_000, 40_000, 230_000), below_floor)) is None


def test_frequency_is_judged_only_where_guaranteed_and_while_supply_is_there() -> None:
    assert supply_problem(THREE, sample(freq=49_000)) == (
        Cause.FREQUENCY,
        "the frequency 49000 mHz is outside the guaranteed 49500..50500 mHz",
    )
    assert supply_problem(THREE, sample((0, 0, 0), (0, 0, 0), 0)) is None  # relay open
    assert supply_problem(THREE, sample(freq=None)) is None  # the meter does not say
    one_phase = sample((230_000,), (5_000,), 45_000)
    assert supply_problem(ELECTRICAL, one_phase) is None  # no frequency guarantee


def test_the_draw_is_checked_per_phase_then_imbalance_then_neutral() -> None:
    assert draw_problem(THREE, sample(amps=(20_000, 16_001, 15_000))) == (
        Cause.OVERCURRENT,
        "L2 carries 16001 mA, over its 16000 mA",
    )
    imbalance = draw_problem(THREE, sample(amps=(20_000, 9_000, 15_000)))
    assert imbalance is not None
    assert imbalance[0] is Cause.IMBALANCE
    assert "differ by 11000 mA (20000/9000/15000 mA)" in imbalance[1]
    # 10 A apart at most, but the meter measures 13 A on the neutral
    measured = draw_problem(THREE, sample(amps=(10_000, 0, 0), neutral=13_000))
    assert measured == (
        Cause.NEUTRAL_CURRENT,
        "the neutral carries 13000 mA, over the agreed 12000 mA",
    )
    assert draw_problem(THREE, sample(amps=(10_000, 5_000, 0))) is None  # neutral 8.66 A
    assert draw_problem(ELECTRICAL, sample((230_000,), (16_000,))) is None


def test_the_neutral_current_without_a_meter_reading_is_the_phasor_sum() -> None:
    assert neutral_current_ma(sample(amps=(16_000, 0, 0))) == 16_000  # one phase loaded
    assert neutral_current_ma(sample(amps=(16_000, 16_000, 16_000))) == 0  # balanced
    assert neutral_current_ma(sample(amps=(10_000, 10_000, 0))) == 10_000
    assert neutral_current_ma(sample(amps=(9_000,), volts=(230_000,))) == 9_000
    assert neutral_current_ma(sample(neutral=1_234)) == 1_234  # the meter's own wins


@given(st.tuples(*[st.integers(0, 100_000)] * 3))
def test_the_derived_neutral_never_exceeds_the_phase_spread(amps: tuple[int, int, int]) -> None:
    """|Ia + Ib + Ic| at 120 degrees lies between (max - min) * sqrt(3)/2 and max - min, so
    an imbalance limit also bounds the neutral (what the limits in the demo rely on)."""
    neutral = neutral_current_ma(sample(amps=amps))
    spread = max(amps) - min(amps)
    assert neutral <= spread
    assert 4 * (neutral + 1) ** 2 >= 3 * spread**2


def test_a_range_watch_trips_only_beyond_its_grace_and_clears_in_range() -> None:
    watch = RangeWatch(grace_ms=2_000)
    problem = (Cause.VOLTAGE, "L1 low")
    watch.see(1_000, problem)
    assert watch.tripped(3_000) is None  # exactly the grace: not yet
    assert watch.tripped(3_001) == (Cause.VOLTAGE, "L1 low for 2001 ms (grace 2000 ms)")
    watch.see(3_500, None)
    assert watch.tripped(10_000) is None
    watch.see(4_000, problem)
    watch.see(2_000, problem)  # a clock stepped back restarts the count from there
    assert watch.since_ms == 2_000


def test_the_buyers_supply_watch_breaches_beyond_its_grace() -> None:
    watch = SupplyWatch(grace_ms=2_000)
    low = (230_000, 90_000, 230_000)
    assert watch.check(sample(low, (1_000, 2_000, 1_000), at_ms=0), THREE) is None
    assert watch.check(sample(low, (1_000, 2_000, 1_000), at_ms=2_000), THREE) is None
    breach = watch.check(sample(low, (1_000, 2_000, 1_000), at_ms=2_500), THREE)
    assert breach is not None
    assert breach[0] is Cause.VOLTAGE


def test_the_buyers_draw_watch_speaks_once_per_excursion() -> None:
    watch = DrawWatch()
    over = sample(amps=(20_000, 5_000, 5_000))
    assert watch.check(over, THREE) is not None
    assert watch.check(over, THREE) is None  # still over: said already
    assert watch.check(sample(), THREE) is None
    assert watch.check(over, THREE) is not None  # a new excursion
