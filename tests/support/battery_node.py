"""A battery node between a household and a seller, in one process and virtual time:
the battery's one runtime holds its seller (to the household), its buyer (from the
seller) and its battery role on one ledger, one wallet and one book.

The household and the seller are plain nodes as :mod:`tests.support.node` makes them;
each link has its own wire (the household's circuit, and the battery's connection).
What this shares with the prosumer's harness is in :mod:`tests.support.two_sided`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_role import BatteryRole, BatterySellerRole, partner_limits
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.runtime import NodeRuntime
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_slot import BuyerSlot
from tests.support.clock import VirtualClock
from tests.support.links import link_pair
from tests.support.node_parts import harness_limits, runtime
from tests.support.two_sided import (
    SELLER_METER,
    ThreeNodes,
    contexts,
    grid_seller,
    home_buyer,
    middle_buyer,
    middle_seller,
)
from tests.support.wire import Wire

#: The household's meter and the battery's inverter (each seller's is SELLER_METER).
BUYER_METER, INVERTER = "buyer-meter", "inverter"


@dataclass
class BatteryEstate(ThreeNodes):
    battery: NodeRuntime
    household: NodeRuntime
    seller: NodeRuntime
    desk: BatteryDesk
    battery_seller: BatterySellerRole
    battery_buyer: BuyerRole
    battery_role: BatteryRole
    folder: Path

    def runtimes(self) -> tuple[NodeRuntime, ...]:
        return (self.battery, self.household, self.seller)

    async def both_sides_trading(self) -> tuple[BuyerSlot, SellerPartner]:
        """Run until the battery sells to the household and buys from the seller; the
        household's slot and the seller's partner."""
        slot = self.battery_seller.slots["household"]
        (partner,) = self.battery_buyer.partners
        await self.clock.run_until(
            lambda: slot.live is not None and partner.live is not None, limit_s=60
        )
        return slot, partner


async def battery_estate(
    folder: Path,
    desk: BatteryDesk,
    *,
    seller_price: int,
    period_ms: int,
    market_period_ms: int,
    load_mw: int = 2_000_000,
) -> BatteryEstate:
    """The three nodes, not running yet; the battery sells periods of ``period_ms`` and
    bids each ``market_period_ms``; the seller asks ``seller_price`` msat per kWh."""
    clock = VirtualClock()
    found = await contexts(folder, clock, "battery", "household")
    battery_ctx, home_ctx = found.middle, found.home
    # the battery sells to the household over one link and one circuit
    home_wire, home_links = Wire(clock, load_mw=load_mw), link_pair(clock=clock)
    battery_seller = middle_seller(
        found, desk, desk.rule.price_empty_msat_per_kwh, period_ms, home_links, home_wire
    )
    household = home_buyer(found, home_links, home_wire, BUYER_METER)
    # and buys from the seller over another, on its inverter's meter
    grid_wire, grid_links = Wire(clock, load_mw=load_mw), link_pair(clock=clock)
    seller = grid_seller(found, "battery", seller_price, period_ms, grid_links, grid_wire)
    battery_buyer = middle_buyer(found, grid_links, grid_wire.meter(INVERTER), INVERTER)
    limits = harness_limits()
    battery_role = BatteryRole(
        battery_ctx,
        desk,
        battery_buyer,
        limits=limits,
        limits_for=partner_limits(limits, [SELLER_METER]),
        period_ms=market_period_ms,
    )
    return BatteryEstate(
        clock=clock,
        battery=runtime(battery_ctx, [battery_seller, battery_buyer, battery_role]),
        household=runtime(home_ctx, household),
        seller=runtime(found.seller, seller),
        desk=desk,
        battery_seller=battery_seller,
        battery_buyer=battery_buyer,
        battery_role=battery_role,
        folder=folder,
    )
