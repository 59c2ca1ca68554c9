"""How late a session's control ticks run: counted per millisecond, logged at the end.

A tick is due every ``tick_ms``; one handled later than that (the event loop busy with
other sessions, a slow ledger write) delays every relay decision by as much. The runner
counts each tick's lateness here and logs one line when its session ends, which the demo
reads for its ``tick_lag_p99`` (issue 17). A histogram keeps it small however long the
session runs.
"""

from __future__ import annotations

import collections

#: Lateness above this is counted here (ms): far past any bound worth telling apart.
CAP_MS = 60_000

#: The line's opening words (the demo finds the line by them).
PREFIX = "control tick lag"


class TickLag:
    def __init__(self) -> None:
        self.counts: collections.Counter[int] = collections.Counter()
        self.count = 0

    def add(self, late_ms: int) -> None:
        self.counts[min(max(late_ms, 0), CAP_MS)] += 1
        self.count += 1

    def quantile(self, q: float) -> int:
        """The lateness (ms) that a share ``q`` of ticks did not exceed."""
        if not self.count:
            return 0
        wanted = q * self.count
        seen = 0
        for late_ms in sorted(self.counts):
            seen += self.counts[late_ms]
            if seen >= wanted:
                return late_ms
        return max(self.counts)

    def describe(self) -> str:
        """One line; ``histogram`` maps ms late to how many ticks were that late."""
        histogram = ",".join(f"{k}:{v}" for k, v in sorted(self.counts.items()))
        return (
            f"{PREFIX} over {self.count} ticks: p50 {self.quantile(0.5)} ms, "
            f"p99 {self.quantile(0.99)} ms, max {max(self.counts)} ms; histogram {histogram}"
        )
