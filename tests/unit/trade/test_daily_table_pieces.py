"""A daily table's pieces, found by bisection, are the ones the plain definition gives.

The definition: every knot of every day around the interval, in local time, and a linear
piece between each two consecutive knots that overlaps it. The node asks for the price
several times a tick, so the table is searched rather than enumerated (issue 17)."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gridnode.trade._localtime import offset_runs
from gridnode.trade.profiles import DailyKnot, DailyTableProfile, LinearPiece
from gridnode.trade.units import MS_PER_DAY, MsatPerKwh

T0 = 1_711_846_800_000  # 2024-03-31T01:00:00Z: Berlin moves its clock an hour later


def _by_definition(profile: DailyTableProfile, start: int, stop: int) -> list[LinearPiece]:
    out: list[LinearPiece] = []
    for run_start, run_stop, offset in offset_runs(profile.zone_name, start, stop):
        days = range((run_start + offset) // MS_PER_DAY - 1, (run_stop + offset) // MS_PER_DAY + 2)
        marks = [
            (d * MS_PER_DAY + k.minute_of_day * 60_000 - offset, k)
            for d in days
            for k in profile.knots
        ]
        for (a, ka), (b, kb) in itertools.pairwise(marks):
            lo, hi = max(a, run_start), min(b, run_stop)
            if lo < hi:
                slope = Fraction(kb.price_msat_per_kwh - ka.price_msat_per_kwh, b - a)
                price = ka.price_msat_per_kwh
                out.append(LinearPiece(lo, hi, price + slope * (lo - a), price + slope * (hi - a)))
    return out


@given(
    minutes=st.lists(st.integers(0, 1439), min_size=1, max_size=8, unique=True),
    prices=st.lists(st.integers(0, 1_000_000), min_size=8, max_size=8),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]),
    start=st.integers(-3 * MS_PER_DAY, 3 * MS_PER_DAY),
    length=st.integers(1, 3 * MS_PER_DAY),
)
def test_pieces_are_the_definition_s_and_price_at_their_start(
    minutes: list[int], prices: list[int], zone: str, start: int, length: int
) -> None:
    knots = tuple(
        DailyKnot(m, MsatPerKwh(p)) for m, p in zip(sorted(minutes), prices, strict=False)
    )
    profile = DailyTableProfile(knots, zone)
    begin = T0 + start
    assert profile.pieces(begin, begin + length) == _by_definition(profile, begin, begin + length)
    assert profile.price_at(begin) == _by_definition(profile, begin, begin + 1)[0].price_start
