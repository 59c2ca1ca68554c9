"""A prosumer between a neighbour and a seller, in one process and virtual time: the
prosumer's one runtime holds its seller (the PV surplus, to the neighbour), its estate
buyer (from the seller, on the connection meter) and its household role on one ledger
and one wallet (issue 22).

The neighbour and the seller are plain nodes as :mod:`tests.support.node` makes them;
the neighbour draws over its own wire, the seller supplies the house over the grid
wire (:class:`tests.support.house.House`). What this shares with the battery's harness
is in :mod:`tests.support.two_sided`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gridnode.battery.prosumer import ProsumerRule
from gridnode.node.battery_role import BatterySellerRole
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.prosumer_role import ProsumerRole
from gridnode.node.runtime import NodeRuntime
from tests.support.clock import VirtualClock
from tests.support.house import House
from tests.support.links import link_pair
from tests.support.node_parts import runtime
from tests.support.two_sided import (
    ThreeNodes,
    contexts,
    grid_seller,
    home_buyer,
    middle_buyer,
    middle_seller,
    poller,
)
from tests.support.wire import Wire

#: The prosumer's neighbour's meter, its PV meter and its connection meter.
NEIGHBOUR_METER, PRODUCTION, CONNECTION = "buyer-meter", "pv", "grid"


@dataclass
class ProsumerEstate(ThreeNodes):
    house: House
    prosumer: NodeRuntime
    neighbour: NodeRuntime
    seller: NodeRuntime
    desk: ProsumerDesk
    selling: BatterySellerRole
    buying: BuyerRole
    household: ProsumerRole
    folder: Path

    def runtimes(self) -> tuple[NodeRuntime, ...]:
        return (self.prosumer, self.neighbour, self.seller)


async def prosumer_estate(
    folder: Path,
    rule: ProsumerRule,
    *,
    seller_price: int,
    period_ms: int,
    market_period_ms: int,
    window_ms: int = 60_000,
    neighbour_mw: int = 1_000_000,
) -> ProsumerEstate:
    """The three nodes, not running yet (the house has neither sun nor use: set them).
    The prosumer and the seller sell periods of ``period_ms``; the prosumer decides its
    buying each ``market_period_ms``; its surplus is measured over ``window_ms``."""
    clock = VirtualClock()
    found = await contexts(folder, clock, "prosumer", "neighbour")
    prosumer_ctx, home_ctx = found.middle, found.home
    desk = ProsumerDesk(rule, window_ms=window_ms)
    # the prosumer sells its surplus to the neighbour over one link and one circuit
    home_wire, home_links = Wire(clock, load_mw=neighbour_mw), link_pair(clock=clock)
    selling = middle_seller(found, desk, rule.price_msat_per_kwh, period_ms, home_links, home_wire)
    neighbour = home_buyer(found, home_links, home_wire, NEIGHBOUR_METER)
    # and buys from the seller over the grid wire, on its connection meter
    grid_wire, grid_links = Wire(clock, load_mw=1), link_pair(clock=clock)
    house = House(clock, grid_wire)
    seller = grid_seller(found, "prosumer", seller_price, period_ms, grid_links, grid_wire)
    buying = middle_buyer(found, grid_links, house.connection_meter(CONNECTION), CONNECTION)
    household = ProsumerRole(
        prosumer_ctx,
        desk,
        buying,
        poller(house.production_meter(PRODUCTION), PRODUCTION, clock),
        period_ms=market_period_ms,
    )
    return ProsumerEstate(
        clock=clock,
        house=house,
        prosumer=runtime(prosumer_ctx, [selling, buying, household]),
        neighbour=runtime(home_ctx, neighbour),
        seller=runtime(found.seller, seller),
        desk=desk,
        selling=selling,
        buying=buying,
        household=household,
        folder=folder,
    )
