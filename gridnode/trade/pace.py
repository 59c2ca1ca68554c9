"""The storage warning about the payment pace, judged on the steady pace (issue 18 §6).

A session's first payments are its smallest: the ahead budget is seconds of the buyer's
use, and the power window that measures it is still filling, so the first steps come
every few seconds while the steady pace settles at tens of seconds. A warning computed
from the first step fired at every session start and stayed for the whole session. So the
pace is the (upper) *median* of the last :data:`PACE_INTERVALS` intervals between
prepayment invoices, judged only once that many were seen (so a ramp of a few short
first intervals does not count): the warning starts when the median is
shorter than the storage budget's interval and clears when it no longer is.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import pairwise

#: Intervals between prepayment invoices seen before the pace is judged.
PACE_INTERVALS = 8


@dataclass(slots=True)
class PaceWatch:
    """The steady pace of a session's prepayment invoices against the storage budget."""

    #: The storage budget's shortest time between payments (0: no budget, no warning).
    min_interval_ms: int
    intervals: int = PACE_INTERVALS
    #: When the latest invoices were asked for (one more than the intervals judged).
    times: deque[int] = field(default_factory=deque)
    #: The warning while it holds (for the node's warnings); None otherwise.
    warning: str | None = None

    def median_ms(self) -> int | None:
        """The median interval of the last ``intervals``; None until that many."""
        if len(self.times) <= self.intervals:
            return None
        gaps = sorted(b - a for a, b in pairwise(self.times))
        # the upper median: the pace warns only when most recent intervals are short
        return gaps[len(gaps) // 2]

    def invoiced(self, now_ms: int) -> str | None:
        """A prepayment invoice was asked for now: the sentence when the warning starts
        or clears (for the ledger and the operator), None when nothing changed."""
        if self.min_interval_ms <= 0:
            return None
        self.times.append(now_ms)
        while len(self.times) > self.intervals + 1:
            self.times.popleft()
        median = self.median_ms()
        if median is None:
            return None
        if median < self.min_interval_ms and self.warning is None:
            self.warning = (
                f"at this power a payment comes every {median} ms (the median of the last "
                f"{self.intervals}), more often than the storage budget's one every "
                f"{self.min_interval_ms} ms if kept up all day: fine for a few hours (a car "
                "charging); otherwise raise max_payment_msat and the exposure budgets, or "
                "the storage budget"
            )
            return self.warning
        if median >= self.min_interval_ms and self.warning is not None:
            self.warning = None
            return (
                f"the payment pace is within the storage budget again: a payment every "
                f"{median} ms (the median of the last {self.intervals}), the budget's "
                f"shortest is {self.min_interval_ms} ms"
            )
        return None
