"""Two sellers and a buyer that pins both, in one process, in virtual time.

Like :func:`tests.support.node.trading_pair`, for the estate market: each seller is its
own :class:`~gridnode.node.runtime.NodeRuntime` with one buyer slot whose relay switches
its own feed of the buyer's :class:`~tests.support.circuit.Circuit`; the buyer runs one
runtime with a partner per seller and the :class:`~gridnode.node.estate.EstateMarket`.
All wallets are on one :class:`FakeLightning`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import Role
from gridnode.market import DEFAULT_MARKET_PERIOD_MS
from gridnode.money import Msat
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import RuntimeTimings
from gridnode.node.estate import EstateMarket, LoadEstimate, MarketSettings, needed_power_mw
from gridnode.node.market_seat import MarketSeat
from gridnode.node.metering import MeterPoller
from gridnode.node.runtime import NodeRuntime
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.profiles import RateProfile
from gridnode.trade.terms import OfferTemplate
from tests.support.circuit import Circuit, CircuitMeter
from tests.support.clock import VirtualClock
from tests.support.links import LinkPair, MemoryDialer, MemoryListener, link_pair
from tests.support.node_parts import (
    REGISTER_STEP_MWH,
    CountingIds,
    demo_terms,
    harness_limits,
    node_context,
    runtime,
)
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire, WireMeter


@dataclass
class Seller:
    """One seller of the estate: its runtime, its slot for the buyer, its feed."""

    name: str
    runtime: NodeRuntime
    role: SellerRole
    slot: BuyerSlot
    wallet: FakeWallet
    links: LinkPair
    feed: Wire
    meter: WireMeter
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


@dataclass
class Estate:
    clock: VirtualClock
    network: FakeLightning
    circuit: Circuit
    sellers: list[Seller]
    buyer: NodeRuntime
    buyer_role: BuyerRole
    market: EstateMarket
    partners: list[SellerPartner]
    buyer_wallet: FakeWallet
    buyer_meter: CircuitMeter
    folder: Path
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        for seller in self.sellers:
            seller.task = asyncio.create_task(seller.runtime.run(seller.stop))
        self.task = asyncio.create_task(self.buyer.run(self.stop))
        await self.clock.settle()

    async def stop_seller(self, index: int) -> None:
        """Shut one seller down cleanly (its sessions close, its relay opens)."""
        seller = self.sellers[index]
        seller.stop.set()
        task = seller.task
        assert task is not None
        await self.clock.run_until(task.done, step_s=0.25, limit_s=60)
        task.result()

    async def shutdown(self) -> None:
        self.stop.set()
        for seller in self.sellers:
            seller.stop.set()
        tasks = [t for t in [self.task, *(s.task for s in self.sellers)] if t is not None]
        await self.clock.run_until(lambda: all(t.done() for t in tasks), step_s=0.25, limit_s=90)
        for task in tasks:
            task.result()

    @contextlib.asynccontextmanager
    async def trading(self) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            if not self.stop.is_set():
                await self.shutdown()


async def estate(
    folder: Path,
    profiles: list[RateProfile],
    *,
    period_ms: int = DEFAULT_MARKET_PERIOD_MS,
    threshold: Msat = Msat(0),
    premiums: list[int] | None = None,
    load_mw: int = 2_000_000,
    timings: RuntimeTimings | None = None,
) -> Estate:
    """Sellers at ``profiles`` (seller-0 first, priority in that order) and a buyer that
    pins them all, none running yet."""
    clock = VirtualClock()
    timings = timings or RuntimeTimings(close_grace_s=10, peer_end_grace_s=3, refund_grace_s=5)
    network = FakeLightning()
    circuit = Circuit(clock, load_mw=load_mw)
    buyer_wallet = FakeWallet(network, "buyer", Msat(10**9), clock=clock)
    buyer_ctx = await node_context(
        folder / "buyer", Role.BUYER, clock, buyer_wallet, timings=timings
    )
    buyer_peer = PinnedPeer.of(
        "buyer-1", buyer_ctx.identity.certificate, buyer_ctx.identity.fingerprint
    )
    sellers, partners = [], []
    for index, profile in enumerate(profiles):
        name = f"seller-{index}"
        wallet = FakeWallet(network, name, clock=clock)
        ctx = await node_context(folder / name, Role.SELLER, clock, wallet, timings=timings)
        # each seller its own ids: sessions and hold invoices never share one
        ctx = dataclasses.replace(ctx, ids=CountingIds(start=(index + 1) * 1_000_000))
        links = link_pair()
        feed = circuit.feed(f"feed-{index}")
        meter_id = f"{name}-meter"
        meter = feed.meter(meter_id)
        slot = BuyerSlot(
            ctx,
            "buyer-1",
            buyer_peer,
            links.seller,
            meter=meter,
            meter_id=meter_id,
            relay=FailSafeRelay(circuit.relay(f"feed-{index}"), name=f"relay of {name}"),
            poll_s=1.0,
        )
        terms: OfferTemplate = dataclasses.replace(demo_terms(), profile=profile)
        role = SellerRole(
            ctx,
            terms=terms,
            server=MemoryListener(),
            listen=("127.0.0.1", 0),
            slots=[slot],
            storage_budget_mb_per_day=1_000,
        )
        sellers.append(Seller(name, runtime(ctx, role), role, slot, wallet, links, feed, meter))
        peer = PinnedPeer.of(name, ctx.identity.certificate, ctx.identity.fingerprint)
        limits = dataclasses.replace(harness_limits(), expected_meter_id=meter_id)
        partner = SellerPartner(
            buyer_ctx,
            name,
            peer,
            MemoryDialer(links),
            limits=limits,
            breach_hold_ms=3_600_000,
            meter_id="buyer-meter",
        )
        premium = premiums[index] if premiums is not None else 0
        partner.seat = MarketSeat(index + 1, premium, f"feed-{index}")
        partners.append(partner)
    buyer_meter = circuit.meter("buyer-meter")
    poller = MeterPoller(
        buyer_meter,
        lambda _sample: None,
        period_s=1.0,
        name="buyer-meter",
        register_step_mwh=REGISTER_STEP_MWH,
        clock=clock,
    )
    load = LoadEstimate(period_ms, needed_power_mw(harness_limits()))
    market = EstateMarket(buyer_ctx, partners, poller, MarketSettings(period_ms, threshold), load)
    buyer_role = BuyerRole(buyer_ctx, partners=partners, poller=poller, market=market)
    return Estate(
        clock=clock,
        network=network,
        circuit=circuit,
        sellers=sellers,
        buyer=runtime(buyer_ctx, buyer_role),
        buyer_role=buyer_role,
        market=market,
        partners=partners,
        buyer_wallet=buyer_wallet,
        buyer_meter=buyer_meter,
        folder=folder,
    )
