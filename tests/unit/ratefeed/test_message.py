"""The feed message and its forecast: pure, no sockets."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridnode.ratefeed.message import (
    TOPIC,
    MalformedRateMessageError,
    RateMessage,
    decode,
    forecast,
    iso_utc,
    parse_iso_ms,
)
from gridnode.ratefeed.state import FeedState, Forecasts, build_message
from gridnode.trade.profiles import (
    ConstantProfile,
    DailyKnot,
    DailyTableProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.units import MsatPerKwh

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
HOUR = 3_600_000


def _linear_at(points: list[tuple[int, int]], t: int) -> Fraction:
    """The price the points describe at ``t`` (the value from then on at a jump)."""
    for (a, pa), (b, pb) in itertools.pairwise(points):
        if a <= t < b:
            return pa + Fraction(pb - pa, b - a) * (t - a)
    raise AssertionError("t outside the forecast")


def test_iso_utc_round_trips_with_milliseconds() -> None:
    assert iso_utc(T0 + 250) == "2026-01-01T00:00:00.250Z"
    assert parse_iso_ms(iso_utc(T0 + 250)) == T0 + 250


def test_constant_profile_forecast_is_two_points() -> None:
    assert forecast(ConstantProfile(MsatPerKwh(150_000)), T0, T0 + HOUR) == [
        (T0, 150_000),
        (T0 + HOUR, 150_000),
    ]


def test_time_of_use_jump_is_two_points_at_the_same_time() -> None:
    profile = TimeOfUseProfile(
        (TimeOfUseBlock(127, 60, 120, MsatPerKwh(300_000)),), MsatPerKwh(100_000), "UTC"
    )
    points = forecast(profile, T0 + HOUR // 2, T0 + 3 * HOUR)
    assert points == [
        (T0 + HOUR // 2, 100_000),
        (T0 + HOUR, 100_000),
        (T0 + HOUR, 300_000),
        (T0 + 2 * HOUR, 300_000),
        (T0 + 2 * HOUR, 100_000),
        (T0 + 3 * HOUR, 100_000),
    ]


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 1439), min_size=1, max_size=6, unique=True),
    prices=st.lists(st.integers(0, 1_000_000), min_size=6, max_size=6),
    start=st.integers(0, 86_400_000),
    length=st.integers(1, 2 * 86_400_000),
    probe=st.floats(0, 1, exclude_max=True),
)
def test_daily_table_forecast_is_the_profile_at_every_instant(
    minutes: list[int], prices: list[int], start: int, length: int, probe: float
) -> None:
    """Linear between the points, the forecast is the profile (to the msat rounding)."""
    knots = tuple(
        DailyKnot(m, MsatPerKwh(p)) for m, p in zip(sorted(minutes), prices, strict=False)
    )
    profile = DailyTableProfile(knots, "Europe/Berlin")
    points = forecast(profile, T0 + start, T0 + start + length)
    assert points[0][0] == T0 + start
    assert points[-1][0] == T0 + start + length
    t = T0 + start + int(probe * length)
    exact = profile.price_at(t)
    # each point is rounded down by < 1 msat, so the interpolation is within 1 msat
    assert abs(_linear_at(points, t) - exact) <= 1


def test_sinusoid_forecast_samples_to_the_end() -> None:
    profile = SinusoidProfile(MsatPerKwh(200_000), MsatPerKwh(50_000), 0, MsatPerKwh(0), 0, "UTC")
    points = forecast(profile, T0, T0 + 2 * HOUR)
    assert [t for t, _ in points] == [T0 + i * 300_000 for i in range(24)] + [T0 + 2 * HOUR]
    assert all(r == int(profile.price_at(t)) for t, r in points)


def test_a_day_long_sinusoid_stays_bounded() -> None:
    profile = SinusoidProfile(MsatPerKwh(200_000), MsatPerKwh(50_000), 0, MsatPerKwh(0), 0, "UTC")
    assert len(forecast(profile, T0, T0 + 30 * 86_400_000)) <= 600


def test_message_round_trips() -> None:
    state = FeedState(
        150_000, "receiving", "ab" * 32, ConstantProfile(MsatPerKwh(150_000)), T0 + HOUR
    )
    message = build_message(7, T0, state)
    frames = message.encode()
    assert frames[0] == TOPIC
    body = json.loads(frames[1])
    assert body["time"] == "2026-01-01T00:00:00.000Z"
    assert body["rate_msat_per_kwh"] == 150_000
    assert body["forecast"] == [
        ["2026-01-01T00:00:00.000Z", 150000],
        ["2026-01-01T01:00:00.000Z", 150000],
    ]
    assert decode(frames) == message


def test_no_sale_means_a_null_rate_and_no_forecast() -> None:
    message = build_message(1, T0, FeedState(None, "awaiting_offer", "ab" * 32))
    assert json.loads(message.encode()[1])["rate_msat_per_kwh"] is None
    assert decode(message.encode()).forecast == ()


def _body(**change: object) -> list[bytes]:
    good = RateMessage(1, T0, 5, "receiving", "s", T0 + HOUR, ((T0, 5), (T0 + HOUR, 5)))
    doc = json.loads(good.encode()[1])
    doc.update(change)
    return [TOPIC, json.dumps(doc).encode()]


@pytest.mark.parametrize(
    "frames",
    [
        [TOPIC],
        [b"other", b"{}"],
        [TOPIC, b"not json"],
        [TOPIC, b"\xff\xfe"],
        [TOPIC, b"[1, 2]"],
        _body(v=2),
        _body(rate_msat_per_kwh=-1),
        _body(rate_msat_per_kwh=1.5),
        _body(rate_msat_per_kwh=True),
        _body(time="yesterday"),
        _body(time="2026-01-01T00:00:00"),
        _body(forecast=[["2026-01-01T00:00:00Z"]]),
        _body(forecast=[["2026-01-01T01:00:00Z", 1], ["2026-01-01T00:00:00Z", 1]]),
        _body(forecast="soon"),
        _body(session_state=3),
        _body(seq=None),
    ],
)
def test_malformed_messages_are_refused_with_a_reason(frames: list[bytes]) -> None:
    with pytest.raises(MalformedRateMessageError):
        decode(frames)


def test_the_pure_modules_import_no_zmq() -> None:
    import ast
    from pathlib import Path

    import gridnode.ratefeed.message as message
    import gridnode.ratefeed.state as state

    for module in (message, state):
        tree = ast.parse(Path(str(module.__file__)).read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(n.split(".")[0] == "zmq" for n in names)


@settings(max_examples=200)
@given(
    minutes=st.lists(st.integers(0, 1439), min_size=1, max_size=8, unique=True),
    prices=st.lists(st.integers(0, 1_000_000), min_size=8, max_size=8),
    length=st.integers(1, 2 * 86_400_000),
    moves=st.lists(st.floats(0, 1.1), min_size=1, max_size=6),
    time_of_use=st.booleans(),
)
def test_a_forecast_built_once_and_cut_to_now_is_the_forecast_built_now(
    minutes: list[int], prices: list[int], length: int, moves: list[float], time_of_use: bool
) -> None:
    """The feed builds a forecast when the terms change and cuts it for each re-send."""
    marks = sorted(minutes)
    profile: DailyTableProfile | TimeOfUseProfile
    if time_of_use:
        blocks = tuple(
            TimeOfUseBlock(0b1111111, m, min(1440, m + 90), MsatPerKwh(p))
            for m, p in zip(marks, prices, strict=False)
        )
        profile = TimeOfUseProfile(blocks, MsatPerKwh(1_000), "Europe/Berlin")
    else:
        knots = tuple(DailyKnot(m, MsatPerKwh(p)) for m, p in zip(marks, prices, strict=False))
        profile = DailyTableProfile(knots, "Europe/Berlin")
    stop = T0 + length
    forecasts = Forecasts()
    assert forecasts.points(profile, T0, stop) == tuple(forecast(profile, T0, stop))
    for move in sorted(moves):
        now = T0 + int(move * length)
        assert forecasts.points(profile, now, stop) == tuple(forecast(profile, now, stop))
