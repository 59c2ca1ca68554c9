"""The estate market's next best seller on the feed (docs/market.md): an optional key of
a version 1 message, so a load agent that does not know it reads the message as before."""

from __future__ import annotations

import json

import pytest

from gridnode.ratefeed.message import (
    TOPIC,
    MalformedRateMessageError,
    NextBest,
    RateMessage,
    decode,
)
from gridnode.ratefeed.state import FeedState, NextBestState, build_message
from gridnode.ratefeed.view import feed_state
from gridnode.snapshot import NodeSnapshot, SessionView, Terms
from gridnode.trade.profiles import ConstantProfile, DailyKnot, DailyTableProfile
from gridnode.trade.units import MsatPerKwh

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
MINUTE = 60_000
ACTIVE, OTHER = "ab" * 32, "cd" * 32
FLAT = ConstantProfile(MsatPerKwh(180_000))
RISING = DailyTableProfile(
    (DailyKnot(0, MsatPerKwh(100_000)), DailyKnot(10, MsatPerKwh(240_000))), "UTC"
)


def _message(next_best: NextBest | None) -> RateMessage:
    return RateMessage(
        3, T0, 180_000, "receiving", ACTIVE, T0 + MINUTE, ((T0, 180_000),), next_best
    )


def test_the_next_best_round_trips() -> None:
    nxt = NextBest(
        "roof", OTHER, 100_000, 2_712, T0 + MINUTE, ((T0, 100_000), (T0 + MINUTE, 114_000))
    )
    assert decode(_message(nxt).encode()).next_best == nxt


def test_without_a_next_best_the_message_is_the_version_1_message_of_before() -> None:
    frames = _message(None).encode()
    doc = json.loads(frames[1])
    assert doc["v"] == 1
    assert "next_best" not in doc
    assert decode(frames).next_best is None


def test_a_reader_of_version_1_ignores_the_next_best() -> None:
    """What an older agent reads of a message with a next best: the same fields; the
    decoder reads the keys it knows and the version stays 1."""
    nxt = NextBest("roof", OTHER, 100_000, None, T0 + MINUTE, ())
    doc = json.loads(_message(nxt).encode()[1])
    assert doc["v"] == 1
    assert doc["next_best"]["name"] == "roof"
    del doc["next_best"]
    assert decode([TOPIC, json.dumps(doc).encode()]) == _message(None)


@pytest.mark.parametrize(
    "value",
    [[], {"name": 1, "seller": OTHER}, {"name": "roof", "seller": OTHER, "rate_msat_per_kwh": -1}],
)
def test_a_malformed_next_best_is_refused_with_a_reason(value: object) -> None:
    doc = json.loads(_message(None).encode()[1])
    doc["next_best"] = value
    with pytest.raises(MalformedRateMessageError, match="next_best"):
        decode([TOPIC, json.dumps(doc).encode()])


def test_the_next_best_rate_is_its_offer_now_and_its_forecast_runs_to_the_offer_end() -> None:
    state = FeedState(
        180_000,
        "receiving",
        ACTIVE,
        FLAT,
        T0 + MINUTE,
        NextBestState("roof", OTHER, -40, RISING, T0 + 2 * MINUTE),
    )
    message = build_message(1, T0 + MINUTE, state)
    assert message.next_best is not None
    assert message.next_best.rate_msat_per_kwh == 114_000  # 100 + 140 / 10 sat a minute
    assert message.next_best.score_msat == -40  # its premium outweighs its cost
    assert message.next_best.forecast == ((T0 + MINUTE, 114_000), (T0 + 2 * MINUTE, 128_000))


def _view(name: str, fpr: str, market: str, terms: Terms | None, **kw: object) -> SessionView:
    return SessionView(
        name,
        fpr,
        True,
        "buyer-meter",
        "waiting for an offer",
        market=market,
        market_offer=terms,
        **kw,  # type: ignore[arg-type]
    )


def test_the_feed_reads_the_next_best_from_the_snapshot() -> None:
    held = Terms(T0, T0 + MINUTE, 3_680_000, RISING)
    other = _view("roof", OTHER, "next best", held, market_score_msat=2_712)
    active = SessionView(
        "grid",
        ACTIVE,
        True,
        "buyer-meter",
        "receiving",
        session_id="s1",
        rate_msat_per_kwh=180_000,
        terms=Terms(T0, T0 + MINUTE, 3_680_000, FLAT),
        market="active",
        market_offer=Terms(T0, T0 + MINUTE, 3_680_000, FLAT),
    )
    snapshot = NodeSnapshot("buyer", "ef" * 32, T0, True, False, "ledger", (active, other))
    state = feed_state(snapshot)
    assert (state.seller, state.rate_msat_per_kwh) == (ACTIVE, 180_000)
    assert state.next_best == NextBestState("roof", OTHER, 2_712, RISING, T0 + MINUTE)
    alone = NodeSnapshot("buyer", "ef" * 32, T0, True, False, "ledger", (active,))
    assert feed_state(alone).next_best is None
