"""Cheapest-slot planning for a daily need (pure)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from gridnode.loads.plan import chosen, integral, run_now, slots

MIN = 60_000
HOUR = 60 * MIN


def test_integral_of_a_ramp_and_a_jump() -> None:
    points = [(0, 0), (10, 10), (10, 100), (20, 100)]
    assert integral(points, 0, 10) == 50
    assert integral(points, 0, 20) == 50 + 1000
    assert integral(points, 5, 15) == Fraction(75, 2) + 500


def test_slots_are_aligned_and_cover_the_visible_time() -> None:
    points = [(5 * MIN, 10), (70 * MIN, 10)]
    out = slots(points, 5 * MIN, 2 * HOUR, 15 * MIN)
    assert [(s.start_ms, s.stop_ms) for s in out][:2] == [(5 * MIN, 15 * MIN), (15 * MIN, 30 * MIN)]
    assert out[-1].stop_ms == 70 * MIN


def test_the_need_runs_in_the_cheapest_hours() -> None:
    # dear for two hours, cheap for one, dear again: one hour of need waits for the cheap one
    points = [
        (0, 300),
        (2 * HOUR, 300),
        (2 * HOUR, 100),
        (3 * HOUR, 100),
        (3 * HOUR, 300),
        (5 * HOUR, 300),
    ]
    picked = chosen(points, 0, 5 * HOUR, HOUR, 15 * MIN, Fraction(300))
    assert {s.start_ms for s in picked} == {2 * HOUR + i * 15 * MIN for i in range(4)}
    assert not run_now(points, 0, 5 * HOUR, HOUR, 15 * MIN, Fraction(300))
    assert run_now(points, 2 * HOUR, 5 * HOUR, HOUR, 15 * MIN, Fraction(300))


def test_a_need_that_fills_the_time_left_runs_now_even_when_dear() -> None:
    points = [(0, 900), (HOUR, 900)]
    assert run_now(points, 0, HOUR, HOUR, 15 * MIN, Fraction(100))


def test_it_defers_to_unseen_time_only_when_what_it_sees_is_dearer() -> None:
    points = [(0, 500), (HOUR, 500)]  # the forecast ends after an hour; the day goes on
    assert not run_now(points, 0, 10 * HOUR, HOUR, 15 * MIN, Fraction(300))
    assert run_now(points, 0, 10 * HOUR, HOUR, 15 * MIN, Fraction(600))


@settings(max_examples=80, deadline=None)
@given(
    prices=st.lists(st.integers(0, 1000), min_size=2, max_size=12),
    need_slots=st.integers(1, 12),
)
def test_the_chosen_slots_are_the_cheapest_that_meet_the_need(
    prices: list[int], need_slots: int
) -> None:
    """No slot left out is cheaper than a slot taken; the need is met if time allows."""
    slot = 15 * MIN
    points = []
    for i, price in enumerate(prices):
        points += [(i * slot, price), ((i + 1) * slot, price)]
    deadline = len(prices) * slot
    picked = chosen(points, 0, deadline, need_slots * slot, slot, Fraction(10_000))
    taken = {s.start_ms for s in picked}
    assert sum(s.length_ms for s in picked) >= min(need_slots, len(prices)) * slot
    for s in slots(points, 0, deadline, slot):
        if s.start_ms not in taken:
            assert all(s.price >= t.price for t in picked)
