"""Times and energy are written exactly as OCMF requires, from integers, with no float."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.ocmf import ClockStatus, EnergyFormat, OcmfTime, Unit
from gridnode.ocmf.errors import OcmfMalformedError, OcmfUnknownError, OcmfValueError
from gridnode.ocmf.values import whole_mwh
from tests.support.ocmf.helpers import T0_MS


def test_time_is_written_with_comma_milliseconds_offset_and_flag() -> None:
    assert OcmfTime(T0_MS, 0, ClockStatus.SYNCHRONIZED).to_text() == (
        "2026-11-23T13:22:04,000+0000 S"
    )
    assert OcmfTime(T0_MS + 7, 120, ClockStatus.INFORMATIVE).to_text() == (
        "2026-11-23T15:22:04,007+0200 I"
    )
    assert OcmfTime(T0_MS, -330, ClockStatus.UNKNOWN).to_text() == (
        "2026-11-23T07:52:04,000-0530 U"
    )


def test_the_specification_example_time_parses() -> None:
    time = OcmfTime.parse("2018-07-24T13:22:04,000+0200 S")
    assert time.offset_minutes == 120
    assert time.status is ClockStatus.SYNCHRONIZED
    assert time.unix_ms == int(
        datetime.datetime(2018, 7, 24, 11, 22, 4, tzinfo=datetime.UTC).timestamp() * 1000
    )


def test_times_in_different_offsets_compare_by_instant() -> None:
    utc = OcmfTime.parse("2026-11-23T13:22:04,000+0000 S")
    berlin = OcmfTime.parse("2026-11-23T14:22:04,001+0100 S")
    assert utc < berlin
    assert utc.unix_ms + 1 == berlin.unix_ms


def test_from_datetime_drops_sub_millisecond_digits() -> None:
    zone = datetime.timezone(datetime.timedelta(hours=2))
    moment = datetime.datetime(2026, 11, 23, 15, 22, 4, 999_999, tzinfo=zone)
    time = OcmfTime.from_datetime(moment, ClockStatus.SYNCHRONIZED)
    assert time.to_text() == "2026-11-23T15:22:04,999+0200 S"
    with pytest.raises(OcmfValueError, match="aware datetime"):
        OcmfTime.from_datetime(moment.replace(tzinfo=None), ClockStatus.SYNCHRONIZED)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23T13:22:04.000+0000 S",  # dot, not comma
        "2026-11-23T13:22:04,000+00:00 S",  # colon in the offset
        "2026-11-23T13:22:04,000Z S",
        "2026-11-23T13:22:04,00+0000 S",  # two-digit milliseconds
        "2026-11-23T13:22:04,000+0000",  # no clock status
        "2026-11-23T13:22:04,000+0000  S",
        "2026-02-30T13:22:04,000+0000 S",  # no such day
        "2026-11-23T13:22:04,000+0060 S",  # 60 offset minutes
    ],
)
def test_malformed_times_are_refused(text: str) -> None:
    with pytest.raises(OcmfMalformedError):
        OcmfTime.parse(text)


def test_an_unknown_clock_flag_is_unknown_not_malformed() -> None:
    with pytest.raises(OcmfUnknownError, match="U \\(unknown\\)"):
        OcmfTime.parse("2026-11-23T13:22:04,000+0000 Q")


@given(
    st.integers(min_value=-62_135_596_800_000 + 10**8, max_value=253_402_300_799_000 - 10**8),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.sampled_from(ClockStatus),
)
def test_time_round_trips(unix_ms: int, offset: int, status: ClockStatus) -> None:
    time = OcmfTime(unix_ms, offset, status)
    assert OcmfTime.parse(time.to_text()) == time


@pytest.mark.parametrize(
    ("energy_mwh", "fmt", "text"),
    [
        (0, EnergyFormat(), "0.000000"),
        (1, EnergyFormat(), "0.000001"),
        (1_234_567, EnergyFormat(), "1.234567"),
        (2_935_600_000, EnergyFormat(Unit.KWH, 2), "2935.60"),
        (2_935_000_000, EnergyFormat(Unit.KWH, 0), "2935"),
        (1_234_567, EnergyFormat(Unit.WH, 3), "1234.567"),
        (5_000, EnergyFormat(Unit.WH, 0), "5"),
        (10**21 + 1, EnergyFormat(), "1000000000000000.000001"),
    ],
)
def test_energy_is_written_exactly(energy_mwh: int, fmt: EnergyFormat, text: str) -> None:
    assert fmt.to_text(energy_mwh) == text


def test_energy_a_format_cannot_write_exactly_is_refused_not_rounded() -> None:
    fmt = EnergyFormat(Unit.KWH, 3)
    assert fmt.resolution_mwh == 1_000
    with pytest.raises(OcmfValueError, match="round it first"):
        fmt.to_text(1_234_567)
    assert fmt.to_text(fmt.floor(1_234_567)) == "1.234"


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_energy_must_be_a_non_negative_integer(bad: object) -> None:
    with pytest.raises(OcmfValueError):
        EnergyFormat().to_text(bad)  # type: ignore[arg-type]  # deliberately not always an int


def test_formats_finer_than_a_milliwatt_hour_are_refused() -> None:
    with pytest.raises(OcmfValueError):
        EnergyFormat(Unit.KWH, 7)
    with pytest.raises(OcmfValueError):
        EnergyFormat(Unit.WH, 4)


@given(
    st.integers(min_value=0, max_value=10**18),
    st.sampled_from([(Unit.KWH, d) for d in range(7)] + [(Unit.WH, d) for d in range(4)]),
)
def test_energy_text_reads_back_to_the_same_mwh(
    energy_mwh: int, fmt_args: tuple[Unit, int]
) -> None:
    from decimal import Decimal

    fmt = EnergyFormat(*fmt_args)
    exact = fmt.floor(energy_mwh)
    assert whole_mwh(Decimal(fmt.to_text(exact)), fmt.unit) == exact
