"""The storage warning: how fast the node's files grow, and whether a week of that fits.

The node samples the size of what it writes (the ledger with its WAL, and LND's data
folder when ``lnd_data_dir`` is set) and the free space under them. From the samples of
the last day it projects the growth a week ahead, and warns (log and dashboard) when

- the growth per day is above ``storage_budget_mb_per_day``, or
- a week of that growth does not fit in the free space.

The projection is pure (:class:`StorageTrend`, fed samples and a clock); measuring the
files is :func:`measure`, injected so tests use fake sizes.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.snapshot import StorageView

log = logging.getLogger("gridnode.node")

DAY_MS = 24 * 3600 * 1000
WEEK_MS = 7 * DAY_MS
MB = 1_000_000


@dataclass(frozen=True, slots=True)
class StorageSample:
    at_ms: int
    #: Bytes the node's files take (ledger and LND).
    used_bytes: int
    #: Bytes free on the file system that fills first.
    free_bytes: int


@dataclass(frozen=True, slots=True)
class StorageOutlook:
    """The growth seen over the sampled span, and what a week of it means."""

    growth_bytes_per_day: int
    week_bytes: int
    free_bytes: int
    budget_bytes_per_day: int
    span_ms: int
    warnings: tuple[str, ...]


class StorageTrend:
    """Samples over a sliding window (a day); the net growth over it, projected."""

    def __init__(
        self,
        budget_mb_per_day: int,
        *,
        window_ms: int = DAY_MS,
        min_span_ms: int = 10 * 60 * 1000,
    ) -> None:
        if budget_mb_per_day <= 0:
            raise ValueError("the storage budget is a positive number of MB per day")
        self.budget_bytes_per_day = budget_mb_per_day * MB
        self.window_ms = window_ms
        self.min_span_ms = min_span_ms
        self.samples: deque[StorageSample] = deque()

    def add(self, sample: StorageSample) -> None:
        if self.samples and sample.at_ms < self.samples[-1].at_ms:
            self.samples.clear()  # the clock went back: start again rather than divide by it
        self.samples.append(sample)
        while self.samples and self.samples[0].at_ms < sample.at_ms - self.window_ms:
            self.samples.popleft()

    def outlook(self) -> StorageOutlook | None:
        """None until the samples span ``min_span_ms`` (a rate from seconds is noise)."""
        if len(self.samples) < 2:
            return None
        first, last = self.samples[0], self.samples[-1]
        span_ms = last.at_ms - first.at_ms
        if span_ms < self.min_span_ms:
            return None
        # net growth: what pruning and compaction gave back counts
        grown = max(0, last.used_bytes - first.used_bytes)
        per_day = grown * DAY_MS // span_ms
        week = per_day * 7
        warnings: list[str] = []
        if per_day > self.budget_bytes_per_day:
            warnings.append(
                f"storage grows {per_day / MB:.1f} MB a day (ledger and LND), above the "
                f"budget of {self.budget_bytes_per_day // MB} MB a day; lengthen the payment "
                "step or prune (docs/storage.md)"
            )
        if week > last.free_bytes:
            warnings.append(
                f"storage: a week at {per_day / MB:.1f} MB a day ({week / MB:.0f} MB) does not "
                f"fit in the {last.free_bytes / MB:.0f} MB free; free space or run "
                "'gridnode ledger prune' now (docs/storage.md)"
            )
        return StorageOutlook(
            growth_bytes_per_day=per_day,
            week_bytes=week,
            free_bytes=last.free_bytes,
            budget_bytes_per_day=self.budget_bytes_per_day,
            span_ms=span_ms,
            warnings=tuple(warnings),
        )


Measure = Callable[[Sequence[Path]], tuple[int, int]]


class StorageWatch:
    """Samples the node's files now and then; keeps the current warnings and logs them
    when they start, change kind, or every hour while they last."""

    def __init__(
        self,
        paths: Sequence[Path],
        budget_mb_per_day: int,
        clock_ms: Callable[[], int],
        *,
        measure: Measure | None = None,
        trend: StorageTrend | None = None,
        log_every_ms: int = 3600 * 1000,
        ledger: Path | None = None,
    ) -> None:
        """``ledger``, one of ``paths``, is also measured alone (the metrics show the
        ledger and LND's data apart)."""
        self.paths = tuple(paths)
        self.ledger = ledger
        self.budget_bytes_per_day = budget_mb_per_day * MB
        #: the latest sample's figures (None before the first)
        self.used_bytes: int | None = None
        self.free_bytes = 0
        self.ledger_bytes = 0
        self.clock_ms = clock_ms
        self.measure = measure or measure_paths
        self.trend = trend or StorageTrend(budget_mb_per_day)
        self.log_every_ms = log_every_ms
        self.warnings: tuple[str, ...] = ()
        self.last: StorageOutlook | None = None
        self._logged: tuple[int, int] | None = None  # (kinds, at_ms)

    def sample(self) -> StorageOutlook | None:
        used, free = self.measure(self.paths)
        self.used_bytes, self.free_bytes = used, free
        if self.ledger is not None:
            self.ledger_bytes = _size(self.ledger) + _size(
                self.ledger.with_name(self.ledger.name + "-wal")
            )
        now = self.clock_ms()
        self.trend.add(StorageSample(now, used, free))
        self.last = self.trend.outlook()
        self.warnings = self.last.warnings if self.last else ()
        kinds = len(self.warnings)
        if self.warnings and (
            self._logged is None
            or self._logged[0] != kinds
            or now - self._logged[1] >= self.log_every_ms
        ):
            for warning in self.warnings:
                log.warning("%s", warning)
            self._logged = (kinds, now)
        elif not self.warnings:
            self._logged = None
        return self.last

    def view(self) -> StorageView | None:
        """The latest figures as plain values (None before the first sample)."""
        if self.used_bytes is None:
            return None
        others = len(self.paths) > 1 and self.ledger is not None
        return StorageView(
            ledger_bytes=self.ledger_bytes if self.ledger is not None else self.used_bytes,
            lnd_bytes=max(0, self.used_bytes - self.ledger_bytes) if others else None,
            free_bytes=self.free_bytes,
            growth_bytes_per_day=self.last.growth_bytes_per_day if self.last else None,
            budget_bytes_per_day=self.budget_bytes_per_day,
        )


def measure_paths(paths: Sequence[Path]) -> tuple[int, int]:
    """Bytes used by the files and folders (a file's WAL counted with it) and the least
    free space among their file systems."""
    used = 0
    free: int | None = None
    for path in paths:
        used += _size(path)
        if path.is_file():
            used += _size(path.with_name(path.name + "-wal"))
        try:
            here = shutil.disk_usage(path if path.is_dir() else path.parent).free
        except OSError:
            continue
        free = here if free is None else min(free, here)
    return used, free or 0


def _size(path: Path) -> int:
    try:
        if not path.is_dir():
            return path.stat().st_size
    except OSError:
        return 0
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total
