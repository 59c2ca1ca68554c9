"""A seller and a buyer runtime in one process, in virtual time, for the unit tier.

:func:`trading_pair` assembles two :class:`~gridnode.node.runtime.NodeRuntime` the way the
factory does, from injected ports: fake wallets on one :class:`FakeLightning`, SQLite
ledgers with the inline offloader, in-process links, a :class:`~tests.support.wire.Wire`
with both meters and the seller's relay, and one :class:`VirtualClock`. A test runs them
(:meth:`Pair.start`), steps the clock, and looks at ledgers, wallets, wire and snapshots.
:func:`realtime_pair` is the same pair on the system clock, for the integration tier
(a renderer that talks to a real broker runs beside it, in real time).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Generic, TypeVar

from gridnode.clock import Clock, SystemClock
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, Role
from gridnode.ledger import Ledger, LedgerStore, SqliteLedger
from gridnode.money import Msat
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import RuntimeTimings
from gridnode.node.liquidity import LiquidityWatch
from gridnode.node.metering import MeterPoller
from gridnode.node.runtime import NodeRuntime, ServiceFactory
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.observe import NO_OBSERVER, Observer
from gridnode.ocmf import ClockStatus
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.terms import ElectricalGuarantees
from tests.support.clock import VirtualClock
from tests.support.links import LinkPair, MemoryDialer, MemoryListener, link_pair
from tests.support.node_parts import (
    REGISTER_STEP_MWH,
    SystemClockStatus,
    demo_terms,
    harness_limits,
    node_context,
    runtime,
)
from tests.support.terms import ELECTRICAL
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire, WireMeter

C = TypeVar("C", bound=Clock)


@dataclass
class Pair(Generic[C]):
    clock: C
    network: FakeLightning
    wire: Wire
    links: LinkPair
    seller_wallet: FakeWallet
    buyer_wallet: FakeWallet
    seller: NodeRuntime
    buyer: NodeRuntime
    slot: BuyerSlot
    partner: SellerPartner
    seller_role: SellerRole
    buyer_role: BuyerRole
    seller_meter: WireMeter
    buyer_meter: WireMeter
    #: what each node's clock gate hears when it asks whether the clock is synchronised
    seller_clock: SystemClockStatus
    buyer_clock: SystemClockStatus
    folder: Path
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def seller_ledger(self) -> SqliteLedger:
        ledger = self.seller.ctx.ledger
        assert isinstance(ledger, SqliteLedger)
        return ledger

    @property
    def buyer_ledger(self) -> SqliteLedger:
        ledger = self.buyer.ctx.ledger
        assert isinstance(ledger, SqliteLedger)
        return ledger

    def stored(self, node: str) -> LedgerStore:
        """A node's ledger as it is on disk (read-only; after :meth:`shutdown` too)."""
        return LedgerStore.open_readonly(self.folder / node / "ledger.sqlite")

    async def start(self) -> None:
        """Run both nodes until :meth:`shutdown`."""
        self.tasks = [
            asyncio.create_task(self.seller.run(self.stop)),
            asyncio.create_task(self.buyer.run(self.stop)),
        ]
        if isinstance(self.clock, VirtualClock):
            await self.clock.settle()
        else:
            await asyncio.sleep(0)

    @contextlib.asynccontextmanager
    async def trading(self) -> AsyncIterator[None]:
        """Run both nodes for the block and shut them down after it, also when it fails
        (a test that fails then ends, instead of hanging on a clock nobody steps)."""
        await self.start()
        try:
            yield
        finally:
            if not self.stop.is_set():
                await self.shutdown()

    async def shutdown(self, *, step_s: float = 0.25, limit_s: float = 60.0) -> float:
        """Stop both nodes (the clean shutdown) and step the clock until they ended;
        returns the seconds it took (on the system clock: waits for them)."""
        self.stop.set()
        if not isinstance(self.clock, VirtualClock):
            started = self.clock.monotonic()
            await asyncio.wait_for(asyncio.gather(*self.tasks), limit_s)
            return self.clock.monotonic() - started
        took = await self.clock.run_until(
            lambda: all(t.done() for t in self.tasks), step_s=step_s, limit_s=limit_s
        )
        for task in self.tasks:
            task.result()  # a runtime that raised fails the test
        return took

    async def close(self) -> None:
        """Close both ledgers of a pair that never ran (a run closes them at its end)."""
        assert not self.tasks, "a pair that ran is closed by shutdown()"
        for node in (self.seller, self.buyer):
            await node.ctx.ledger.close()


