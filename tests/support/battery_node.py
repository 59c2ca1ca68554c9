"""A battery node between a household and a seller, in one process and virtual time:
the battery's one runtime holds its seller (to the household), its buyer (from the
seller) and its battery role on one ledger, one wallet and one book.

The household and the seller are plain nodes as :mod:`tests.support.node` makes them;
each link has its own wire (the household's circuit, and the battery's connection).
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, Role
from gridnode.money import Msat
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_role import BatteryRole, BatterySellerRole, partner_limits
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.metering import MeterPoller
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

#: The meter ids: each seller's meter is "seller-meter" (the harness limits expect it).
SELLER_METER, BUYER_METER, INVERTER = "seller-meter", "buyer-meter", "inverter"


@dataclass
class BatteryEstate:
    clock: VirtualClock
    battery: NodeRuntime
    household: NodeRuntime
    seller: NodeRuntime
    desk: BatteryDesk
    battery_seller: BatterySellerRole
    battery_buyer: BuyerRole
    battery_role: BatteryRole
    folder: Path
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        nodes = (self.battery, self.household, self.seller)
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
    network = FakeLightning()
    battery_ctx = await node_context(
        folder / "battery",
        Role.SELLER,
        clock,
        FakeWallet(network, "battery", Msat(10**9), clock=clock),
    )
    home_ctx = await node_context(
        folder / "household",
        Role.BUYER,
        clock,
        FakeWallet(network, "household", Msat(10**9), clock=clock),
    )
    seller_ctx = await node_context(
        folder / "seller", Role.SELLER, clock, FakeWallet(network, "seller", clock=clock)
    )
    # each node its own ids: the same preimages on one network would be one invoice
    battery_ctx = dataclasses.replace(battery_ctx, ids=CountingIds(1_000_000))
    seller_ctx = dataclasses.replace(seller_ctx, ids=CountingIds(2_000_000))
    battery_peer = _pin("battery", battery_ctx.identity)
    home_peer = _pin("household", home_ctx.identity)
    seller_peer = _pin("seller", seller_ctx.identity)
    # the battery sells to the household over one link and one circuit
    home_wire, home_links = Wire(clock, load_mw=load_mw), link_pair(clock=clock)
    home_slot = BuyerSlot(
        battery_ctx,
        "household",
        home_peer,
        home_links.seller,
        meter=home_wire.meter(SELLER_METER),
        meter_id=SELLER_METER,
        relay=FailSafeRelay(home_wire.relay(), name="relay of the household"),
        poll_s=1.0,
    )
    battery_seller = BatterySellerRole(
        battery_ctx,
        desk=desk,
        terms=_terms(desk.rule.price_empty_msat_per_kwh, period_ms),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[home_slot],
        storage_budget_mb_per_day=1_000,
    )
    household = BuyerRole(
        home_ctx,
        partners=[_partner(home_ctx, "battery", battery_peer, MemoryDialer(home_links))],
        poller=_poller(home_wire, BUYER_METER, clock),
    )
    # and buys from the seller over another, on its inverter's meter
    grid_wire, grid_links = Wire(clock, load_mw=load_mw), link_pair(clock=clock)
    seller = SellerRole(
        seller_ctx,
        terms=_terms(seller_price, period_ms),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[
            BuyerSlot(
                seller_ctx,
                "battery",
                battery_peer,
                grid_links.seller,
                meter=grid_wire.meter(SELLER_METER),
                meter_id=SELLER_METER,
                relay=FailSafeRelay(grid_wire.relay(), name="relay of the battery"),
                poll_s=1.0,
            )
        ],
        storage_budget_mb_per_day=1_000,
    )
    battery_buyer = BuyerRole(
        battery_ctx,
        partners=[_partner(battery_ctx, "seller", seller_peer, MemoryDialer(grid_links))],
        poller=_poller(grid_wire, INVERTER, clock),
    )
    limits = harness_limits()
    battery_role = BatteryRole(
        battery_ctx,
        desk,
        battery_buyer,
        limits=limits,
        limits_for=partner_limits(limits, [SELLER_METER]),
        period_ms=market_period_ms,
    )

    async def close() -> None:
        await battery_ctx.ledger.close()

    battery = NodeRuntime(
        battery_ctx,
        [battery_seller, battery_buyer, battery_role],
        pruner=Pruner(battery_ctx.ledger, battery_ctx.wallet, clock=clock),
        watchdog=_no_watchdog,
        close=close,
        ledger_path="ledger.sqlite",
    )
    return BatteryEstate(
        clock=clock,
        battery=battery,
        household=runtime(home_ctx, household),
        seller=runtime(seller_ctx, seller),
        desk=desk,
        battery_seller=battery_seller,
        battery_buyer=battery_buyer,
        battery_role=battery_role,
        folder=folder,
    )


async def _no_watchdog(healthy: object) -> None:
    await asyncio.Event().wait()


def _partner(ctx: object, name: str, peer: PinnedPeer, dialer: MemoryDialer) -> SellerPartner:
    from gridnode.node.context import NodeContext

    assert isinstance(ctx, NodeContext)
    meter = INVERTER if name == "seller" else BUYER_METER
    return SellerPartner(
        ctx,
        name,
        peer,
        dialer,
        limits=harness_limits(),
        breach_hold_ms=3_600_000,
        meter_id=meter,
    )


def _poller(wire: Wire, meter_id: str, clock: VirtualClock) -> MeterPoller:
    return MeterPoller(
        wire.meter(meter_id),
        lambda _sample: None,
        period_s=1.0,
        name=meter_id,
        register_step_mwh=REGISTER_STEP_MWH,
        clock=clock,
    )
