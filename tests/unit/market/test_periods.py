"""The market's period grid is aligned to the Unix epoch: every buyer agrees where a
period starts, and a period that does not divide a day is refused."""

from __future__ import annotations

import pytest

from gridnode.market import MarketPeriod, period_at

QUARTER = 900_000


def test_periods_start_on_the_quarter_hour_utc() -> None:
    midnight = 1_795_046_400_000  # 2026-11-17 00:00 UTC
    assert period_at(midnight, QUARTER) == MarketPeriod(midnight, midnight + QUARTER)
    inside = period_at(midnight + QUARTER + 1, QUARTER)
    assert inside == MarketPeriod(midnight + QUARTER, midnight + 2 * QUARTER)
    assert inside.next() == MarketPeriod(midnight + 2 * QUARTER, midnight + 3 * QUARTER)
    assert period_at(midnight - 1, QUARTER).stop_ms == midnight


@pytest.mark.parametrize("period_ms", [0, -900_000, 7_000])
def test_a_period_that_does_not_divide_a_day_is_refused(period_ms: int) -> None:
    with pytest.raises(ValueError, match="divide a day"):
        period_at(0, period_ms)
