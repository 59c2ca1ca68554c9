"""The estate day's clock and tariffs (``gridnode demo --estate``): a day of a few wall
minutes, one minute a part of the day, and what the PV and the grid connection ask in
each part.

The nodes' rate tables (``[terms.profile]``, UTC) have minute blocks, so the scaled
day is a table that repeats every ``len(parts)`` minutes from its first dawn:
the PV is cheap at midday and offers nothing anyone accepts at night (a price above
every ceiling); the grid connection is a time-of-use tariff, cheap at night and dear at
the evening peak. Both are ``time_of_use`` tables of one-minute blocks, so each part's
price holds for its whole minute (a ``daily`` table would slope from knot to knot).
The summary prices a household's metered energy at the grid's tariff with
:meth:`Day.grid_price`, as if it had bought only from the grid connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from gridnode.errors import UsageError

#: A price nobody's ceiling accepts: the PV has nothing to sell in the dark (msat/kWh).
DARK = 1_000_000
#: What each part of the day costs from (the PV, the grid connection), msat per kWh.
PARTS: dict[str, tuple[int, int]] = {
    "night": (DARK, 150_000),
    "morning": (200_000, 220_000),
    "midday": (100_000, 220_000),
    "afternoon": (200_000, 220_000),
    "evening": (DARK, 350_000),
    "late": (DARK, 220_000),
}
#: The days by their length in minutes; the minute before the first dawn is the last part.
DAYS: dict[int, tuple[str, ...]] = {
    2: ("midday", "evening"),
    3: ("midday", "evening", "night"),
    4: ("morning", "midday", "evening", "night"),
    6: ("morning", "midday", "afternoon", "evening", "late", "night"),
}
#: The households' ceiling: above the grid's dearest, below the dark PV (msat/kWh).
HOUSEHOLD_CEILING = 400_000

_MS_PER_MINUTE = 60_000
_MWH_PER_KWH = 1_000_000
_MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Day:
    """A scaled day: ``parts`` one minute each, the first from ``dawn_ms`` (a whole
    minute, wall clock), repeating."""

    parts: tuple[str, ...]
    dawn_ms: int

    @classmethod
    def starting(cls, minutes: int, now_s: float) -> Day:
        """A day of ``minutes`` whose first dawn is the next whole minute."""
        if minutes not in DAYS:
            raise UsageError(
                f"--day-minutes takes one of {', '.join(map(str, DAYS))}, not {minutes}."
            )
        return cls(DAYS[minutes], (int(now_s) // 60 + 1) * _MS_PER_MINUTE)

    @property
    def length_ms(self) -> int:
        return len(self.parts) * _MS_PER_MINUTE

    def part_at(self, at_ms: int) -> str:
        return self.parts[(at_ms - self.dawn_ms) // _MS_PER_MINUTE % len(self.parts)]

    def pv_price(self, at_ms: int) -> int:
        return PARTS[self.part_at(at_ms)][0]

    def grid_price(self, at_ms: int) -> int:
        return PARTS[self.part_at(at_ms)][1]

    def grid_cost_exact(self, energy_mwh: int, start_ms: int, stop_ms: int) -> Fraction:
        """What ``energy_mwh`` delivered over [start_ms, stop_ms) costs at the grid's
        tariff (msat): the energy at the tariff's mean over the interval, the cost rule
        of the nodes (:func:`gridnode.trade.profiles.cost_exact`), so a step across a
        change of price is priced as a receipt prices it."""
        if stop_ms <= start_ms:
            return Fraction(energy_mwh * self.grid_price(start_ms), _MWH_PER_KWH)
        integral, at = 0, start_ms
        while at < stop_ms:
            edge = min(stop_ms, (at // _MS_PER_MINUTE + 1) * _MS_PER_MINUTE)
            integral += self.grid_price(at) * (edge - at)
            at = edge
        return Fraction(energy_mwh * integral, _MWH_PER_KWH * (stop_ms - start_ms))

    def profile(self, seller: str) -> str:
        """The ``[terms.profile]`` body of the ``"pv"`` or the ``"grid"`` seller: a
        time-of-use table (UTC) with a one-minute block for each minute of the day
        whose price is not its most common one (the default)."""
        price = self.pv_price if seller == "pv" else self.grid_price
        midnight_ms = self.dawn_ms - self.dawn_ms % (_MINUTES_PER_DAY * _MS_PER_MINUTE)
        prices = [price(midnight_ms + m * _MS_PER_MINUTE) for m in range(_MINUTES_PER_DAY)]
        default = max(set(prices), key=prices.count)
        blocks = [
            f'{{ days = "mon-sun", from = "{_hhmm(m)}", to = "{_hhmm(m + 1)}", '
            f"price_msat_per_kwh = {p} }}"
            for m, p in enumerate(prices)
            if p != default
        ]
        return (
            f'kind = "time_of_use"\nzone = "UTC"\ndefault_msat_per_kwh = {default}\n'
            f"blocks = [{', '.join(blocks)}]\n"
        )


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
