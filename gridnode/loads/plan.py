"""Meeting a daily need in the cheapest time the forecast shows (pure).

The forecast is a list of (ms, msat per kWh) points, linear between consecutive points
(:mod:`gridnode.ratefeed.message`). Time from now to the deadline is cut into slots
aligned to ``slot_ms``; each visible slot costs its mean price (the exact integral of the
forecast). Time past the forecast's end is unseen: it counts as capacity at
``unseen_price`` (the load's "off above" price, or the dearest price seen), so the agent
defers work to the unknown only when what it sees is dearer than that. The load runs now
when the slot holding ``now`` is among the cheapest that add up to the need; when the
need fills all the time left, every slot is chosen and the load runs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

Point = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Slot:
    start_ms: int
    stop_ms: int
    #: mean price over the slot, msat per kWh
    price: Fraction
    #: True for the slot standing for the time the forecast does not cover
    unseen: bool = False

    @property
    def length_ms(self) -> int:
        return self.stop_ms - self.start_ms


def integral(points: list[Point], start_ms: int, stop_ms: int) -> Fraction:
    """The exact integral of the forecast over [start, stop] (inside its span)."""
    total = Fraction(0)
    for (a, pa), (b, pb) in itertools.pairwise(points):
        lo, hi = max(a, start_ms), min(b, stop_ms)
        if lo >= hi:
            continue
        slope = Fraction(pb - pa, b - a)
        total += (pa + slope * (lo - a) + pa + slope * (hi - a)) * (hi - lo) / 2
    return total


def slots(points: list[Point], now_ms: int, deadline_ms: int, slot_ms: int) -> list[Slot]:
    """Visible slots from ``now_ms`` to the deadline or the forecast's end, whichever is
    first; the first slot runs to the next multiple of ``slot_ms``."""
    if len(points) < 2:
        return []
    end = min(deadline_ms, points[-1][0])
    out: list[Slot] = []
    start = max(now_ms, points[0][0])
    while start < end:
        stop = min(end, (start // slot_ms + 1) * slot_ms)
        out.append(Slot(start, stop, integral(points, start, stop) / (stop - start)))
        start = stop
    return out


def chosen(
    points: list[Point],
    now_ms: int,
    deadline_ms: int,
    need_ms: int,
    slot_ms: int,
    unseen_price: Fraction,
) -> list[Slot]:
    """The cheapest slots (known ones first at equal price) that add up to ``need_ms``."""
    if need_ms <= 0 or deadline_ms <= now_ms:
        return []
    visible = slots(points, now_ms, deadline_ms, slot_ms)
    seen_until = visible[-1].stop_ms if visible else now_ms
    candidates = list(visible)
    if deadline_ms > seen_until:
        candidates.append(Slot(seen_until, deadline_ms, unseen_price, unseen=True))
    candidates.sort(key=lambda s: (s.price, s.unseen, s.start_ms))
    out: list[Slot] = []
    left = need_ms
    for slot in candidates:
        if left <= 0:
            break
        out.append(slot)
        left -= slot.length_ms
    return out


def run_now(
    points: list[Point],
    now_ms: int,
    deadline_ms: int,
    need_ms: int,
    slot_ms: int,
    unseen_price: Fraction,
) -> bool:
    """Whether the need is best served by running in the slot holding ``now_ms``."""
    picked = chosen(points, now_ms, deadline_ms, need_ms, slot_ms, unseen_price)
    return any(s.start_ms <= now_ms < s.stop_ms for s in picked)
