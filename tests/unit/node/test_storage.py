"""The storage warning: the growth over the last day, projected a week ahead, against the
free space and the budget; fake clock, fake sizes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest

from gridnode.node.storage import (
    DAY_MS,
    MB,
    StorageSample,
    StorageTrend,
    StorageWatch,
    measure_paths,
)

MINUTE = 60_000


def _trend(points: list[tuple[int, int, int]], budget_mb: int = 20) -> StorageTrend:
    trend = StorageTrend(budget_mb)
    for at_ms, used, free in points:
        trend.add(StorageSample(at_ms, used, free))
    return trend


def test_no_outlook_before_ten_minutes_of_samples() -> None:
    assert _trend([(0, 0, 10**12)]).outlook() is None
    assert _trend([(0, 0, 10**12), (5 * MINUTE, 10 * MB, 10**12)]).outlook() is None


def test_growth_within_budget_and_space_is_quiet() -> None:
    outlook = _trend([(0, 100 * MB, 10_000 * MB), (DAY_MS // 2, 105 * MB, 10_000 * MB)]).outlook()
    assert outlook is not None
    assert outlook.growth_bytes_per_day == 10 * MB
    assert outlook.week_bytes == 70 * MB
    assert outlook.warnings == ()


def test_growth_above_the_budget_warns_with_the_numbers() -> None:
    outlook = _trend([(0, 0, 10**12), (3600_000, 5 * MB, 10**12)]).outlook()  # 120 MB a day
    assert outlook is not None
    (warning,) = outlook.warnings
    assert "120.0 MB a day" in warning
    assert "budget of 20 MB a day" in warning


def test_a_week_that_does_not_fit_in_the_free_space_warns() -> None:
    # 10 MB a day is within budget, but only 50 MB are free: a week needs 70
    outlook = _trend([(0, 0, 60 * MB), (DAY_MS, 10 * MB, 50 * MB)]).outlook()
    assert outlook is not None
    (warning,) = outlook.warnings
    assert "does not fit in the 50 MB free" in warning
    assert "gridnode ledger prune" in warning


def test_space_given_back_by_pruning_is_not_growth() -> None:
    outlook = _trend([(0, 500 * MB, MB), (DAY_MS, 200 * MB, MB)]).outlook()
    assert outlook is not None
    assert outlook.growth_bytes_per_day == 0
    assert outlook.warnings == ()


def test_only_the_last_day_counts() -> None:
    trend = _trend([(0, 0, 10**12), (DAY_MS, 1000 * MB, 10**12)], budget_mb=20)
    trend.add(StorageSample(2 * DAY_MS, 1001 * MB, 10**12))  # the burst is over a day ago
    outlook = trend.outlook()
    assert outlook is not None
    assert outlook.growth_bytes_per_day == MB
    assert outlook.warnings == ()


def test_a_clock_that_jumps_back_starts_the_trend_again() -> None:
    trend = _trend([(DAY_MS, 0, 10**12), (DAY_MS + 20 * MINUTE, MB, 10**12)])
    trend.add(StorageSample(0, 2 * MB, 10**12))
    assert trend.outlook() is None


def test_a_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        StorageTrend(0)


class FakeDisk:
    def __init__(self) -> None:
        self.used, self.free, self.now = 0, 10**12, 0

    def measure(self, paths: Sequence[Path]) -> tuple[int, int]:
        assert paths == (Path("ledger.sqlite"), Path("lnd"))
        return self.used, self.free


def test_the_watch_logs_a_warning_when_it_starts_and_hourly_while_it_lasts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    disk = FakeDisk()
    watch = StorageWatch(
        [Path("ledger.sqlite"), Path("lnd")], 20, lambda: disk.now, measure=disk.measure
    )
    caplog.set_level(logging.WARNING, "gridnode.node")
    for minute in range(0, 121):
        disk.now, disk.used = minute * MINUTE, minute * MB  # 1440 MB a day
        watch.sample()
    assert watch.warnings
    assert "1440.0 MB a day" in watch.warnings[0]
    logged = [r for r in caplog.records if "budget" in r.getMessage()]
    assert len(logged) == 2  # at minute 10 and an hour later, not every minute
    disk.now += MINUTE  # growth stops for a day: the warning goes
    for _ in range(24 * 60):
        disk.now += MINUTE
        watch.sample()
    assert watch.warnings == ()


def test_measure_counts_a_ledger_with_its_wal_and_a_folder(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    ledger.write_bytes(b"x" * 1000)
    (tmp_path / "ledger.sqlite-wal").write_bytes(b"x" * 500)
    lnd = tmp_path / "lnd" / "data" / "graph"
    lnd.mkdir(parents=True)
    (lnd / "channel.db").write_bytes(b"x" * 2000)
    used, free = measure_paths([ledger, tmp_path / "lnd", tmp_path / "missing"])
    assert used == 3500
    assert free > 0
