"""Hypothesis strategies shared by the trade tests."""

from __future__ import annotations

from hypothesis import strategies as st

from gridnode.trade.profiles import (
    ConstantProfile,
    DailyKnot,
    DailyTableProfile,
    RateProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.units import MsatPerKwh

ZONES = ("UTC", "Europe/Berlin", "America/New_York")
# 2026-01-01T00:00Z .. about 2027-01-01: covers both DST changes of both zones.
T_BASE = 1_767_225_600_000
times: st.SearchStrategy[int] = st.integers(min_value=T_BASE, max_value=T_BASE + 366 * 86_400_000)
prices: st.SearchStrategy[MsatPerKwh] = st.integers(min_value=0, max_value=2_000_000).map(
    MsatPerKwh
)
zones: st.SearchStrategy[str] = st.sampled_from(ZONES)

constant_profiles: st.SearchStrategy[ConstantProfile] = st.builds(ConstantProfile, prices, zones)


@st.composite
def table_profiles(draw: st.DrawFn) -> DailyTableProfile:
    minutes = draw(st.lists(st.integers(0, 1439), min_size=1, max_size=6, unique=True))
    knots = tuple(DailyKnot(m, draw(prices)) for m in sorted(minutes))
    return DailyTableProfile(knots, draw(zones))


@st.composite
def tou_profiles(draw: st.DrawFn) -> TimeOfUseProfile:
    blocks = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 1439))
        stop = draw(st.integers(start + 1, 1440))
        blocks.append(TimeOfUseBlock(draw(st.integers(1, 127)), start, stop, draw(prices)))
    return TimeOfUseProfile(tuple(blocks), draw(prices), draw(zones))


@st.composite
def sinusoid_profiles(draw: st.DrawFn) -> SinusoidProfile:
    day = draw(st.integers(0, 500_000))
    year = draw(st.integers(0, 500_000))
    mean = draw(st.integers(day + year, day + year + 1_000_000))
    return SinusoidProfile(
        MsatPerKwh(mean),
        MsatPerKwh(day),
        draw(st.integers(0, 86_400_000)),
        MsatPerKwh(year),
        draw(st.integers(0, 31_556_952_000)),
        draw(zones),
    )


linear_profiles: st.SearchStrategy[RateProfile] = st.one_of(
    constant_profiles, table_profiles(), tou_profiles()
)
any_profiles: st.SearchStrategy[RateProfile] = st.one_of(linear_profiles, sinusoid_profiles())
