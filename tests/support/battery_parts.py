"""What the battery node's tests share (issue 22): the batteries and pricing rules they
trade with, a battery that buys on a trading pair's buyer side, a half full battery node between a
household and a seller, the protocol ids of a
ledger's sessions, and the receipts of a two-sided node's sessions verified both sides."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gridnode.battery.book import BatteryBook
from gridnode.battery.pricing import Margin, MarginMethod, PricingRule
from gridnode.battery.spec import BatterySpec
from gridnode.ledger import LedgerStore
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_role import BatteryRole, partner_limits
from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade import codec
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MilliWatt, MsatPerKwh, Mwh
from tests.support.battery_node import BatteryEstate, battery_estate
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair
from tests.support.node_parts import harness_limits

#: A battery that loses 5 % each way and charges to 90 %: what it buys costs more stored.
LOSSY_SPEC = BatterySpec(
    capacity_mwh=Mwh(1_000_000),
    power_limit_mw=MilliWatt(5_000_000),
    charge_efficiency_ppm=950_000,
    discharge_efficiency_ppm=950_000,
    max_charge_ppm=900_000,
)
#: The bid's cap: the cheapest the battery sells at, after the round trip's losses and 5 %.
CAPPED_RULE = PricingRule(240_000, 200_000, Margin(MarginMethod.PPM, 50_000), min_offer_mwh=10_000)
#: A battery without losses, and a rule without a margin: a sale's figures are exact.
LOSSLESS_SPEC = BatterySpec(
    capacity_mwh=Mwh(1_000_000),
    power_limit_mw=MilliWatt(10_000_000),
    charge_efficiency_ppm=1_000_000,
    discharge_efficiency_ppm=1_000_000,
)
FLAT_RULE = PricingRule(240_000, 150_000, Margin(MarginMethod.PPM, 0), min_offer_mwh=10_000)
#: The battery's market period: a bid each minute.
MARKET_PERIOD_MS = 60_000


async def buying_battery(
    folder: Path, book: BatteryBook, seller_price: int, rule: PricingRule = CAPPED_RULE
) -> tuple[Pair[VirtualClock], BatteryDesk, BatteryRole]:
    """A trading pair whose buyer is a battery's buying side (the seller asks
    ``seller_price`` msat per kWh), with the battery's role on the buyer's runtime."""
    desk = BatteryDesk(book, rule)
    pair = await trading_pair(folder)
    pair.seller_role.terms = dataclasses.replace(
        pair.seller_role.terms, profile=ConstantProfile(MsatPerKwh(seller_price))
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


async def half_full_estate(folder: Path) -> tuple[BatteryDesk, BatteryEstate]:
    """A lossless battery half full (500 Wh, :data:`FLAT_RULE`) between a household and
    a seller asking 100,000 msat/kWh: it sells periods of two minutes and bids each
    :data:`MARKET_PERIOD_MS`; the nodes are not running yet."""
    desk = BatteryDesk(BatteryBook(LOSSLESS_SPEC, 500_000), FLAT_RULE)
    estate = await battery_estate(
        folder, desk, seller_price=100_000, period_ms=120_000, market_period_ms=MARKET_PERIOD_MS
    )
    return desk, estate


def protocol_ids(ledger: Path) -> list[str]:
    """The protocol session id of each session in ``ledger`` (from its first frame)."""
    ids: list[str] = []
    with LedgerStore.open_readonly(ledger) as store:
        for session in store.sessions.find():
            for entry in store.sessions.entries(session.session_id, ("frame_sent",)):
                ids.append(codec.decode(entry.data).envelope.session_id.hex())
                break
    return ids


def verify_both_sides(folder: Path, middle: str, home: str) -> list[str]:
    """Every session on the ledger of the node ``middle`` (in ``folder / middle``)
    verifies, and so does its peer's own receipt of it (the household ``home``, or the
    seller); the peer of each session, in the ledger's order."""
    ledger = folder / middle / "ledger.sqlite"
    trusted = VerifyOptions(trust_embedded_keys=True)
    peers = []
    for protocol_id in protocol_ids(ledger):
        report = verify_receipt(build_receipt(ledger, protocol_id), trusted)
        assert report.problems == [], protocol_id
        peer = home if protocol_id in protocol_ids(folder / home / "ledger.sqlite") else "seller"
        theirs = build_receipt(folder / peer / "ledger.sqlite", protocol_id)
        assert verify_receipt(theirs, trusted).problems == [], protocol_id
        peers.append(peer)
    return peers
