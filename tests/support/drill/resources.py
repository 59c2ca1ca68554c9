"""A process's resources and a database's size over time, and their growth per hour.

Growth is the least-squares slope of the samples (per hour), so a steady leak shows
however noisy single samples are, and a one-off step (a cache filling once) counts for
what it is spread over the hour.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ProcSample:
    at_s: float
    rss_kb: int
    fds: int
    threads: int
    #: the RSS's anonymous part (heaps, malloc arenas, stacks: where a leak grows)
    rss_anon_kb: int = 0
    #: its file-backed and shared part (mapped libraries, SQLite's WAL index): pages the
    #: kernel may drop, which grow as the files they map are touched
    rss_file_kb: int = 0


def sample_process(pid: int, at_s: float) -> ProcSample | None:
    """RSS (and its anonymous and file-backed parts), open file descriptors and
    threads of ``pid`` now (None if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)

    def kb(name: str) -> int:
        return int(fields[name].split()[0]) if name in fields else 0

    file_kb = kb("RssFile") + kb("RssShmem")
    return ProcSample(at_s, kb("VmRSS"), fds, int(fields["Threads"]), kb("RssAnon"), file_kb)


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """The least-squares slope of (seconds, value) points, per hour (0 with fewer than
    two distinct times)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 3600


@dataclass(frozen=True, slots=True)
class SqliteSize:
    """A ledger's pages in use (page count less the free list) and its files' size."""

    used_bytes: int
    file_bytes: int


def sqlite_size(path: Path) -> SqliteSize:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    finally:
        db.close()
    wal = path.with_name(path.name + "-wal")
    files = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return SqliteSize((pages - free) * page_size, files)
