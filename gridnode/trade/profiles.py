"""Rate profiles: a price in msat per kWh as a function of time.

Four kinds, each a frozen dataclass with an explicit IANA zone:

- :class:`ConstantProfile`: one price.
- :class:`DailyTableProfile`: (time of day -> price) knots, interpolated linearly in
  local time and wrapping midnight.
- :class:`SinusoidProfile` (in :mod:`gridnode.trade.sinusoid`): mean plus a daily and a
  yearly sine, each with an amplitude and a phase shift.
- :class:`TimeOfUseProfile`: blocks of weekdays and hours with a fixed price each, and a
  default price outside them.

Cost rule (the same on both nodes, documented in docs/trade.md): the exact cost of
``energy_mwh`` delivered over [t0, t1) is ``energy_mwh * integral(t0, t1) /
(1_000_000 * (t1 - t0))`` msat, where ``integral`` is the exact integral of the price
over the interval in (msat/kWh)*ms, computed with rational arithmetic (trapezoids for the
piecewise-linear kinds; a fixed-point antiderivative for the sinusoid). Sessions add these
exact fractions and round the running total down to a whole msat only when they compare
it with money (:func:`floor_msat`).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import ClassVar, Protocol

from gridnode.money import Msat
from gridnode.trade._localtime import offset_runs, zone
from gridnode.trade.errors import ProfileError
from gridnode.trade.units import MS_PER_DAY, MWH_PER_KWH, MsatPerKwh

MINUTES_PER_DAY = 1_440
_MS_PER_MINUTE = 60_000


@dataclass(frozen=True, slots=True)
class LinearPiece:
    """The price on [start_ms, stop_ms) rises or falls linearly from ``price_start`` to
    ``price_stop`` (the limit just before ``stop_ms``)."""

    start_ms: int
    stop_ms: int
    price_start: Fraction
    price_stop: Fraction

    def integral(self) -> Fraction:
        return (self.price_start + self.price_stop) * (self.stop_ms - self.start_ms) / 2


class RateProfile(Protocol):
    """What sessions, terms and the ceiling check need from a profile."""

    @property
    def zone_name(self) -> str: ...

    #: True when the profile is linear between its breakpoints (exactly checkable).
    is_piecewise_linear: ClassVar[bool]

    def price_at(self, t_ms: int) -> Fraction: ...
    def integral(self, start_ms: int, stop_ms: int) -> Fraction: ...
    def breakpoints(self, start_ms: int, stop_ms: int) -> list[int]: ...
    def bounds(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]: ...
    def ends(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]: ...


def cost_exact(profile: RateProfile, energy_mwh: int, start_ms: int, stop_ms: int) -> Fraction:
    """Exact cost in msat of ``energy_mwh`` delivered over [start_ms, stop_ms)."""
    if stop_ms < start_ms:
        raise ValueError(f"interval ends before it starts: {start_ms} > {stop_ms}")
    if energy_mwh == 0:
        return Fraction(0)
    if stop_ms == start_ms:
        return energy_mwh * profile.price_at(start_ms) / MWH_PER_KWH
    return energy_mwh * profile.integral(start_ms, stop_ms) / (MWH_PER_KWH * (stop_ms - start_ms))


def cost(profile: RateProfile, energy_mwh: int, start_ms: int, stop_ms: int) -> Msat:
    """:func:`cost_exact` rounded down to a whole millisatoshi."""
    return floor_msat(cost_exact(profile, energy_mwh, start_ms, stop_ms))


def floor_msat(amount: Fraction) -> Msat:
    """The rounding rule: an exact amount becomes whole msat by rounding toward -inf."""
    return Msat(amount.numerator // amount.denominator)


def mean_price(profile: RateProfile, start_ms: int, stop_ms: int) -> Fraction:
    if stop_ms <= start_ms:
        return profile.price_at(start_ms)
    return profile.integral(start_ms, stop_ms) / (stop_ms - start_ms)


def check_zone(name: str) -> None:
    try:
        zone(name)
    except Exception as exc:  # zoneinfo raises several types for a bad key
        raise ProfileError(
            f"Unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'."
        ) from exc


def _check_price(value: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProfileError(f"{field} must be a whole number of msat per kWh, >= 0; got {value!r}")


class _PiecewiseLinear:
    """Shared behaviour of the kinds that are linear between breakpoints."""

    is_piecewise_linear: ClassVar[bool] = True

    def pieces(self, start_ms: int, stop_ms: int) -> list[LinearPiece]:
        raise NotImplementedError

    def price_at(self, t_ms: int) -> Fraction:
        return _price_at(self, t_ms)

    def integral(self, start_ms: int, stop_ms: int) -> Fraction:
        return sum((p.integral() for p in self.pieces(start_ms, stop_ms)), Fraction(0))

    def breakpoints(self, start_ms: int, stop_ms: int) -> list[int]:
        pieces = self.pieces(start_ms, stop_ms)
        return [p.start_ms for p in pieces] + [stop_ms]

    def ends(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]:
        """Price at start and its limit just before stop, for [start, stop) inside one
        piece."""
        piece = self.pieces(start_ms, stop_ms)[0]
        return piece.price_start, piece.price_stop

    def bounds(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]:
        values = [v for p in self.pieces(start_ms, stop_ms) for v in (p.price_start, p.price_stop)]
        return min(values), max(values)


def linear_pieces(profile: RateProfile, start_ms: int, stop_ms: int) -> list[LinearPiece] | None:
    """The pieces of a piecewise-linear profile over [start, stop) in one pass (what
    ``breakpoints`` and ``ends`` would give piece by piece); None for a continuous one."""
    if isinstance(profile, _PiecewiseLinear):
        return profile.pieces(start_ms, stop_ms)
    return None


@lru_cache(maxsize=1024)
def _price_at(profile: _PiecewiseLinear, t_ms: int) -> Fraction:
    """Cached: both sessions ask for the price at the same instants several times."""
    return profile.pieces(t_ms, t_ms + 1)[0].price_start


@dataclass(frozen=True, slots=True)
class ConstantProfile(_PiecewiseLinear):
    price_msat_per_kwh: MsatPerKwh
    zone_name: str = "UTC"

    def __post_init__(self) -> None:
        _check_price(self.price_msat_per_kwh, "price_msat_per_kwh")
        check_zone(self.zone_name)

    def pieces(self, start_ms: int, stop_ms: int) -> list[LinearPiece]:
        price = Fraction(self.price_msat_per_kwh)
        return [LinearPiece(start_ms, stop_ms, price, price)]


@dataclass(frozen=True, slots=True)
class DailyKnot:
    """The price at one local time of day (minutes after local midnight)."""

    minute_of_day: int
    price_msat_per_kwh: MsatPerKwh


@dataclass(frozen=True, slots=True)
class DailyTableProfile(_PiecewiseLinear):
    """Knots sorted by time of day; the price between two knots is interpolated
    linearly in local time, and from the last knot to the first of the next day."""

    knots: tuple[DailyKnot, ...]
    zone_name: str
    #: Each knot's milliseconds after local midnight (derived, for bisection).
    _knot_ms: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        check_zone(self.zone_name)
        if not self.knots:
            raise ProfileError("A daily table needs at least one knot (time of day -> price).")
        knot_ms = tuple(k.minute_of_day * _MS_PER_MINUTE for k in self.knots)
        object.__setattr__(self, "_knot_ms", knot_ms)
        minutes = [k.minute_of_day for k in self.knots]
        if minutes != sorted(set(minutes)):
            raise ProfileError(
                f"Daily table knots must be in increasing time of day, once each; got {minutes}."
            )
        for knot in self.knots:
            if not 0 <= knot.minute_of_day < MINUTES_PER_DAY:
                raise ProfileError(
                    f"A knot's minute_of_day must be in 0..1439; got {knot.minute_of_day}."
                )
            _check_price(knot.price_msat_per_kwh, "knot price_msat_per_kwh")

    def pieces(self, start_ms: int, stop_ms: int) -> list[LinearPiece]:
        # Knot i of day d lies at d * MS_PER_DAY + knot_ms[i] local time. Only the knots
        # around [start, stop) are visited (found by bisection), not every knot of the
        # days around it: a demo table has 480 knots, and sessions ask for the price
        # several times a tick (issue 17).
        knot_ms, count = self._knot_ms, len(self.knots)
        out: list[LinearPiece] = []
        for run_start, run_stop, offset in offset_runs(self.zone_name, start_ms, stop_ms):
            day, into_day = divmod(run_start + offset, MS_PER_DAY)
            index = day * count + bisect.bisect_right(knot_ms, into_day) - 1
            a = self._mark(index, offset)
            while a < run_stop:
                b = self._mark(index + 1, offset)
                lo, hi = max(a, run_start), min(b, run_stop)
                if lo < hi:
                    price_a = self.knots[index % count].price_msat_per_kwh
                    price_b = self.knots[(index + 1) % count].price_msat_per_kwh
                    slope = Fraction(price_b - price_a, b - a)
                    out.append(
                        LinearPiece(lo, hi, price_a + slope * (lo - a), price_a + slope * (hi - a))
                    )
                index, a = index + 1, b
        return out

    def _mark(self, index: int, offset: int) -> int:
        """The UTC time of the ``index``-th knot counted from the epoch's local midnight."""
        day, knot = divmod(index, len(self.knots))
        return day * MS_PER_DAY + self._knot_ms[knot] - offset

    def price_at(self, t_ms: int) -> Fraction:
        # Not through the shared cache: hashing 480 knots costs more than the answer.
        return self.pieces(t_ms, t_ms + 1)[0].price_start


