"""A prosumer between a neighbour and a seller, in one process and virtual time: the
prosumer's one runtime holds its seller (the PV surplus, to the neighbour), its estate
buyer (from the seller, on the connection meter) and its household role on one ledger
and one wallet (issue 22).

The neighbour and the seller are plain nodes as :mod:`tests.support.node` makes them;
the neighbour draws over its own wire, the seller supplies the house over the grid
wire (:class:`tests.support.house.House`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.battery.prosumer import ProsumerRule
from gridnode.hardware.meter import Meter
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, Role
from gridnode.money import Msat
from gridnode.node.battery_role import BatterySellerRole
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import NodeContext
from gridnode.node.metering import MeterPoller
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.prosumer_role import ProsumerRole
from gridnode.node.pruning import Pruner
from gridnode.node.runtime import NodeRuntime
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import OfferTemplate
from gridnode.trade.units import MsatPerKwh
from tests.support.clock import VirtualClock
from tests.support.house import House
from tests.support.links import MemoryDialer, MemoryListener, link_pair
from tests.support.node_parts import (
    REGISTER_STEP_MWH,
    CountingIds,
    demo_terms,
    harness_limits,
    node_context,
    runtime,
)
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire

#: Each seller's meter is "seller-meter" (the harness limits expect it).
SELLER_METER, NEIGHBOUR_METER, PRODUCTION, CONNECTION = "seller-meter", "buyer-meter", "pv", "grid"


@dataclass
class ProsumerEstate:
    clock: VirtualClock
    house: House
    prosumer: NodeRuntime
    neighbour: NodeRuntime
    seller: NodeRuntime
    desk: ProsumerDesk
    selling: BatterySellerRole
    buying: BuyerRole
    household: ProsumerRole
    folder: Path
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        nodes = (self.prosumer, self.neighbour, self.seller)
        self.tasks = [asyncio.create_task(node.run(self.stop)) for node in nodes]
        await self.clock.settle()

    async def shutdown(self) -> None:
        self.stop.set()
        await self.clock.run_until(lambda: all(t.done() for t in self.tasks), limit_s=60)
        for task in self.tasks:
            task.result()


def _pin(name: str, identity: NodeIdentity) -> PinnedPeer:
    return PinnedPeer.of(name, identity.certificate, identity.fingerprint)


def _terms(price: int, period_ms: int) -> OfferTemplate:
    return dataclasses.replace(
        demo_terms(), profile=ConstantProfile(MsatPerKwh(price)), period_ms=period_ms
    )


def _poller(meter: Meter, meter_id: str, clock: VirtualClock) -> MeterPoller:
    return MeterPoller(
        meter,
        lambda _sample: None,
        period_s=1.0,
        name=meter_id,
        register_step_mwh=REGISTER_STEP_MWH,
        clock=clock,
    )


def _partner(
    ctx: NodeContext, name: str, peer: PinnedPeer, dialer: MemoryDialer, meter_id: str
) -> SellerPartner:
    return SellerPartner(
        ctx,
        name,
        peer,
        dialer,
        limits=harness_limits(),
        breach_hold_ms=3_600_000,
        meter_id=meter_id,
    )


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
    network = FakeLightning()
    prosumer_ctx = await node_context(
        folder / "prosumer",
        Role.SELLER,
        clock,
        FakeWallet(network, "prosumer", Msat(10**9), clock=clock),
    )
    home_ctx = await node_context(
        folder / "neighbour",
        Role.BUYER,
        clock,
        FakeWallet(network, "neighbour", Msat(10**9), clock=clock),
    )
    seller_ctx = await node_context(
        folder / "seller", Role.SELLER, clock, FakeWallet(network, "seller", clock=clock)
    )
    # each node its own ids: the same preimages on one network would be one invoice
    prosumer_ctx = dataclasses.replace(prosumer_ctx, ids=CountingIds(1_000_000))
    seller_ctx = dataclasses.replace(seller_ctx, ids=CountingIds(2_000_000))
    prosumer_peer = _pin("prosumer", prosumer_ctx.identity)
    home_peer = _pin("neighbour", home_ctx.identity)
    seller_peer = _pin("seller", seller_ctx.identity)
    desk = ProsumerDesk(rule, window_ms=window_ms)
    # the prosumer sells its surplus to the neighbour over one link and one circuit
    home_wire, home_links = Wire(clock, load_mw=neighbour_mw), link_pair(clock=clock)
    selling = BatterySellerRole(
        prosumer_ctx,
        desk=desk,
        terms=_terms(rule.price_msat_per_kwh, period_ms),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[
            BuyerSlot(
                prosumer_ctx,
                "neighbour",
                home_peer,
                home_links.seller,
                meter=home_wire.meter(SELLER_METER),
                meter_id=SELLER_METER,
                relay=FailSafeRelay(home_wire.relay(), name="relay of the neighbour"),
                poll_s=1.0,
            )
        ],
        storage_budget_mb_per_day=1_000,
    )
    neighbour = BuyerRole(
        home_ctx,
        partners=[
            _partner(home_ctx, "prosumer", prosumer_peer, MemoryDialer(home_links), NEIGHBOUR_METER)
        ],
        poller=_poller(home_wire.meter(NEIGHBOUR_METER), NEIGHBOUR_METER, clock),
    )
    # and buys from the seller over the grid wire, on its connection meter
    grid_wire, grid_links = Wire(clock, load_mw=1), link_pair(clock=clock)
    house = House(clock, grid_wire)
    seller = SellerRole(
        seller_ctx,
        terms=_terms(seller_price, period_ms),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[
            BuyerSlot(
                seller_ctx,
                "prosumer",
                prosumer_peer,
                grid_links.seller,
                meter=grid_wire.meter(SELLER_METER),
                meter_id=SELLER_METER,
                relay=FailSafeRelay(grid_wire.relay(), name="relay of the prosumer"),
                poll_s=1.0,
            )
        ],
        storage_budget_mb_per_day=1_000,
    )
    buying = BuyerRole(
        prosumer_ctx,
        partners=[
            _partner(prosumer_ctx, "seller", seller_peer, MemoryDialer(grid_links), CONNECTION)
        ],
        poller=_poller(house.connection_meter(CONNECTION), CONNECTION, clock),
    )
    household = ProsumerRole(
        prosumer_ctx,
        desk,
        buying,
        _poller(house.production_meter(PRODUCTION), PRODUCTION, clock),
        period_ms=market_period_ms,
    )

    async def close() -> None:
        await prosumer_ctx.ledger.close()

    prosumer = NodeRuntime(
        prosumer_ctx,
        [selling, buying, household],
        pruner=Pruner(prosumer_ctx.ledger, prosumer_ctx.wallet, clock=clock),
        watchdog=_no_watchdog,
        close=close,
        ledger_path="ledger.sqlite",
    )
    return ProsumerEstate(
        clock=clock,
        house=house,
        prosumer=prosumer,
        neighbour=runtime(home_ctx, neighbour),
        seller=runtime(seller_ctx, seller),
        desk=desk,
        selling=selling,
        buying=buying,
        household=household,
        folder=folder,
    )


async def _no_watchdog(healthy: object) -> None:
    await asyncio.Event().wait()
