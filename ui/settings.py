"""The dashboard's settings: one typed model, each field documented."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class DashboardSettings:
    #: The node's status socket (the ``status_socket`` of its gridnode.toml).
    node: Path = Path("status.sock")
    #: How much history the live plot keeps, in seconds.
    history_s: int = 300
    #: Ask the node for a snapshot at least this often (ms).
    max_interval_ms: int = 1000
    #: First wait before reconnecting to a node that went away; doubles up to the next.
    reconnect_min_s: float = 0.5
    #: Longest wait between two reconnection attempts.
    reconnect_max_s: float = 5.0
    #: A live link with no snapshot for this long is shown as stale (seconds).
    stale_after_s: float = 5.0
    #: The clock used for "how long ago" on the dashboard's own side (ms since the
    #: epoch). Snapshot tests fix it; readings are aged by the node's own snapshot time.
    clock_ms: Callable[[], int] = field(default=_wall_ms)
