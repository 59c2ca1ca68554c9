"""Runs of constant UTC offset in an IANA zone, found without floats.

Rate profiles that follow the local clock (daily tables, time-of-use blocks, the daily
sinusoid) split an interval wherever the zone's offset changes, and then work in local
milliseconds ``t + offset`` within each run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from gridnode.trade.units import MS_PER_DAY

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def offset_ms(zone_name: str, t_ms: int) -> int:
    """The zone's UTC offset at instant ``t_ms``, in milliseconds."""
    instant = datetime.fromtimestamp(t_ms // 1000, tz=UTC).astimezone(zone(zone_name))
    delta = instant.utcoffset()
    assert delta is not None
    return (delta.days * 86_400 + delta.seconds) * 1000


def offset_runs(zone_name: str, start_ms: int, stop_ms: int) -> list[tuple[int, int, int]]:
    """Split [start, stop) into (run_start, run_stop, offset_ms) of constant offset.

    Real zones change offset at most once a day, so each day-long chunk is searched for
    one change by bisection to the millisecond.
    """
    runs: list[tuple[int, int, int]] = []
    if zone_name == "UTC":
        return [(start_ms, stop_ms, 0)] if start_ms < stop_ms else []
    chunk_start = start_ms
    while chunk_start < stop_ms:
        chunk_stop = min(stop_ms, chunk_start + MS_PER_DAY)
        first = offset_ms(zone_name, chunk_start)
        last = offset_ms(zone_name, chunk_stop - 1)
        if first == last:
            _append(runs, chunk_start, chunk_stop, first)
        else:
            low, high = chunk_start, chunk_stop - 1  # offset(low)=first, offset(high)!=first
            while high - low > 1:
                mid = (low + high) // 2
                if offset_ms(zone_name, mid) == first:
                    low = mid
                else:
                    high = mid
            _append(runs, chunk_start, high, first)
            _append(runs, high, chunk_stop, last)
        chunk_start = chunk_stop
    return runs


def _append(runs: list[tuple[int, int, int]], start: int, stop: int, offset: int) -> None:
    if start >= stop:
        return
    if runs and runs[-1][1] == start and runs[-1][2] == offset:
        runs[-1] = (runs[-1][0], stop, offset)
    else:
        runs.append((start, stop, offset))


def utc_ms(moment: datetime) -> int:
    """An aware datetime as Unix milliseconds (for tests and configuration)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no defined instant; give it a time zone")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
