"""A buyer's sellers: the one ``[seller]`` table or the estate market's ``[[sellers]]``,
with each entry's priority, premium, feed and meter, and the market's period grid and
switch threshold (docs/market.md). Every mistake is a sentence naming the key written."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import load_settings
from gridnode.market import deposit_lockup_cost
from gridnode.money import Msat
from tests.support.node_config import BUYER, FPR, SINGLE_SELLER, buyer_settings, two_sellers, write


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.exit_code == 2
    return caught.value.problems


def test_the_single_seller_table_is_one_entry_with_the_market_defaults(tmp_path: Path) -> None:
    buying = buyer_settings(tmp_path).buying
    (entry,) = buying.sellers
    assert (entry.name, entry.priority, entry.premium_msat_per_kwh) == ("seller", 1, 0)
    assert entry.feed == "seller"
    assert entry.seller_meter_id == ""  # [limits] seller_meter_id
    assert buying.market_period_ms == 900_000
    # the default threshold: locking the largest deposit accepted (200000 msat at 1 %)
    assert buying.switch_threshold == deposit_lockup_cost(Msat(200_000), 10_000)
    assert buying.switch_threshold == Msat(2_000)


def test_several_sellers_load_in_order_with_their_market_settings(tmp_path: Path) -> None:
    head = "market_period_s = 300\nswitch_threshold_msat = 750\n"
    buying = buyer_settings(tmp_path, two_sellers(tmp_path, head)).buying
    roof, grid = buying.sellers
    assert (roof.name, roof.priority, roof.premium_msat_per_kwh) == ("roof", 1, 2000)
    assert (roof.feed, roof.seller_meter_id) == ("roof-feed", "roof-meter")
    assert (grid.name, grid.priority, grid.premium_msat_per_kwh) == ("grid", 5, 0)
    assert (grid.feed, grid.seller_meter_id) == ("grid", "")
    assert roof.fingerprint == FPR
    assert grid.fingerprint != FPR
    assert buying.market_period_ms == 300_000
    assert buying.switch_threshold == Msat(750)


def test_a_seller_table_and_a_sellers_list_together_are_refused(tmp_path: Path) -> None:
    text = two_sellers(tmp_path) + "\n" + SINGLE_SELLER
    problems = _problems(tmp_path, text)
    assert problems == [
        "[seller] and [[sellers]] are both written: keep one; move the [seller] table into "
        "a [[sellers]] entry (with a name) to buy from several sellers"
    ]


def test_each_seller_needs_its_own_name_priority_and_feed(tmp_path: Path) -> None:
    text = two_sellers(tmp_path).replace('name = "grid"', 'name = "roof"')
    text = text.replace("priority = 5", 'priority = 1\nfeed = "roof-feed"')
    problems = _problems(tmp_path, text)
    assert "sellers: the name 'roof' is listed twice; each seller needs its own name" in problems
    assert (
        "sellers: the priority 1 is listed twice; each seller needs its own priority (a tie "
        "in the market goes to the smallest)" in problems
    )
    assert (
        "sellers: the feed 'roof-feed' is listed twice; each seller needs its own feed (its "
        "own supply into the circuit)" in problems
    )


def test_bad_market_values_name_their_keys(tmp_path: Path) -> None:
    head = "market_period_s = 7\nswitch_threshold_msat = -1\n"
    text = two_sellers(tmp_path, head).replace("priority = 5", "priority = 0\npremium = 3")
    text = text.replace("premium_msat_per_kwh = 2000", "premium_msat_per_kwh = -5")
    problems = _problems(tmp_path, text)
    assert problems == [
        "sellers[0].premium_msat_per_kwh must be 0 or more msat per kWh (what this buyer "
        "gladly pays the seller above the others), not -5",
        "sellers[1].priority must be 1 or more (1 wins a tie), not 0",
        "sellers[1].premium is not a setting gridnode knows (a typo?)",
        "market_period_s must divide a day evenly and be from 10 to 86400 seconds (like "
        "300, 900 or 3600), not 7",
        "switch_threshold_msat must be 0 or more msat (0: switch for any saving), not -1",
    ]


@pytest.mark.parametrize("seconds", [9, 7 * 60 + 1, 86_401])
def test_a_market_period_that_does_not_divide_a_day_is_refused(
    tmp_path: Path, seconds: int
) -> None:
    problems = _problems(tmp_path, f"market_period_s = {seconds}\n" + BUYER)
    assert [p.split(",")[-1] for p in problems] == [f" not {seconds}"]


def test_an_empty_sellers_list_says_a_buyer_needs_one(tmp_path: Path) -> None:
    text = "sellers = []\n" + BUYER.replace(SINGLE_SELLER, "")
    assert _problems(tmp_path, text) == [
        "[[sellers]] is empty: a buyer needs at least one seller to buy from"
    ]


def test_market_keys_in_a_sellers_file_are_named_as_a_buyers(tmp_path: Path) -> None:
    from tests.support.node_config import SELLER

    problems = _problems(tmp_path, "market_period_s = 900\n" + SELLER)
    assert problems == ["market_period_s is a buyer's setting, but this file has role = 'seller'"]
