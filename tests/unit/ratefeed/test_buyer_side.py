"""The buyer's side of the feed: its [rate_feed_curve] settings and what it publishes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import BuyerSettings, BuyingSettings, load_settings
from gridnode.ratefeed.buyer import buyer_feed_state
from gridnode.ratefeed.keys import new_pair, write_pair
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.states import BuyerState
from gridnode.trade.units import MsatPerKwh
from tests.support.node_config import BUYER, write


def _buyer(tmp_path: Path, extra: str) -> Path:
    return write(tmp_path, extra + BUYER)


def _buying(path: Path) -> BuyingSettings:
    settings = load_settings(path, env={})
    assert isinstance(settings, BuyerSettings)
    return settings.buying


def test_the_default_feed_is_loopback_without_curve(tmp_path: Path) -> None:
    settings = _buying(_buyer(tmp_path, ""))
    assert settings.rate_feed == "tcp://127.0.0.1:5556"
    assert settings.rate_feed_curve is None


def test_curve_keys_and_allow_list_from_files(tmp_path: Path) -> None:
    feed, agent = new_pair(), new_pair()
    write_pair(feed, tmp_path, "feed")
    write_pair(agent, tmp_path, "loads")
    other = new_pair().public
    extra = (
        'rate_feed = "tcp://0.0.0.0:5556"\n'
        f'rate_feed_curve = {{ secret_key = "feed.key_secret", '
        f'allowed_clients = ["loads.key", "{other}"] }}\n'
    )
    curve = _buying(_buyer(tmp_path, extra)).rate_feed_curve
    assert curve is not None
    assert curve.pair == feed
    assert curve.allowed == {agent.public, other}


@pytest.mark.parametrize(
    ("table", "sentence"),
    [
        ('{ secret_key = "nope.key_secret", allowed_clients = ["x"] }', "cannot read"),
        ('{ secret_key = "feed.key_secret", allowed_clients = [] }', "allowed_clients is empty"),
        ('{ allowed_clients = ["loads.key"] }', "rate_feed_curve.secret_key is missing"),
        ('{ secret_key = "feed.key_secret", allowed_clients = ["loads.key"], x = 1 }', "x is not"),
    ],
)
def test_bad_curve_settings_are_one_sentence(tmp_path: Path, table: str, sentence: str) -> None:
    write_pair(new_pair(), tmp_path, "feed")
    write_pair(new_pair(), tmp_path, "loads")
    with pytest.raises(ConfigError) as caught:
        load_settings(_buyer(tmp_path, f"rate_feed_curve = {table}\n"), env={})
    assert any(sentence in p for p in caught.value.problems), caught.value.problems


def _node(session: Any, rate: int | None = 150_000) -> Any:
    return SimpleNamespace(
        session=session,
        peer=SimpleNamespace(fingerprint="cd" * 32),
        rates=SimpleNamespace(rate_msat_per_kwh=rate),
    )


def test_the_buyer_publishes_its_session_rate_state_and_offer() -> None:
    offer = SimpleNamespace(profile=ConstantProfile(MsatPerKwh(150_000)), stop_ms=5_000)
    session = SimpleNamespace(offer=offer, state=BuyerState.RECEIVING)
    state = buyer_feed_state(_node(session))
    assert state.key() == (150_000, "receiving", "cd" * 32, 5_000)
    assert state.profile is offer.profile


def test_no_session_or_a_closed_one_publishes_no_price() -> None:
    assert buyer_feed_state(_node(None)).key() == (None, "none", "cd" * 32, None)
    offer = SimpleNamespace(profile=ConstantProfile(MsatPerKwh(1)), stop_ms=5_000)
    closed = SimpleNamespace(offer=offer, state=BuyerState.CLOSED)
    assert buyer_feed_state(_node(closed)).rate_msat_per_kwh is None
    waiting = SimpleNamespace(offer=None, state=BuyerState.AWAITING_OFFER)
    assert buyer_feed_state(_node(waiting)).key()[:2] == (None, "awaiting_offer")
