"""A battery node's buying side in virtual time: below its maximum it buys with a bid
within the cap (never above what the energy sells for after losses), each period's room
pledged and settled from its own meter; at the maximum it does not buy (issue 22)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gridnode.battery.book import BatteryBook, Direction
from gridnode.battery.pricing import Margin, MarginMethod, PricingRule, bid_price
from gridnode.battery.spec import BatterySpec
from gridnode.node.battery_desk import BUYING, BatteryDesk
from gridnode.node.battery_role import BatteryRole, partner_limits
from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade import codec
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MilliWatt, MsatPerKwh, Mwh
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair
from tests.support.node_parts import harness_limits

SPEC = BatterySpec(
    capacity_mwh=Mwh(1_000_000),
    power_limit_mw=MilliWatt(5_000_000),
    charge_efficiency_ppm=950_000,
    discharge_efficiency_ppm=950_000,
    max_charge_ppm=900_000,
)
#: The cap: the cheapest the battery sells at, after the round trip's losses and 5 %.
RULE = PricingRule(240_000, 200_000, Margin(MarginMethod.PPM, 50_000), min_offer_mwh=10_000)
#: The seller's price, below the cap.
SELLER_PRICE = MsatPerKwh(150_000)
#: The battery's market period: a bid each minute.
MARKET_PERIOD_MS = 60_000


async def _buying_battery(
    folder: Path, soc_mwh: int
) -> tuple[Pair[VirtualClock], BatteryDesk, BatteryRole]:
    desk = BatteryDesk(BatteryBook(SPEC, soc_mwh), RULE)
    pair = await trading_pair(folder)
    pair.seller_role.terms = dataclasses.replace(
        pair.seller_role.terms, profile=ConstantProfile(SELLER_PRICE)
    )
    limits = harness_limits()
    battery = BatteryRole(
        pair.buyer.ctx,
        desk,
        pair.buyer_role,
        limits=limits,
        limits_for=partner_limits(limits, ["seller-meter"]),
        period_ms=MARKET_PERIOD_MS,
    )
    pair.buyer.roles.append(battery)
    return pair, desk, battery


async def test_below_its_maximum_it_buys_with_a_bid_within_the_cap(tmp_path: Path) -> None:
    pair, desk, battery = await _buying_battery(tmp_path, soc_mwh=300_000)
    cap = bid_price(SPEC, RULE)
    assert SELLER_PRICE < cap < RULE.price_full_msat_per_kwh
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        ceiling = pair.partner.limits.ceiling
        assert isinstance(ceiling, ConstantProfile)
        assert ceiling.price_at(0) == cap  # the bid: the cap, as no bid is configured
        assert pair.partner.limits.expected_meter_id == "seller-meter"
        (pledge_id,) = desk.owners[BUYING]
        assert desk.book.pledge_of(pledge_id).direction is Direction.PURCHASE
        await pair.clock.advance(2.5 * MARKET_PERIOD_MS / 1000)
        assert battery.periods >= 3  # a new bid each period
        assert battery.buying
    # what it bought is in the book, at what the bid said it cost at most
    assert desk.book.soc_mwh > 300_000
    assert desk.book.soc_mwh <= SPEC.max_mwh
    assert (
        0 < desk.book.average_cost_msat_per_kwh <= cap * 1_000_000 // SPEC.charge_efficiency_ppm + 1
    )
    with pair.stored("buyer") as store:
        (session,) = store.sessions.find()
        entry = next(iter(store.sessions.entries(session.session_id, ("frame_sent",))))
        protocol_id = codec.decode(entry.data).envelope.session_id.hex()
    for node in ("seller", "buyer"):
        receipt = build_receipt(tmp_path / node / "ledger.sqlite", protocol_id)
        report = verify_receipt(receipt, VerifyOptions(trust_embedded_keys=True))
        assert report.problems == [], node


async def test_at_its_maximum_it_does_not_buy(tmp_path: Path) -> None:
    pair, desk, battery = await _buying_battery(tmp_path, soc_mwh=SPEC.max_mwh - 5_000)
    async with pair.trading():
        await pair.clock.advance(30)
        assert not battery.buying
        assert desk.not_buying is not None
        assert desk.owners.get(BUYING) is None
        assert pair.slot.session is None
        assert not pair.wire.relay_on
        assert any("bids nothing" in w for w in pair.buyer.snapshot().warnings)
    assert desk.book.soc_mwh == SPEC.max_mwh - 5_000
