"""What the battery's and the prosumer's harnesses share (issue 22): a node on both
sides of the market between a household that buys from it and a seller it buys from,
the three in one process and virtual time.

:mod:`tests.support.battery_node` and :mod:`tests.support.prosumer_node` build their
middle node's roles; the contexts, the seller, the slots and the runtimes are made here.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.hardware.meter import Meter
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, Role
from gridnode.money import Msat
from gridnode.node.battery_role import BatterySellerRole, SaleDesk
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import NodeContext
from gridnode.node.metering import MeterPoller
from gridnode.node.runtime import NodeRuntime
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import OfferTemplate
from gridnode.trade.units import MsatPerKwh
from tests.support.clock import VirtualClock
from tests.support.links import LinkPair, MemoryDialer, MemoryListener
from tests.support.node_parts import (
    REGISTER_STEP_MWH,
    CountingIds,
    demo_terms,
    harness_limits,
    node_context,
)
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire

#: Each seller's meter is "seller-meter" (the harness limits expect it).
SELLER_METER = "seller-meter"


@dataclass
class ThreeNodes:
    """The three runtimes' lifetime; a harness names them (:meth:`runtimes`)."""

    clock: VirtualClock
    stop: asyncio.Event = field(default_factory=asyncio.Event, kw_only=True)
    tasks: list[asyncio.Task[None]] = field(default_factory=list, kw_only=True)

    def runtimes(self) -> tuple[NodeRuntime, ...]:
        """The middle node's, the household's and the seller's."""
        raise NotImplementedError

    async def start(self) -> None:
        self.tasks = [asyncio.create_task(node.run(self.stop)) for node in self.runtimes()]
        await self.clock.settle()

    async def shutdown(self) -> None:
        self.stop.set()
        await self.clock.run_until(lambda: all(t.done() for t in self.tasks), limit_s=60)
        for task in self.tasks:
            task.result()


@dataclass(frozen=True)
class Contexts:
    """The three nodes' contexts on one Lightning network, and how each is pinned."""

    middle: NodeContext
    home: NodeContext
    seller: NodeContext
    middle_peer: PinnedPeer
    home_peer: PinnedPeer
    seller_peer: PinnedPeer


def _pin(name: str, identity: NodeIdentity) -> PinnedPeer:
    return PinnedPeer.of(name, identity.certificate, identity.fingerprint)


async def contexts(folder: Path, clock: VirtualClock, middle: str, home: str) -> Contexts:
    """The contexts of the middle node (named ``middle``), the household (``home``)
    and the seller, in folders of those names below ``folder``."""
    network = FakeLightning()
    middle_ctx = await node_context(
        folder / middle, Role.SELLER, clock, FakeWallet(network, middle, Msat(10**9), clock=clock)
    )
    home_ctx = await node_context(
        folder / home, Role.BUYER, clock, FakeWallet(network, home, Msat(10**9), clock=clock)
    )
    seller_ctx = await node_context(
        folder / "seller", Role.SELLER, clock, FakeWallet(network, "seller", clock=clock)
    )
    # each node its own ids: the same preimages on one network would be one invoice
    middle_ctx = dataclasses.replace(middle_ctx, ids=CountingIds(1_000_000))
    seller_ctx = dataclasses.replace(seller_ctx, ids=CountingIds(2_000_000))
    return Contexts(
        middle_ctx,
        home_ctx,
        seller_ctx,
        _pin(middle, middle_ctx.identity),
        _pin(home, home_ctx.identity),
        _pin("seller", seller_ctx.identity),
    )


def terms(price: int, period_ms: int) -> OfferTemplate:
    """The harness's terms at a constant ``price`` msat per kWh."""
    return dataclasses.replace(
        demo_terms(), profile=ConstantProfile(MsatPerKwh(price)), period_ms=period_ms
    )


def poller(meter: Meter, meter_id: str, clock: VirtualClock) -> MeterPoller:
    """A buyer's poller of ``meter``, read each second."""
    return MeterPoller(
        meter,
        lambda _sample: None,
        period_s=1.0,
        name=meter_id,
        register_step_mwh=REGISTER_STEP_MWH,
        clock=clock,
    )


def partner(
    ctx: NodeContext, name: str, peer: PinnedPeer, dialer: MemoryDialer, meter_id: str
) -> SellerPartner:
    """A buyer's partner for the seller ``name``, on the buyer's meter ``meter_id``."""
    return SellerPartner(
        ctx,
        name,
        peer,
        dialer,
        limits=harness_limits(),
        breach_hold_ms=3_600_000,
        meter_id=meter_id,
    )


def slot(ctx: NodeContext, name: str, peer: PinnedPeer, links: LinkPair, wire: Wire) -> BuyerSlot:
    """A seller's slot for the buyer ``name``, its meter and relay on ``wire``."""
    return BuyerSlot(
        ctx,
        name,
        peer,
        links.seller,
        meter=wire.meter(SELLER_METER),
        meter_id=SELLER_METER,
        relay=FailSafeRelay(wire.relay(), name=f"relay of the {name}"),
        poll_s=1.0,
    )


def grid_seller(
    found: Contexts, buyer: str, price: int, period_ms: int, links: LinkPair, wire: Wire
) -> SellerRole:
    """The seller's role: it sells periods of ``period_ms`` at ``price`` to the middle
    node (named ``buyer``) over ``links``, its meter and relay on ``wire``."""
    return SellerRole(
        found.seller,
        terms=terms(price, period_ms),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[slot(found.seller, buyer, found.middle_peer, links, wire)],
        storage_budget_mb_per_day=1_000,
    )


def middle_seller(
    found: Contexts, desk: SaleDesk, price: int, period_ms: int, links: LinkPair, wire: Wire
) -> BatterySellerRole:
    """The middle node's seller role: it sells periods of ``period_ms`` priced by
    ``desk`` (``price`` the template's) to the household over ``links`` and ``wire``."""
    home = found.home_peer.name
    return BatterySellerRole(
        found.middle,
        desk=desk,
        terms=terms(price, period_ms),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[slot(found.middle, home, found.home_peer, links, wire)],
        storage_budget_mb_per_day=1_000,
    )


def home_buyer(found: Contexts, links: LinkPair, wire: Wire, meter_id: str) -> BuyerRole:
    """The household's buyer role: it buys from the middle node over ``links``, on its
    own meter ``meter_id`` on ``wire``."""
    return _buyer(found.home, found.middle_peer, links, wire.meter(meter_id), meter_id)


def middle_buyer(found: Contexts, links: LinkPair, meter: Meter, meter_id: str) -> BuyerRole:
    """The middle node's buyer role: it buys from the seller over ``links``, on its own
    ``meter`` (the inverter, the connection meter)."""
    return _buyer(found.middle, found.seller_peer, links, meter, meter_id)


def _buyer(
    ctx: NodeContext, seller: PinnedPeer, links: LinkPair, meter: Meter, meter_id: str
) -> BuyerRole:
    clock = ctx.clock
    assert isinstance(clock, VirtualClock)
    dialer = MemoryDialer(links)
    return BuyerRole(
        ctx,
        partners=[partner(ctx, seller.name, seller, dialer, meter_id)],
        poller=poller(meter, meter_id, clock),
    )
