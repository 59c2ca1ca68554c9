"""The one set of unit parsers every configuration file is read with.

People write durations in seconds, voltages in volts, currents in amperes and times of
day as "HH:MM"; the engine wants milliseconds, milli-units and minutes after midnight.
Every conversion is exact: numbers and decimal strings go through :class:`Decimal`
(a TOML float by its shortest repr, so ``0.1`` is one tenth), never through float
arithmetic, and a value that does not convert exactly is a mistake, not a rounding.

Time of day, decided once for every file (docs/config.md, "Times of day"):

- ``"HH:MM"`` on a 24-hour clock, one or two digits for the hour, two for the minutes;
  it is read as minutes after local midnight.
- ``"00:00"`` is 0: the midnight that *starts* the day. ``"24:00"`` is 1440: the
  midnight that *ends* it, and nothing after it exists ("24:30" is a mistake).
- ``"24:00"`` is accepted only where an end of day makes sense (``end_of_day=True``):
  the end of a time-of-use block (``to``) and a load's deadline (``need_by``). Where a
  point in the day starts something (a daily knot, a block's ``from``) it is refused
  with a sentence saying to write ``"00:00"``.

Weekdays are three-letter English names, a list with commas and ranges (``"mon-fri"``,
``"sat,sun"``, ``"fri-mon"`` wraps over the week-end); bit 0 of the mask is Monday.

Each parser has a pure form that raises :class:`UnitError` with a phrase, and a
``Table`` form that records one sentence naming the key and returns a placeholder so
the reading goes on.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from gridnode.config.reader import Table

#: Minutes in a day: "24:00".
END_OF_DAY_MINUTE = 1_440
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^(\d{1,2}):(\d\d)$")


class UnitError(ValueError):
    """A value that does not convert; the message is a phrase to follow the key's name."""


