"""`gridnode demo --sellers 2`: what it writes for its sellers and buyers are real
configurations. Each buyer pins both sellers on their own feeds and chooses once a sale
period; seller 1's time-scaled solar price is cheapest at its midday, seller 2 is flat
(here with a stand-in for LND's macaroon baking; the regtest tests run the real thing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.demo import configs
from gridnode.demo.estate import (
    DAY_MINUTES,
    FLAT,
    SOLAR_MIDDAY,
    EstateOptions,
    estate_options,
    solar_profile,
    write_configs,
)
from gridnode.demo.run import DemoOptions
from gridnode.errors import UsageError
from tests.support.lnd_offline import offline_lnd


def test_each_buyer_pins_both_sellers_on_their_feeds(tmp_path: Path) -> None:
    lnd = offline_lnd(tmp_path)
    lnd.pubkey = "02" + "11" * 32
    info: dict[str, object] = {
        "seller_ports": ["/dev/pts/90", "/dev/pts/91"],
        "buyer_ports": ["/dev/pts/92", "/dev/pts/93", "/dev/pts/94"],
    }
    buyers = [configs.prepare_buyer(tmp_path, i) for i in (1, 2, 3)]
    options = EstateOptions(buyers=3, sellers=2)
    sellers = write_configs(tmp_path, [lnd, lnd], [lnd] * 3, info, buyers, options, print)
    assert [files.name for files, _ in sellers] == ["seller-1", "seller-2"]
    for files, _ in sellers:
        selling = load_settings(files.config, env={})
        assert isinstance(selling, SellerSettings)
        assert [b.name for b in selling.selling.buyers] == ["buyer-1", "buyer-2", "buyer-3"]
    for i, buyer in enumerate(buyers, start=1):
        buying = load_settings(buyer.config, env={})
        assert isinstance(buying, BuyerSettings)
        pinned = buying.buying.sellers
        assert [(s.name, s.feed, s.priority) for s in pinned] == [
            ("seller-1", "seller-1", 1),
            ("seller-2", "seller-2", 2),
        ]
        assert {s.seller_meter_id for s in pinned} == {f"seller-meter-{i}"}
        assert buying.buying.market_period_ms == options.terms.period_s * 1000


def test_the_solar_price_is_lowest_at_midday_and_crosses_the_flat_one() -> None:
    midday_ms = (12 * 60 + 2) * 60_000
    text = solar_profile(midday_ms)
    assert f'["12:02", {SOLAR_MIDDAY}]' in text
    assert f'["12:{2 + DAY_MINUTES:02d}", {SOLAR_MIDDAY}]' in text
    assert f'["12:{2 + DAY_MINUTES // 2:02d}", {configs.DEAR}]' in text
    assert SOLAR_MIDDAY < FLAT < configs.DEAR


@pytest.mark.parametrize(
    ("sellers", "fail", "fix"),
    [
        (1, "1:120", "--sellers 2 or more"),
        (2, "3:120", "N:SECONDS with N from 1 to 2"),
        (2, "1:soon", "like 1:120"),
    ],
)
def test_a_wrong_fail_seller_is_refused_with_the_fix(sellers: int, fail: str, fix: str) -> None:
    with pytest.raises(UsageError, match=fix):
        estate_options(DemoOptions(), sellers, fail)


def test_fail_seller_is_parsed() -> None:
    options = estate_options(DemoOptions(buyers=3), 2, "1:120")
    assert (options.sellers, options.fail_seller, options.buyers) == (2, (1, 120.0), 3)