@dataclass(frozen=True)
class NodeExtras:
    """What a test adds to one node of a pair: an observer, services (MQTT, metrics), a
    liquidity watch (made from the node's ledger and clock)."""

    observer: Observer = NO_OBSERVER
    services: Sequence[ServiceFactory] = ()
    liquidity: Callable[[Ledger, Clock], LiquidityWatch] | None = None


NO_EXTRAS = NodeExtras()


async def trading_pair(
    folder: Path,
    *,
    clock: VirtualClock | None = None,
    seller_gain: Fraction = Fraction(1),
    load_mw: int = 2_000_000,
    timings: RuntimeTimings | None = None,
    seller_clock_status: ClockStatus = ClockStatus.SYNCHRONIZED,
    seller_requires_sync: bool = False,
    buyer_clock_status: ClockStatus = ClockStatus.SYNCHRONIZED,
    buyer_requires_sync: bool = False,
    seller_wallet_type: type[FakeWallet] = FakeWallet,
    seller_extras: NodeExtras = NO_EXTRAS,
    buyer_extras: NodeExtras = NO_EXTRAS,
    electrical: ElectricalGuarantees = ELECTRICAL,
    buyer_meter_self_powered: bool = False,
    session_expiry_s: float | None = None,
    seller_role: Callable[..., SellerRole] = SellerRole,
) -> Pair[VirtualClock]:
    """A seller with one buyer slot and a buyer with one seller, pinned to each other
    (the link is down until the buyer's gate opens and it dials), neither running yet.
    ``electrical``: the terms' guarantees (three phases make the wire three-phase);
    ``buyer_meter_self_powered``: the buyer's meter is dark while the supply is off;
    ``session_expiry_s``: each end of the link reports LinkExpired after that long down
    (the real link's ``session_expiry_s``; None: never); ``seller_role``: makes the
    seller's role from the keywords SellerRole takes (a battery node's seller)."""
    return await build_pair(
        folder,
        clock or VirtualClock(),
        seller_gain=seller_gain,
        load_mw=load_mw,
        timings=timings,
        seller_clock_status=seller_clock_status,
        seller_requires_sync=seller_requires_sync,
        buyer_clock_status=buyer_clock_status,
        buyer_requires_sync=buyer_requires_sync,
        seller_wallet_type=seller_wallet_type,
        seller_extras=seller_extras,
        buyer_extras=buyer_extras,
        electrical=electrical,
        buyer_meter_self_powered=buyer_meter_self_powered,
        session_expiry_s=session_expiry_s,
        seller_role=seller_role,
    )


async def realtime_pair(
    folder: Path,
    *,
    timings: RuntimeTimings | None = None,
    seller_extras: NodeExtras = NO_EXTRAS,
    buyer_extras: NodeExtras = NO_EXTRAS,
) -> Pair[SystemClock]:
    """The pair of :func:`trading_pair` on the system clock (the integration tier)."""
    return await build_pair(
        folder,
        SystemClock(),
        timings=timings,
        seller_extras=seller_extras,
        buyer_extras=buyer_extras,
    )


