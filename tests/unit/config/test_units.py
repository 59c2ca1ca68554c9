"""The one set of unit parsers: exact conversions (never floats), and one rule for a time
of day that every file follows ("00:00" starts the day, "24:00" ends it)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.config import units
from gridnode.config.loads import read_loads_settings
from gridnode.config.profiles import read_profile
from gridnode.config.reader import Problems, Table
from gridnode.loads.decide import next_deadline
from gridnode.trade.profiles import DailyTableProfile, TimeOfUseProfile


# -- time of day -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "minute"),
    [("00:00", 0), ("0:00", 0), ("06:30", 390), ("6:30", 390), ("23:59", 1439)],
)
def test_a_time_of_day_is_minutes_after_local_midnight(text: str, minute: int) -> None:
    assert units.parse_time_of_day(text) == minute
    assert units.parse_time_of_day(text, end_of_day=True) == minute


def test_00_00_starts_the_day_and_24_00_ends_it_where_a_day_may_end() -> None:
    assert units.parse_time_of_day("00:00") == 0
    assert units.parse_time_of_day("24:00", end_of_day=True) == units.END_OF_DAY_MINUTE == 1440
    with pytest.raises(units.UnitError, match=r'is "24:00", the end of a day; .* "00:00"'):
        units.parse_time_of_day("24:00")


@pytest.mark.parametrize("text", ["24:01", "24:30", "25:00", "12:60", "7", "07:5", "", "noon", 7])
def test_anything_else_is_not_a_time_of_day(text: object) -> None:
    with pytest.raises(units.UnitError, match=r'must be a local time like "06:30"'):
        units.parse_time_of_day(text, end_of_day=True)


@given(st.integers(0, 1440))
def test_every_minute_of_a_day_round_trips(minute: int) -> None:
    text = f"{minute // 60:02d}:{minute % 60:02d}"
    assert units.parse_time_of_day(text, end_of_day=True) == minute


def _profile(doc: dict[str, object]) -> tuple[object, list[str]]:
    problems = Problems("node.toml")
    return read_profile(Table(doc, "terms.profile", problems)), problems.items


def test_a_daily_knot_at_midnight_is_00_00_and_never_24_00() -> None:
    profile, problems = _profile(
        {"kind": "daily", "knots": [["00:00", 100], ["12:00", 200]], "zone": "UTC"}
    )
    assert problems == []
    assert isinstance(profile, DailyTableProfile)
    assert profile.knots[0].minute_of_day == 0
    _, problems = _profile({"kind": "daily", "knots": [["12:00", 100], ["24:00", 200]]})
    assert problems == [
        'terms.profile.knots[1] is "24:00", the end of a day; a point in the day that starts '
        'something is "00:00" at midnight'
    ]


def test_a_block_runs_to_24_00_and_one_to_00_00_is_refused_with_the_fix() -> None:
    block = {"days": "mon-sun", "from": "18:00", "to": "24:00", "price_msat_per_kwh": 5}
    doc = {"kind": "time_of_use", "default_msat_per_kwh": 3, "blocks": [block]}
    profile, problems = _profile(doc)
    assert problems == []
    assert isinstance(profile, TimeOfUseProfile)
    assert (profile.blocks[0].start_minute, profile.blocks[0].stop_minute) == (1080, 1440)
    block["to"] = "00:00"
    _, problems = _profile(doc)
    assert problems == [
        "terms.profile.blocks[0]: from '18:00' must come before to '00:00'; a block that runs "
        'to midnight ends at "24:00", and one across midnight is two blocks'
    ]


def test_a_loads_deadline_at_00_00_is_the_same_midnight_as_24_00(tmp_path: Path) -> None:
    """The loads' parser once read "00:00" as 1440; now it is 0 like everywhere, and a
    deadline is the first such time after now, so both name the coming midnight."""
    minutes = []
    for need_by in ("00:00", "24:00"):
        doc = {
            "feed": {},
            "loads": [
                {
                    "name": "boiler",
                    "relay": {"kind": "simulated"},
                    "daily_run_minutes": 60,
                    "need_by": need_by,
                }
            ],
        }
        problems = Problems("loads.toml")
        settings = read_loads_settings(doc, tmp_path, problems)
        assert problems.items == []
        assert settings is not None
        minutes.append(settings.loads[0].spec.need_by_minute)
    assert minutes == [0, 1440]
    now_ms = 1_767_268_800_000  # 2026-01-01T12:00:00Z
    assert next_deadline(now_ms, 0, "UTC") == next_deadline(now_ms, 1440, "UTC")


# -- weekdays -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("mon", 0b0000001),
        ("mon-fri", 0b0011111),
        ("sat,sun", 0b1100000),
        ("fri-mon", 0b1110001),  # wraps over the week-end
        (" Tue , thu ", 0b0001010),
    ],
)
def test_weekdays_are_a_mask_with_monday_bit_0(text: str, mask: int) -> None:
    assert units.parse_weekdays(text) == mask


@pytest.mark.parametrize("text", ["monday", "mon-xyz", "", ",", 5])
def test_anything_else_is_not_a_set_of_days(text: object) -> None:
    with pytest.raises(units.UnitError):
        units.parse_weekdays(text)


# -- seconds and milli-units --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "ms"),
    [(5, 5_000), ("2.5", 2_500), (0.1, 100), ("0.001", 1), (90.5, 90_500), ("1_000", 1_000_000)],
)
def test_seconds_become_exact_milliseconds(raw: object, ms: int) -> None:
    assert units.parse_seconds_ms(raw) == ms


@pytest.mark.parametrize(("raw", "milli"), [("230", 230_000), (230, 230_000), ("7.5", 7_500)])
def test_volts_and_amperes_become_exact_milli_units(raw: object, milli: int) -> None:
    assert units.parse_milli(raw) == milli


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ("0.0005", "more than three decimals"),
        ("five", "must be a number"),
        (True, "must be a number"),
        (float("nan"), "must be a finite number"),
        (float("inf"), "must be a finite number"),
        ([1], "must be a number"),
    ],
)
def test_a_value_that_does_not_convert_exactly_is_a_mistake(raw: object, phrase: str) -> None:
    with pytest.raises(units.UnitError, match=phrase):
        units.parse_seconds_ms(raw)


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False))
def test_three_decimals_convert_without_rounding(value: Decimal) -> None:
    assert units.parse_milli(str(value)) == int(value * 1000)


def test_a_table_reader_names_the_key_and_goes_on() -> None:
    problems = Problems("node.toml")
    table = Table({"prepayment_s": "soon", "voltage_min_v": "1.0001"}, "terms", problems)
    assert units.seconds_ms(table, "prepayment_s") == 0
    assert units.milli(table, "voltage_min_v") == 0
    assert units.seconds_ms(table, "unpaid_s", 120_000) == 120_000  # the default
    assert problems.items == [
        "terms.prepayment_s must be a number, not 'soon'",
        "terms.voltage_min_v has more than three decimals ('1.0001'); 0.001 is the finest step",
    ]


def test_milli_units_are_shown_in_whole_units_exactly() -> None:
    assert [units.shown_milli(v) for v in (230_000, 7_500, 1, -2_500)] == [
        "230",
        "7.5",
        "0.001",
        "-2.5",
    ]
