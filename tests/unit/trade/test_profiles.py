"""Rate profiles: prices at an instant, exact cost, and the rounding rule."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.money import Msat
from gridnode.trade._localtime import offset_runs, utc_ms
from gridnode.trade._trig import TRIG_ERROR, cos_turns, sin_turns
from gridnode.trade.errors import ProfileError
from gridnode.trade.profiles import (
    ConstantProfile,
    DailyKnot,
    DailyTableProfile,
    RateProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
    cost,
    cost_exact,
    mean_price,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.units import MS_PER_HOUR, MsatPerKwh
from tests.support.trade.strategies import any_profiles, times

BERLIN = ZoneInfo("Europe/Berlin")


def at(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    tz: ZoneInfo = BERLIN,
) -> int:
    """Unix ms of a wall-clock time in ``tz``."""
    return utc_ms(datetime(year, month, day, hour, minute, second, tzinfo=tz))


def test_constant_profile_costs_energy_times_price() -> None:
    profile = ConstantProfile(MsatPerKwh(250_000))
    assert cost(profile, 1_000_000, 0, MS_PER_HOUR) == Msat(250_000)
    assert cost(profile, 3, 0, 1_000) == Msat(0)  # 0.75 msat rounds down
    assert cost_exact(profile, 3, 0, 1_000) == Fraction(3, 4)


def test_cost_of_an_instantaneous_increment_uses_the_price_at_that_instant() -> None:
    assert cost(ConstantProfile(MsatPerKwh(2_000_000)), 500, 10, 10) == Msat(1_000)


def test_daily_table_interpolates_in_local_time_and_wraps_midnight() -> None:
    table = DailyTableProfile(
        (DailyKnot(6 * 60, MsatPerKwh(100)), DailyKnot(18 * 60, MsatPerKwh(300))),
        "Europe/Berlin",
    )
    assert table.price_at(at(2026, 1, 10, 12)) == 200
    assert table.price_at(at(2026, 7, 10, 12)) == 200  # same local noon in summer time
    assert table.price_at(at(2026, 1, 10, 18)) == 300
    assert table.price_at(at(2026, 1, 11, 0)) == 200  # halfway from 18:00 to 06:00
    assert table.price_at(at(2026, 1, 11, 3)) == 150


def test_daily_table_jumps_with_the_local_clock_at_a_dst_change() -> None:
    table = DailyTableProfile(
        (DailyKnot(0, MsatPerKwh(0)), DailyKnot(720, MsatPerKwh(1200))), "Europe/Berlin"
    )
    # 2026-03-29 02:00 CET becomes 03:00 CEST: one real millisecond, one local hour.
    change = at(2026, 3, 29, 1, 59, 59, tz=ZoneInfo("UTC")) + 1000 - 3_600_000
    assert table.price_at(change - 1) < 200
    assert table.price_at(change) == 300
    runs = offset_runs("Europe/Berlin", change - 10, change + 10)
    assert [r[2] for r in runs] == [3_600_000, 7_200_000]


def test_time_of_use_block_applies_only_on_its_weekdays() -> None:
    weekdays = 0b0011111
    tou = TimeOfUseProfile(
        (TimeOfUseBlock(weekdays, 7 * 60, 22 * 60, MsatPerKwh(500)),),
        MsatPerKwh(100),
        "Europe/Berlin",
    )
    assert tou.price_at(at(2026, 11, 23, 8)) == 500  # a Monday
    assert tou.price_at(at(2026, 11, 22, 8)) == 100  # a Sunday
    assert tou.price_at(at(2026, 11, 23, 22)) == 100  # block stop is exclusive
    day = at(2026, 11, 23)
    assert mean_price(tou, day, day + 24 * MS_PER_HOUR) == Fraction(15 * 500 + 9 * 100, 24)


def test_sinusoid_matches_the_formula() -> None:
    profile = SinusoidProfile(
        MsatPerKwh(100_000), MsatPerKwh(30_000), 0, MsatPerKwh(20_000), 0, "UTC"
    )
    t = 6 * MS_PER_HOUR + 12_345
    expected = (
        100_000
        + 30_000 * math.sin(2 * math.pi * t / 86_400_000)
        + 20_000 * math.sin(2 * math.pi * t / 31_556_952_000)
    )
    assert float(profile.price_at(t)) == pytest.approx(expected, abs=1e-6)
    numeric = sum(float(profile.price_at(t + i * 1000)) for i in range(3600)) / 3600
    assert float(mean_price(profile, t, t + MS_PER_HOUR)) == pytest.approx(numeric, rel=1e-5)


@given(st.fractions(min_value=-3, max_value=3, max_denominator=10**9))
def test_fixed_point_sine_is_within_its_error_bound(turns: Fraction) -> None:
    assert abs(float(sin_turns(turns)) - math.sin(2 * math.pi * turns)) < 1e-12
    assert abs(float(cos_turns(turns)) - math.cos(2 * math.pi * turns)) < 1e-12
    assert Fraction(1, 10**30) > TRIG_ERROR


@given(any_profiles, times, st.integers(1, 6 * MS_PER_HOUR), st.integers(1, 6 * MS_PER_HOUR))
def test_cost_is_additive_over_split_intervals(
    profile: RateProfile, t0: int, first: int, second: int
) -> None:
    # Energy proportional to time (constant power) so the split does not round energy.
    t1, t2 = t0 + first, t0 + first + second
    whole = cost_exact(profile, 7 * (t2 - t0), t0, t2)
    parts = cost_exact(profile, 7 * (t1 - t0), t0, t1) + cost_exact(profile, 7 * (t2 - t1), t1, t2)
    assert whole == parts  # exact rationals add exactly
    rounded = cost(profile, 7 * (t2 - t0), t0, t2).msat - (
        cost(profile, 7 * (t1 - t0), t0, t1).msat + cost(profile, 7 * (t2 - t1), t1, t2).msat
    )
    assert rounded in (0, 1)  # each floor loses under 1 msat


@given(any_profiles, times, st.integers(1, 48 * MS_PER_HOUR))
def test_mean_price_lies_between_the_profiles_bounds(
    profile: RateProfile, t0: int, length: int
) -> None:
    low, high = profile.bounds(t0, t0 + length)
    assert low <= mean_price(profile, t0, t0 + length) <= high


def test_profiles_refuse_bad_fields_with_a_sentence() -> None:
    with pytest.raises(ProfileError, match="IANA"):
        ConstantProfile(MsatPerKwh(1), "Mars/Olympus")
    with pytest.raises(ProfileError, match="increasing"):
        DailyTableProfile((DailyKnot(10, MsatPerKwh(1)), DailyKnot(5, MsatPerKwh(1))), "UTC")
    with pytest.raises(ProfileError, match="negative"):
        SinusoidProfile(MsatPerKwh(10), MsatPerKwh(8), 0, MsatPerKwh(8), 0, "UTC")
    with pytest.raises(ProfileError, match="stop_minute"):
        TimeOfUseProfile((TimeOfUseBlock(1, 600, 600, MsatPerKwh(1)),), MsatPerKwh(1), "UTC")


def test_utc_ms_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="time zone"):
        utc_ms(datetime(2026, 1, 1))
    assert utc_ms(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1000
