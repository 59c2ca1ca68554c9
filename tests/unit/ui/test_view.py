"""How figures and states read: units in words, no misleading zero for a missing field,
meaning kept without colour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.status.pb import status_pb2 as pb
from gridnode.ui import view
from gridnode.ui.history import History
from tests.support.ui import samples


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_msat_keeps_every_millisatoshi(amount: int) -> None:
    text = view.msat(amount)
    assert text.endswith(" sat")
    assert int(text[:-4].replace(",", "").replace(".", "")) == amount


@pytest.mark.parametrize(
    ("mw", "text"),
    [(0, "0 W"), (850_000, "850 W"), (2_300_000, "2.30 kW"), (-1_500_000, "-1.50 kW")],
)
def test_power_reads_in_watts_or_kilowatts(mw: int, text: str) -> None:
    assert view.power(mw) == text


def test_missing_fields_read_as_words_not_zero() -> None:
    empty = pb.SessionStatus()
    assert view.voltage(0) == "-"
    assert view.rate(0) == "-"
    assert view.age(1000, 0) == "no reading yet"
    assert view.period(empty, 1000) == "no sale period yet"
    assert view.state_badge("").word == "no state yet"
    assert view.session_label(empty, 2) == "session 3"
    assert view.short_fingerprint("") == "-"


def test_every_state_has_a_symbol_and_a_word() -> None:
    states = [
        "negotiating", "awaiting_deposit", "supplying", "suspended_credit", "suspended_fault",
        "closing", "closed", "awaiting_offer", "receiving", "suspended", "stopped",
    ]  # fmt: skip
    for state in states:
        badge = view.state_badge(state)
        assert badge.symbol, state
        assert badge.word, state
    assert view.state_badge("a_new_state").text == "• a new state"  # unknown: still readable
    # off and on differ by symbol and word, not only by colour
    on = view.relay_badge(pb.SessionStatus(relay_on=True), "seller")
    off = view.relay_badge(pb.SessionStatus(relay_on=False), "seller")
    assert on.symbol != off.symbol
    assert on.word != off.word


def test_owed_is_negative_credit() -> None:
    assert view.owed_msat(pb.SessionStatus(credit_msat=-2500)) == 2500
    assert view.owed_msat(pb.SessionStatus(credit_msat=2500)) == 0


def test_a_sellers_place_in_the_market_reads_with_its_score() -> None:
    active = pb.SessionStatus(market="active", market_score_msat=4462, market_scored=True)
    assert view.market(active) == f"active, {view.msat(4462)} this period"
    refused = pb.SessionStatus(market="refused: no offer from this seller")
    assert view.market(refused) == "refused: no offer from this seller"


def test_history_keeps_the_window_and_ignores_repeats_and_untimed_snapshots() -> None:
    history = History(window_ms=10_000)
    for status in samples.seller_history(steps=20, step_ms=1000):
        history.add(status)
        history.add(status)  # the same snapshot twice
    history.add(pb.NodeStatus(role="seller"))  # no time: cannot be placed
    kept = history.samples("01" * 32)
    assert [s.at_ms for s in kept] == list(range(samples.T0_MS - 10_000, samples.T0_MS + 1, 1000))
    assert history.samples("nobody") == []