async def build_pair(
    folder: Path,
    clock: C,
    *,
    seller_gain: Fraction = Fraction(1),
    load_mw: int = 2_000_000,
    timings: RuntimeTimings | None = None,
    seller_clock_status: ClockStatus = ClockStatus.SYNCHRONIZED,
    seller_requires_sync: bool = False,
    buyer_clock_status: ClockStatus = ClockStatus.SYNCHRONIZED,
    buyer_requires_sync: bool = False,
    seller_wallet_type: type[FakeWallet] = FakeWallet,
    seller_extras: NodeExtras = NO_EXTRAS,
    buyer_extras: NodeExtras = NO_EXTRAS,
    electrical: ElectricalGuarantees = ELECTRICAL,
    buyer_meter_self_powered: bool = False,
    session_expiry_s: float | None = None,
    seller_role: Callable[..., SellerRole] = SellerRole,
) -> Pair[C]:
    """The pair on ``clock``."""
    timings = timings or RuntimeTimings(close_grace_s=10, peer_end_grace_s=3)
    network = FakeLightning()
    seller_wallet = seller_wallet_type(network, "seller", clock=clock)
    buyer_wallet = FakeWallet(network, "buyer", Msat(10**9), clock=clock)
    wire = Wire(clock, load_mw=load_mw, phases=electrical.phases)
    links = link_pair(clock=clock, expiry_s=session_expiry_s)
    seller_clock = SystemClockStatus(seller_clock_status)
    buyer_clock = SystemClockStatus(buyer_clock_status)
    seller_ctx = await node_context(
        folder / "seller",
        Role.SELLER,
        clock,
        seller_wallet,
        clock_status=seller_clock,
        require_sync=seller_requires_sync,
        timings=timings,
        observer=seller_extras.observer,
        liquidity=seller_extras.liquidity,
    )
    buyer_ctx = await node_context(
        folder / "buyer",
        Role.BUYER,
        clock,
        buyer_wallet,
        clock_status=buyer_clock,
        require_sync=buyer_requires_sync,
        timings=timings,
        observer=buyer_extras.observer,
        liquidity=buyer_extras.liquidity,
    )
    seller_peer = _pin("seller", seller_ctx.identity)
    buyer_peer = _pin("buyer-1", buyer_ctx.identity)
    seller_meter = wire.meter("seller-meter", gain=seller_gain)
    buyer_meter = wire.meter("buyer-meter", self_powered=buyer_meter_self_powered)
    slot = BuyerSlot(
        seller_ctx,
        "buyer-1",
        buyer_peer,
        links.seller,
        meter=seller_meter,
        meter_id="seller-meter",
        relay=FailSafeRelay(wire.relay(), name="relay of buyer-1"),
        poll_s=1.0,
    )
    role_of_seller = seller_role(
        seller_ctx,
        terms=demo_terms(electrical),
        server=MemoryListener(),
        listen=("127.0.0.1", 0),
        slots=[slot],
        storage_budget_mb_per_day=1_000,
    )
    partner = SellerPartner(
        buyer_ctx,
        "seller",
        seller_peer,
        MemoryDialer(links),
        limits=harness_limits(electrical.phases),
        breach_hold_ms=3_600_000,
        meter_id="buyer-meter",
    )
    poller = MeterPoller(
        buyer_meter,
        lambda _sample: None,
        period_s=1.0,
        name="buyer-meter",
        register_step_mwh=REGISTER_STEP_MWH,
        clock=clock,
        observer=buyer_extras.observer,
    )
    buyer_role = BuyerRole(buyer_ctx, partners=[partner], poller=poller)
    return Pair(
        clock=clock,
        network=network,
        wire=wire,
        links=links,
        seller_wallet=seller_wallet,
        buyer_wallet=buyer_wallet,
        seller=runtime(seller_ctx, role_of_seller, seller_extras.services),
        buyer=runtime(buyer_ctx, buyer_role, buyer_extras.services),
        slot=slot,
        partner=partner,
        seller_role=role_of_seller,
        buyer_role=buyer_role,
        seller_meter=seller_meter,
        buyer_meter=buyer_meter,
        seller_clock=seller_clock,
        buyer_clock=buyer_clock,
        folder=folder,
    )


def _pin(name: str, identity: NodeIdentity) -> PinnedPeer:
    return PinnedPeer.of(name, identity.certificate, identity.fingerprint)