@dataclass(frozen=True, slots=True)
class TimeOfUseBlock:
    """A fixed price on the weekdays in ``weekday_mask`` (bit 0 Monday .. bit 6 Sunday)
    from ``start_minute`` to ``stop_minute`` (exclusive; 1440 is midnight) local time."""

    weekday_mask: int
    start_minute: int
    stop_minute: int
    price_msat_per_kwh: MsatPerKwh

    def covers(self, weekday: int, minute: int) -> bool:
        return bool(self.weekday_mask >> weekday & 1) and (
            self.start_minute <= minute < self.stop_minute
        )


@dataclass(frozen=True, slots=True)
class TimeOfUseProfile(_PiecewiseLinear):
    """Blocks of constant price; where blocks overlap the first listed wins, and outside
    every block the ``default_msat_per_kwh`` applies."""

    blocks: tuple[TimeOfUseBlock, ...]
    default_msat_per_kwh: MsatPerKwh
    zone_name: str

    def __post_init__(self) -> None:
        check_zone(self.zone_name)
        _check_price(self.default_msat_per_kwh, "default_msat_per_kwh")
        for block in self.blocks:
            _check_price(block.price_msat_per_kwh, "block price_msat_per_kwh")
            if not 0 < block.weekday_mask < 128:
                raise ProfileError(
                    f"weekday_mask must have bits 0 (Monday) to 6 (Sunday); got "
                    f"{block.weekday_mask}."
                )
            if not 0 <= block.start_minute < block.stop_minute <= MINUTES_PER_DAY:
                raise ProfileError(
                    "A block needs 0 <= start_minute < stop_minute <= 1440; got "
                    f"{block.start_minute}..{block.stop_minute}."
                )

    def _price(self, weekday: int, minute: int) -> int:
        for block in self.blocks:
            if block.covers(weekday, minute):
                return block.price_msat_per_kwh
        return self.default_msat_per_kwh

    def pieces(self, start_ms: int, stop_ms: int) -> list[LinearPiece]:
        edges = sorted(
            {0, MINUTES_PER_DAY}
            | {b.start_minute for b in self.blocks}
            | {b.stop_minute for b in self.blocks}
        )
        out: list[LinearPiece] = []
        for run_start, run_stop, offset in offset_runs(self.zone_name, start_ms, stop_ms):
            for day in range(
                (run_start + offset) // MS_PER_DAY, (run_stop + offset) // MS_PER_DAY + 1
            ):
                weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
                for m0, m1 in itertools.pairwise(edges):
                    a = day * MS_PER_DAY + m0 * _MS_PER_MINUTE - offset
                    b = day * MS_PER_DAY + m1 * _MS_PER_MINUTE - offset
                    lo, hi = max(a, run_start), min(b, run_stop)
                    if lo < hi:
                        price = Fraction(self._price(weekday, m0))
                        if out and out[-1].stop_ms == lo and out[-1].price_stop == price:
                            out[-1] = LinearPiece(out[-1].start_ms, hi, price, price)
                        else:
                            out.append(LinearPiece(lo, hi, price, price))
        return out
