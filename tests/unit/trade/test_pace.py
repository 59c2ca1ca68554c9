"""The storage warning is judged on the steady payment pace, not the first, smallest
payments of a session, and it clears when the pace is back within the budget."""

from __future__ import annotations

from gridnode.trade.pace import PACE_INTERVALS, PaceWatch


def _feed(watch: PaceWatch, start_ms: int, gaps_ms: list[int]) -> tuple[int, list[str]]:
    said: list[str] = []
    at = start_ms
    for gap in gaps_ms:
        at += gap
        if (text := watch.invoiced(at)) is not None:
            said.append(text)
    return at, said


def test_the_first_small_payments_of_a_session_do_not_warn() -> None:
    watch = PaceWatch(min_interval_ms=30_000)
    # the power window fills: 4 s, 6 s, 10 s ... then the steady 43 s
    at, said = _feed(watch, 0, [0, 3_738, 6_000, 10_000, 20_000] + [43_000] * 10)
    assert said == []
    assert watch.warning is None
    assert watch.median_ms() == 43_000
    assert at > 0


def test_nothing_is_judged_before_enough_intervals() -> None:
    watch = PaceWatch(min_interval_ms=30_000)
    _, said = _feed(watch, 0, [0] + [1_000] * (PACE_INTERVALS - 1))
    assert said == []
    assert watch.median_ms() is None


def test_a_steady_fast_pace_warns_once_and_clears_when_it_slows() -> None:
    watch = PaceWatch(min_interval_ms=30_000)
    at, said = _feed(watch, 0, [0] + [5_000] * 12)
    assert len(said) == 1
    assert said[0].startswith("at this power a payment comes every 5000 ms (the median")
    assert watch.warning == said[0]
    _, cleared = _feed(watch, at, [60_000] * PACE_INTERVALS)
    assert len(cleared) == 1
    assert cleared[0].startswith("the payment pace is within the storage budget again")
    assert watch.warning is None


def test_without_a_storage_budget_nothing_is_watched() -> None:
    watch = PaceWatch(min_interval_ms=0)
    _, said = _feed(watch, 0, [0] + [10] * 20)
    assert said == []
