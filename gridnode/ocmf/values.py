"""Values as OCMF writes them: reading times (``TM``) and energy readings (``RV``).

Both are exact. A time is an integer count of milliseconds since the Unix epoch plus a
UTC offset in whole minutes; energy is an integer count of milliwatt-hours. Neither ever
passes through a float, so what is signed is exactly what the node measured.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from gridnode.ocmf.errors import OcmfMalformedError, OcmfUnknownError, OcmfValueError
from gridnode.ocmf.fields import ClockStatus, Unit

_EPOCH = datetime.datetime(1970, 1, 1)  # naive on purpose: offsets are applied by hand
_MINUTE = datetime.timedelta(minutes=1)
_MAX_OFFSET_MINUTES = 99 * 60 + 59  # the widest offset four digits (+HHMM) can carry
_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<hms>\d{2}:\d{2}:\d{2}),(?P<ms>\d{3})"
    r"(?P<sign>[+-])(?P<oh>\d{2})(?P<om>\d{2}) (?P<status>[A-Za-z])"
)
#: Milliwatt-hours in one of each unit.
MWH_PER_UNIT = {Unit.KWH: 1_000_000, Unit.WH: 1_000}
_MAX_DECIMALS = {Unit.KWH: 6, Unit.WH: 3}


@dataclass(frozen=True, order=True)
class OcmfTime:
    """A reading time: an instant, the UTC offset it is written in, and the clock status.

    Written as ``2026-11-23T13:22:04,000+0000 S``: comma before the milliseconds, the
    offset as +HHMM, a space, then the clock-status flag of Table 19. Ordering compares
    the instant first, so times written in different offsets compare correctly.
    """

    unix_ms: int
    offset_minutes: int = 0
    status: ClockStatus = ClockStatus.UNKNOWN

    def __post_init__(self) -> None:
        if abs(self.offset_minutes) > _MAX_OFFSET_MINUTES:
            raise OcmfValueError(
                f"A UTC offset of {self.offset_minutes} minutes cannot be written as +HHMM; "
                "use an offset within 99 hours 59 minutes (real zones are within 14 hours)."
            )
        local = self._local()
        if not 1 <= local.year <= 9999:
            raise OcmfValueError(
                f"The time {self.unix_ms} ms since 1970 falls outside the years 0001 to 9999 "
                "that OCMF's four-digit year can carry; check the clock passed in."
            )

    def _local(self) -> datetime.datetime:
        try:
            return _EPOCH + datetime.timedelta(
                milliseconds=self.unix_ms, minutes=self.offset_minutes
            )
        except OverflowError as exc:
            raise OcmfValueError(
                f"The time {self.unix_ms} ms since 1970 is out of range; check the clock."
            ) from exc

    def to_text(self) -> str:
        """The ``TM`` string."""
        local = self._local()
        sign = "-" if self.offset_minutes < 0 else "+"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        return (
            f"{local.year:04d}-{local:%m-%dT%H:%M:%S},{local.microsecond // 1000:03d}"
            f"{sign}{hours:02d}{minutes:02d} {self.status.value}"
        )

    @classmethod
    def from_datetime(cls, moment: datetime.datetime, status: ClockStatus) -> OcmfTime:
        """From an aware datetime (sub-millisecond digits are dropped, never rounded up)."""
        offset = moment.utcoffset()
        if offset is None:
            raise OcmfValueError(
                "OCMF times carry a UTC offset; pass an aware datetime (with tzinfo)."
            )
        if offset % datetime.timedelta(minutes=1):
            raise OcmfValueError("OCMF writes UTC offsets in whole minutes; this one is not.")
        utc = moment.replace(tzinfo=None) - offset
        return cls((utc - _EPOCH) // datetime.timedelta(milliseconds=1), offset // _MINUTE, status)

    @classmethod
    def parse(cls, text: str, *, field: str = "TM") -> OcmfTime:
        """Read a ``TM`` string; a malformed one and an unknown clock flag are told apart."""
        match = _TIME.fullmatch(text)
        if match is None:
            raise OcmfMalformedError(
                f"The time {text!r} is not written as OCMF requires, for example "
                "'2026-11-23T13:22:04,000+0000 S' (comma before three-digit milliseconds, "
                "offset as +HHMM, a space, then the clock status).",
                field=field,
            )
        try:
            status = ClockStatus(match["status"])
        except ValueError:
            raise OcmfUnknownError(
                f"The time {text!r} ends in clock status {match['status']!r}; OCMF defines "
                "U (unknown), I (informative), S (synchronised) and R (relative).",
                field=field,
            ) from None
        try:
            local = datetime.datetime.fromisoformat(f"{match['date']}T{match['hms']}")
        except ValueError:
            raise OcmfMalformedError(
                f"The time {text!r} names a date or time of day that does not exist.",
                field=field,
            ) from None
        offset = int(match["oh"]) * 60 + int(match["om"])
        if int(match["om"]) >= 60:
            raise OcmfMalformedError(
                f"The time {text!r} has an offset with {match['om']} minutes; "
                "minutes run from 00 to 59.",
                field=field,
            )
        if match["sign"] == "-":
            offset = -offset
        local_ms = (local - _EPOCH) // datetime.timedelta(milliseconds=1) + int(match["ms"])
        return cls(local_ms - offset * 60_000, offset, status)


@dataclass(frozen=True)
class EnergyFormat:
    """How energy in integer mWh is written as ``RV``/``RU``: a unit and fixed decimals.

    The default, kWh with six decimals, writes every mWh exactly (``12.345678``). A
    coarser format (kWh with 3 decimals, one Wh) refuses values it cannot write exactly:
    the caller rounds, on purpose, with :meth:`floor`.
    """

    unit: Unit = Unit.KWH
    decimals: int = 6

    def __post_init__(self) -> None:
        if not 0 <= self.decimals <= _MAX_DECIMALS[self.unit]:
            raise OcmfValueError(
                f"{self.unit.value} can be written with 0 to {_MAX_DECIMALS[self.unit]} "
                f"decimals from whole mWh; {self.decimals} was asked for."
            )

    @property
    def resolution_mwh(self) -> int:
        """The smallest step this format writes, in mWh."""
        step: int = MWH_PER_UNIT[self.unit] // 10**self.decimals
        return step

    def floor(self, energy_mwh: int) -> int:
        """``energy_mwh`` rounded down to this format's resolution."""
        return energy_mwh - energy_mwh % self.resolution_mwh

    def to_text(self, energy_mwh: int) -> str:
        """The exact ``RV`` number token for ``energy_mwh``."""
        if isinstance(energy_mwh, bool) or not isinstance(energy_mwh, int):
            raise OcmfValueError(
                f"Energy is written from a whole number of mWh; got {energy_mwh!r}."
            )
        if energy_mwh < 0:
            raise OcmfValueError(
                f"An energy register reading cannot be negative; got {energy_mwh} mWh."
            )
        if energy_mwh % self.resolution_mwh:
            raise OcmfValueError(
                f"{energy_mwh} mWh is not a whole number of {self.resolution_mwh} mWh steps, "
                f"so it cannot be written exactly in {self.unit.value} with {self.decimals} "
                "decimals; round it first with EnergyFormat.floor."
            )
        whole, rest = divmod(energy_mwh, MWH_PER_UNIT[self.unit])
        if not self.decimals:
            return str(whole)
        return f"{whole}.{rest // self.resolution_mwh:0{self.decimals}d}"


def value_in_mwh(value: Decimal, unit: Unit) -> Decimal:
    """A reading value converted to mWh, exactly (it may have a fraction)."""
    scaled: Decimal = value.scaleb({Unit.KWH: 6, Unit.WH: 3}[unit])
    return scaled


def whole_mwh(value: Decimal, unit: Unit) -> int | None:
    """The value in mWh when it is a whole number of mWh, otherwise None."""
    scaled = value_in_mwh(value, unit)
    if scaled != scaled.to_integral_value():
        return None
    whole: int = int(scaled)
    return whole
