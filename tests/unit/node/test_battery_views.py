"""What the snapshot says of a node on both sides of the market (issue 22): each session
names the side this node is on in it, and a battery's book (or a prosumer's surplus)
comes as read from its desk, priced by nothing else."""

from __future__ import annotations

from pathlib import Path

from gridnode.battery.book import BatteryBook
from gridnode.battery.offer import PeriodOffer
from gridnode.battery.pricing import bid_price, floor_price
from gridnode.battery.prosumer import ProsumerRule, PvReading
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_view import NO_CHARGE_YET, book_view, surplus_view
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.snapshot import BUYER, SELLER, StoreKind
from gridnode.status.pb import status_pb2 as pb
from gridnode.status.render import battery_status, node_status
from tests.support.battery_parts import (
    FLAT_RULE,
    LOSSLESS_SPEC,
    MARKET_PERIOD_MS,
    half_full_estate,
)
from tests.support.node import trading_pair

SPEC, RULE = LOSSLESS_SPEC, FLAT_RULE


async def test_a_battery_node_names_its_side_of_each_session_and_shows_its_book(
    tmp_path: Path,
) -> None:
    desk, estate = await half_full_estate(tmp_path)
    await estate.start()
    try:
        await estate.both_sides_trading()
        snapshot = estate.battery.snapshot()
        sides = {view.peer_name: view.side for view in snapshot.sessions}
        assert sides == {"household": SELLER, "seller": BUYER}
        book = snapshot.battery
        assert book is not None
        assert book.kind is StoreKind.BATTERY
        assert book.charge_known
        assert (book.capacity_mwh, book.reserve_mwh, book.max_mwh) == (
            SPEC.capacity_mwh,
            SPEC.reserve_mwh,
            SPEC.max_mwh,
        )
        assert book.stored_mwh == desk.book.soc_mwh
        assert book.pledged_sales_mwh == desk.book.pledged_out_mwh > 0
        assert book.pledged_purchases_mwh == desk.book.pledged_in_mwh > 0
        assert book.bid_msat_per_kwh == bid_price(SPEC, RULE)
        assert book.not_buying == ""
        assert book.floor_msat_per_kwh == floor_price(desk.book, RULE, MARKET_PERIOD_MS)
        offer = desk.offer(MARKET_PERIOD_MS)
        assert isinstance(offer, PeriodOffer)
        assert book.offer_msat_per_kwh == offer.price_msat_per_kwh
        assert book.offer_energy_mwh == offer.energy_mwh
        # and so it goes over the status socket
        status = node_status(snapshot)
        assert {s.peer_name: s.side for s in status.sessions} == sides
        assert status.HasField("battery")
        assert status.battery.kind == "battery"
        assert status.battery.stored_mwh == book.stored_mwh
        # the household and the seller are on one side each, and hold no book
        household = estate.household.snapshot()
        assert [v.side for v in household.sessions] == [BUYER]
        assert household.battery is None
        assert [v.side for v in estate.seller.snapshot().sessions] == [SELLER]
    finally:
        await estate.shutdown()


async def test_a_seller_and_a_buyer_name_their_side_and_hold_no_book(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    seller, buyer = pair.seller.snapshot(), pair.buyer.snapshot()  # before any session
    assert [v.side for v in seller.sessions] == [SELLER]
    assert [v.side for v in buyer.sessions] == [BUYER]
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    assert [v.side for v in pair.seller.snapshot().sessions] == [SELLER]
    assert [v.side for v in pair.buyer.snapshot().sessions] == [BUYER]
    for snapshot in (pair.seller.snapshot(), pair.buyer.snapshot()):
        assert snapshot.battery is None
        assert not node_status(snapshot).HasField("battery")
    await pair.shutdown()


def test_a_battery_whose_charge_is_unknown_offers_and_bids_nothing() -> None:
    desk = BatteryDesk(BatteryBook(SPEC, 0), RULE)
    book = book_view(desk, MARKET_PERIOD_MS, None, charge_known=False)
    assert not book.charge_known
    assert book.offer_msat_per_kwh is None
    assert book.bid_msat_per_kwh is None
    assert book.not_offering == book.not_buying == NO_CHARGE_YET


def test_a_battery_at_its_reserve_says_why_it_offers_nothing() -> None:
    desk = BatteryDesk(BatteryBook(SPEC, SPEC.reserve_mwh), RULE)
    book = book_view(desk, MARKET_PERIOD_MS, bid_price(SPEC, RULE), charge_known=True)
    assert book.offer_msat_per_kwh is None
    assert book.offer_energy_mwh == 0
    assert "reserve" in book.not_offering
    assert book.bid_msat_per_kwh == bid_price(SPEC, RULE)
    # a battery the role bid nothing for says so
    assert book_view(desk, MARKET_PERIOD_MS, None, charge_known=True).not_buying != ""


def test_a_prosumer_shows_its_surplus_and_its_offer() -> None:
    rule = ProsumerRule(180_000, share_ppm=1_000_000, min_offer_mwh=1_000, tolerance_mwh=100)
    desk = ProsumerDesk(rule, window_ms=60_000)
    unmeasured = surplus_view(desk, 600_000)
    assert unmeasured.kind is StoreKind.PROSUMER
    assert unmeasured.surplus_power_mw is None
    assert unmeasured.offer_msat_per_kwh is None
    assert "no surplus measured yet" in unmeasured.not_offering
    for minute in range(3):  # 3 kW of surplus: 50 Wh a minute
        desk.reading(PvReading(minute * 60_000, minute * 60_000, minute * 50_000, 0))
    view = surplus_view(desk, 600_000)
    assert view.surplus_power_mw == 3_000_000
    assert view.offer_msat_per_kwh == 180_000
    assert view.offer_energy_mwh == 500_000
    assert view.not_offering == ""
    status = pb.BatteryStatus.FromString(battery_status(view).SerializeToString())
    assert status.kind == "prosumer"
    assert status.surplus_known
    assert status.surplus_power_mw == 3_000_000