# -- pure parsers ---------------------------------------------------------------------------
def parse_decimal(raw: object) -> Decimal:
    """A finite number from a TOML integer, float or decimal string."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise UnitError(f"must be a number, not {raw!r}")
    text = repr(raw) if isinstance(raw, float) else str(raw).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UnitError(f"must be a number, not {raw!r}") from None
    if not value.is_finite():
        raise UnitError(f"must be a finite number, not {raw!r}")
    return value


def to_milli(value: Decimal, raw: object = None) -> int:
    """``value`` times 1000, exactly: more than three decimals is a mistake."""
    milli = value * 1000
    if milli != milli.to_integral_value():
        shown = value if raw is None else raw
        raise UnitError(f"has more than three decimals ({shown!r}); 0.001 is the finest step")
    return int(milli)


def parse_seconds_ms(raw: object) -> int:
    """Seconds (a whole or decimal number) as whole milliseconds."""
    return to_milli(parse_decimal(raw), raw)


def parse_milli(raw: object) -> int:
    """Volts or amperes (a whole or decimal number) as millivolts or milliamperes."""
    return to_milli(parse_decimal(raw), raw)


def parse_time_of_day(raw: object, *, end_of_day: bool = False) -> int:
    """ "HH:MM" as minutes after local midnight: "00:00" is 0; "24:00" is 1440, accepted
    only with ``end_of_day`` (module docstring)."""
    last = '"24:00"' if end_of_day else '"23:59"'
    match = _CLOCK.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise UnitError(f'must be a local time like "06:30", from "00:00" to {last}, not {raw!r}')
    hours, minutes = int(match.group(1)), int(match.group(2))
    minute = hours * 60 + minutes
    if minutes >= 60 or minute > END_OF_DAY_MINUTE:
        raise UnitError(f'must be a local time like "06:30", from "00:00" to {last}, not {raw!r}')
    if minute == END_OF_DAY_MINUTE and not end_of_day:
        raise UnitError(
            'is "24:00", the end of a day; a point in the day that starts something is '
            '"00:00" at midnight'
        )
    return minute


def parse_weekdays(raw: object) -> int:
    """Days like "mon-fri" or "sat,sun" as a bit mask (bit 0 is Monday)."""
    if not isinstance(raw, str):
        raise UnitError(f'must be days like "mon-fri" or "sat,sun", not {raw!r}')
    mask = 0
    for part in filter(None, (p.strip().lower() for p in raw.split(","))):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise UnitError(f"has {part!r}, which is not a day like mon or a range like mon-fri")
        a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        for day in range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]:
            mask |= 1 << day
    if not mask:
        raise UnitError('names no day; write days like "mon-fri" or "sat,sun"')
    return mask


# -- the same, read from a table ------------------------------------------------------------
def _raw(table: Table, key: str) -> object:
    """The raw value of ``key``, marked as read; a missing key is reported by ``get``."""
    table.get(key, object)
    return table.doc.get(key)


def decimal_of(table: Table, key: str, default: Decimal | None = None) -> Decimal:
    """A decimal number; a missing key is the default, or a problem without one."""
    if not table.has(key) and default is not None:
        table.get(key, object, "")  # marks the key as read
        return default
    raw = _raw(table, key)
    if raw is None:
        return Decimal(0)
    try:
        return parse_decimal(raw)
    except UnitError as exc:
        table.problems.add(f"{table.name(key)} {exc}")
        return Decimal(0)


def seconds_ms(table: Table, key: str, default_ms: int | None = None) -> int:
    """A duration written in (decimal) seconds, as whole milliseconds."""
    if not table.has(key) and default_ms is not None:
        table.get(key, object, "")
        return default_ms
    raw = _raw(table, key)
    if raw is None:
        return 0
    try:
        return parse_seconds_ms(raw)
    except UnitError as exc:
        table.problems.add(f"{table.name(key)} {exc}")
        return 0


def milli(table: Table, key: str) -> int:
    """Volts or amperes written as a decimal (string or number), as milli-units."""
    raw = _raw(table, key)
    if raw is None:
        return 0
    try:
        return parse_milli(raw)
    except UnitError as exc:
        table.problems.add(f"{table.name(key)} {exc}")
        return 0


def time_of_day(table: Table, raw: object, where: str, *, end_of_day: bool = False) -> int:
    """``raw`` (read from ``table`` under ``where``) as minutes after midnight."""
    try:
        return parse_time_of_day(raw, end_of_day=end_of_day)
    except UnitError as exc:
        table.problems.add(f"{table.name(where)} {exc}")
        return 0


def weekdays(table: Table, key: str) -> int:
    """The days of ``key`` as a bit mask."""
    raw = table.get(key, str, hint='like "mon-fri" or "sat,sun"')
    if not table.has(key) or not isinstance(table.doc.get(key), str):
        return 0  # reported by get
    try:
        return parse_weekdays(raw)
    except UnitError as exc:
        table.problems.add(f"{table.name(key)} {exc}")
        return 0


def positive_ms(table: Table, key: str, default_ms: int | None = None) -> int:
    """Seconds above 0, as milliseconds."""
    value = seconds_ms(table, key, default_ms)
    if table.has(key) and value <= 0 and _is_number(table.doc[key]):
        table.problems.add(f"{table.name(key)} must be above 0 seconds, not {table.doc[key]!r}")
    return value


def at_least_zero_ms(table: Table, key: str, default_ms: int, why: str = "") -> int:
    """Seconds, 0 or more, as milliseconds; ``why`` ends the sentence of a negative one."""
    value = seconds_ms(table, key, default_ms)
    if value < 0:
        because = f": {why}" if why else ""
        table.problems.add(f"{table.name(key)} must be 0 or more, not {table.doc[key]!r}{because}")
    return value


def at_least_zero(table: Table, key: str, default: int | None = None, why: str = "") -> int:
    """A whole number, 0 or more; ``why`` ends the sentence of a negative one."""
    value = table.get(key, int, default)
    if value < 0:
        because = f": {why}" if why else ""
        table.problems.add(f"{table.name(key)} must be 0 or more, not {value}{because}")
    return value


def shown_milli(milli: int) -> str:
    """Milli-units in whole units, exactly (230000 -> "230", 7500 -> "7.5")."""
    if milli % 1000 == 0:
        return str(milli // 1000)
    return f"{Decimal(milli) / 1000:f}".rstrip("0")


def _is_number(raw: object) -> bool:
    """True when ``raw`` converts (a value that does not is reported already)."""
    try:
        parse_decimal(raw)
    except UnitError:
        return False
    return True
