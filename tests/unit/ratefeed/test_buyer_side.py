"""The buyer's side of the feed: its [rate_feed_curve] settings and what it publishes,
read from the node's snapshot (the feed imports no node class)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import BuyerSettings, BuyingSettings, load_settings
from gridnode.ratefeed.keys import new_pair, write_pair
from gridnode.ratefeed.view import feed_state
from gridnode.snapshot import NodeSnapshot, SessionView, Terms
from gridnode.trade.profiles import ConstantProfile, RateProfile
from gridnode.trade.states import BuyerState
from gridnode.trade.units import MsatPerKwh
from tests.support.node import trading_pair
from tests.support.node_config import BUYER, write
from tests.support.terms import PRICE


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


SELLER_FPR = "cd" * 32


def _snapshot(*sessions: SessionView) -> NodeSnapshot:
    return NodeSnapshot("buyer", "ab" * 32, 1_000, True, False, "ledger.sqlite", sessions)


def _session(
    state: BuyerState,
    *,
    profile: RateProfile | None = None,
    rate: int | None = 150_000,
    session_id: str = "buyer-1",
    fingerprint: str = SELLER_FPR,
) -> SessionView:
    terms = None if profile is None else Terms(0, 5_000, 3_680_000, profile)
    return SessionView(
        peer_name="seller",
        peer_fingerprint=fingerprint,
        peer_connected=True,
        meter_id="buyer-meter",
        state=state.value,
        session_id=session_id,
        rate_msat_per_kwh=rate,
        terms=terms,
    )


def test_the_buyer_publishes_its_session_rate_state_and_offer() -> None:
    profile = ConstantProfile(MsatPerKwh(150_000))
    state = feed_state(_snapshot(_session(BuyerState.RECEIVING, profile=profile)))
    assert state.key() == (150_000, "receiving", SELLER_FPR, 5_000)
    assert state.profile is profile


def test_no_session_or_a_closed_one_publishes_no_price() -> None:
    no_session = SessionView("seller", SELLER_FPR, False, "buyer-meter", "waiting for an offer")
    assert feed_state(_snapshot(no_session)).key() == (None, "none", SELLER_FPR, None)
    assert feed_state(_snapshot()).key() == (None, "none", "", None)  # no seller at all
    closed = _session(BuyerState.CLOSED, profile=ConstantProfile(MsatPerKwh(1)))
    assert feed_state(_snapshot(closed)).rate_msat_per_kwh is None
    waiting = _session(BuyerState.AWAITING_OFFER, rate=None)
    assert feed_state(_snapshot(waiting)).key()[:2] == (None, "awaiting_offer")


def test_of_several_sellers_the_one_with_agreed_terms_sets_the_price() -> None:
    profile = ConstantProfile(MsatPerKwh(120_000))
    waiting = _session(BuyerState.AWAITING_OFFER, rate=None, fingerprint="ee" * 32)
    buying = _session(BuyerState.RECEIVING, profile=profile, rate=120_000)
    assert feed_state(_snapshot(waiting, buying)).key() == (120_000, "receiving", SELLER_FPR, 5_000)


async def test_a_trading_buyer_publishes_the_agreed_price_from_its_snapshot(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    assert feed_state(pair.buyer.snapshot()).key()[:2] == (None, "none")  # not started
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    state = feed_state(pair.buyer.snapshot())
    assert state.rate_msat_per_kwh == int(PRICE)
    assert state.session_state == BuyerState.RECEIVING.value
    assert state.seller == pair.partner.peer.fingerprint
    await pair.shutdown()
