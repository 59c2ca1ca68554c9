"""The ceiling check: sound (never accepts a profile above the ceiling anywhere)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gridnode.trade.ceiling import check_ceiling
from gridnode.trade.profiles import ConstantProfile, DailyKnot, DailyTableProfile, RateProfile
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.units import MS_PER_HOUR, MsatPerKwh
from tests.support.trade.strategies import any_profiles, linear_profiles, sinusoid_profiles, times

DAY = 24 * MS_PER_HOUR


def _probe_instants(
    seller: RateProfile, ceiling: RateProfile, start: int, stop: int, extra: list[int]
) -> set[int]:
    marks = set(seller.breakpoints(start, stop)) | set(ceiling.breakpoints(start, stop))
    near = {m + d for m in marks for d in (-1, 0, 1)}
    return {t for t in near | set(extra) if start <= t < stop}


@given(
    any_profiles,
    any_profiles,
    times,
    st.integers(1, 3 * DAY),
    st.lists(st.integers(0, 10**9), max_size=40),
)
def test_an_accepted_profile_is_nowhere_above_the_ceiling(
    seller: RateProfile, ceiling: RateProfile, start: int, length: int, offsets: list[int]
) -> None:
    stop = start + length
    if check_ceiling(seller, ceiling, start, stop):
        return
    for t in _probe_instants(seller, ceiling, start, stop, [start + o % length for o in offsets]):
        assert seller.price_at(t) <= ceiling.price_at(t), t


@given(linear_profiles, linear_profiles, times, st.integers(1, 3 * DAY))
def test_a_linear_violation_is_real_and_reported_exactly(
    seller: RateProfile, ceiling: RateProfile, start: int, length: int
) -> None:
    for violation in check_ceiling(seller, ceiling, start, start + length):
        assert violation.proven
        assert seller.price_at(violation.at_ms) > ceiling.price_at(violation.at_ms)


@given(any_profiles, times, st.integers(1, 3 * DAY))
def test_a_profile_is_within_a_ceiling_equal_to_itself(
    profile: RateProfile, start: int, length: int
) -> None:
    assert check_ceiling(profile, profile, start, start + length) == []


@given(sinusoid_profiles(), times, st.integers(DAY, 3 * DAY))
def test_a_sinusoid_above_its_own_peak_is_accepted_and_below_its_trough_rejected(
    profile: SinusoidProfile, start: int, length: int
) -> None:
    top = profile.mean_msat_per_kwh + profile.day_amplitude_msat_per_kwh
    top += profile.year_amplitude_msat_per_kwh
    assert (
        check_ceiling(profile, ConstantProfile(MsatPerKwh(top + 1), "UTC"), start, start + length)
        == []
    )
    low, _ = profile.bounds(start, start + length)
    if low > 1:
        floor = ConstantProfile(MsatPerKwh(int(low) - 1), "UTC")
        violations = check_ceiling(profile, floor, start, start + length)
        assert violations
        assert violations[0].proven


def test_a_table_touching_the_ceiling_at_one_knot_is_accepted() -> None:
    seller = DailyTableProfile(
        (DailyKnot(0, MsatPerKwh(100)), DailyKnot(720, MsatPerKwh(200))), "UTC"
    )
    assert check_ceiling(seller, ConstantProfile(MsatPerKwh(200)), 0, 2 * DAY) == []
    (first, *_) = check_ceiling(seller, ConstantProfile(MsatPerKwh(199)), 0, 2 * DAY)
    assert first.seller_msat_per_kwh > Fraction(199)
    assert "above the ceiling" in first.describe()
