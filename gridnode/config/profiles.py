"""A rate profile table (``[terms.profile]``, ``[limits.ceiling]``) read into the trade
engine's profile types, every rule checked first under the keys the person wrote.

.. code-block:: toml

    [terms.profile]
    kind = "time_of_use"             # constant | daily | sinusoid | time_of_use
    zone = "Europe/Berlin"           # an IANA zone: both nodes agree on local time
    default_msat_per_kwh = 300000
    blocks = [{ days = "mon-fri", from = "17:00", to = "21:00", price_msat_per_kwh = 450000 }]

Times of day follow the one rule of :mod:`gridnode.config.units`: a knot and a block's
``from`` are "00:00" to "23:59"; a block's ``to`` may be "24:00", the end of the day.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from gridnode.config import units
from gridnode.config.reader import Table
from gridnode.trade.errors import ProfileError, TermsError
from gridnode.trade.profiles import (
    ConstantProfile,
    DailyKnot,
    DailyTableProfile,
    RateProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.units import MsatPerKwh

T = TypeVar("T")
KINDS = ("constant", "daily", "sinusoid", "time_of_use")


def build(table: Table, what: str, make: Callable[[], T], *, since: int) -> T | None:
    """Construct a trade-engine value once its fields were read.

    Nothing is built when reading found a mistake after ``since`` (the count of
    ``table.problems`` before the value's fields were read): the value would only repeat
    it. The engine's own consistency rules are checked by the readers first, under the
    person's keys, so an error here is a rule they missed, reported with the table's
    name.
    """
    if len(table.problems.items) > since:
        return None
    try:
        return make()
    except (TermsError, ProfileError) as exc:
        table.problems.add(f"[{table.path}] {what}: {exc}")
        return None


def read_profile(table: Table) -> RateProfile | None:
    """The profile of ``table`` (``kind`` picks which)."""
    before = len(table.problems.items)
    kind = table.choice("kind", KINDS)
    zone = read_zone(table)
    readers: dict[str, Callable[[], Callable[[], RateProfile]]] = {
        "constant": lambda: _constant(table, zone),
        "daily": lambda: _daily(table, zone),
        "sinusoid": lambda: _sinusoid(table, zone),
        "time_of_use": lambda: _time_of_use(table, zone),
    }
    make = readers[kind]() if kind in readers else None
    table.unknown_keys()
    if make is None:
        return None
    return build(table, "rate profile", make, since=before)


def read_zone(table: Table, key: str = "zone") -> str:
    """An IANA time zone name (default UTC)."""
    zone = table.get(key, str, "UTC")
    try:
        ZoneInfo(zone)
    except Exception:  # zoneinfo raises several types for a bad key
        table.problems.add(
            f"{table.name(key)}: {zone!r} is not an IANA time zone like 'Europe/Berlin' or 'UTC'"
        )
    return zone


def _constant(table: Table, zone: str) -> Callable[[], RateProfile]:
    price = MsatPerKwh(table.positive("price_msat_per_kwh"))
    return lambda: ConstantProfile(price, zone)


def _daily(table: Table, zone: str) -> Callable[[], RateProfile]:
    knots = _knots(table)
    return lambda: DailyTableProfile(knots, zone)


def _sinusoid(table: Table, zone: str) -> Callable[[], RateProfile]:
    mean = table.positive("mean_msat_per_kwh")
    day = _not_negative(table, "day_amplitude_msat_per_kwh")
    year = _not_negative(table, "year_amplitude_msat_per_kwh")
    day_phase_ms = units.seconds_ms(table, "day_phase_s", 0)
    year_phase_ms = units.seconds_ms(table, "year_phase_s", 0)
    if day + year > mean > 0:
        table.problems.add(
            f"{table.name('day_amplitude_msat_per_kwh')} + year_amplitude_msat_per_kwh "
            f"({day + year}) is more than mean_msat_per_kwh ({mean}), so the price would go "
            "negative; lower the amplitudes or raise the mean"
        )
    return lambda: SinusoidProfile(
        mean_msat_per_kwh=MsatPerKwh(mean),
        day_amplitude_msat_per_kwh=MsatPerKwh(day),
        day_phase_ms=day_phase_ms,
        year_amplitude_msat_per_kwh=MsatPerKwh(year),
        year_phase_ms=year_phase_ms,
        zone_name=zone,
    )


def _time_of_use(table: Table, zone: str) -> Callable[[], RateProfile]:
    blocks = _blocks(table)
    default = MsatPerKwh(table.positive("default_msat_per_kwh"))
    return lambda: TimeOfUseProfile(blocks, default, zone)


def _not_negative(table: Table, key: str) -> int:
    value = table.get(key, int, 0)
    if value < 0:
        table.problems.add(f"{table.name(key)} must be 0 or more, not {value}")
    return value


def _knots(table: Table) -> tuple[DailyKnot, ...]:
    knots = table.get("knots", list, hint='a list like [["06:00", 25000000], ["18:00", 40000000]]')
    if table.has("knots") and isinstance(table.doc.get("knots"), list) and not knots:
        table.problems.add(
            f'{table.name("knots")} is empty; give at least one ["HH:MM", price_msat_per_kwh]'
        )
    out: list[DailyKnot] = []
    previous: tuple[int, str] | None = None
    for i, knot in enumerate(knots):
        where = f"knots[{i}]"
        if not (
            isinstance(knot, list)
            and len(knot) == 2
            and isinstance(knot[1], int)
            and not isinstance(knot[1], bool)
        ):
            table.problems.add(f'{table.name(where)} must be ["HH:MM", price_msat_per_kwh]')
            continue
        if knot[1] < 0:
            table.problems.add(f"{table.name(where)}: the price must be 0 or more, not {knot[1]}")
        before = len(table.problems.items)
        minute = units.time_of_day(table, knot[0], where)
        if len(table.problems.items) > before:
            continue
        if previous is not None and minute <= previous[0]:
            table.problems.add(
                f"{table.name('knots')} must be in increasing time of day, each time once: "
                f"{knot[0]!r} does not come after {previous[1]!r}"
            )
        previous = (minute, str(knot[0]))
        out.append(DailyKnot(minute, MsatPerKwh(knot[1])))
    return tuple(out)


def _blocks(table: Table) -> tuple[TimeOfUseBlock, ...]:
    blocks: list[TimeOfUseBlock] = []
    for block in table.tables("blocks"):
        mask = units.weekdays(block, "days")
        start_text = block.get("from", str, hint='a local time like "17:00"')
        stop_text = block.get("to", str, hint='a local time like "21:00", or "24:00"')
        before = len(block.problems.items)
        start = stop = -1
        if isinstance(block.doc.get("from"), str):
            start = units.time_of_day(block, start_text, "from")
        if isinstance(block.doc.get("to"), str):
            stop = units.time_of_day(block, stop_text, "to", end_of_day=True)
        if len(block.problems.items) == before and min(start, stop) >= 0 and start >= stop:
            block.problems.add(
                f"{block.path}: from {start_text!r} must come before to {stop_text!r}; a block "
                'that runs to midnight ends at "24:00", and one across midnight is two blocks'
            )
        price = MsatPerKwh(block.positive("price_msat_per_kwh"))
        block.unknown_keys()
        blocks.append(TimeOfUseBlock(mask, max(start, 0), max(stop, 0), price))
    return tuple(blocks)
