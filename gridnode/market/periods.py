"""The market's periods: a grid of ``period_ms`` aligned to the Unix epoch (UTC).

Aligned so that two buyers (and a person reading a log) agree where a period starts
without telling each other: with 900 s periods every quarter hour from midnight UTC.
The configuration allows only periods that divide a day, so the grid meets midnight.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.trade.units import MS_PER_DAY, DurationMs

__all__ = ["DEFAULT_MARKET_PERIOD_MS", "MarketPeriod", "period_at"]

#: The default period: 15 minutes, as community energy markets use (docs/market.md).
DEFAULT_MARKET_PERIOD_MS = DurationMs(900_000)


@dataclass(frozen=True, slots=True, order=True)
class MarketPeriod:
    """One period of the grid: [start_ms, stop_ms)."""

    start_ms: int
    stop_ms: int

    @property
    def length_ms(self) -> int:
        return self.stop_ms - self.start_ms

    def next(self) -> MarketPeriod:
        return MarketPeriod(self.stop_ms, self.stop_ms + self.length_ms)


def period_at(now_ms: int, period_ms: int) -> MarketPeriod:
    """The period of the grid that holds ``now_ms``."""
    if period_ms <= 0 or MS_PER_DAY % period_ms:
        raise ValueError(f"a market period must divide a day evenly, not {period_ms} ms")
    start = now_ms - now_ms % period_ms
    return MarketPeriod(start, start + period_ms)
