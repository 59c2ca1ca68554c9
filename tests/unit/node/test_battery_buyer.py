"""A battery node's buying side in virtual time: below its maximum it buys with a bid
within the cap (never above what the energy sells for after losses), each period's room
pledged and settled from its own meter; at the maximum it does not buy (issue 22)."""

from __future__ import annotations

from pathlib import Path

from gridnode.battery.book import BatteryBook, Direction
from gridnode.battery.pricing import bid_price
from gridnode.node.battery_desk import BUYING, BatteryDesk
from gridnode.node.battery_role import BatteryRole
from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade import codec
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.battery_parts import CAPPED_RULE as RULE
from tests.support.battery_parts import LOSSY_SPEC as SPEC
from tests.support.battery_parts import MARKET_PERIOD_MS, buying_battery
from tests.support.clock import VirtualClock
from tests.support.node import Pair

#: The seller's price, below the cap.
SELLER_PRICE = MsatPerKwh(150_000)


async def _buying_battery(
    folder: Path, soc_mwh: int
) -> tuple[Pair[VirtualClock], BatteryDesk, BatteryRole]:
    return await buying_battery(folder, BatteryBook(SPEC, soc_mwh), SELLER_PRICE)


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
