"""Assembles a node from its settings: the ports first, then the roles, then the runtime.

The only place that opens real things (the identity, the ledger, LND, the serial bus and
its relays, the peer link's server or clients); the runtime and the roles receive them
ready. The process that runs it is :mod:`gridnode.node.main`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gridnode.clock import SYSTEM_CLOCK, Clock
from gridnode.config.battery_node import BatterySettings
from gridnode.config.peers import BuyerEntry
from gridnode.config.settings import AnySettings, BuyerSettings, NodeSettings, SellerSettings
from gridnode.hardware.ports import HardwarePorts
from gridnode.hardware.watchdog import run_watchdog
from gridnode.ledger import Ledger
from gridnode.node import wiring
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.clock_gate import ClockGate
from gridnode.node.context import Changes, IdSource, NodeContext, OsRandom, RuntimeTimings
from gridnode.node.estate import EstateMarket, LoadEstimate, MarketSettings, needed_power_mw
from gridnode.node.health import WalletHealth
from gridnode.node.liquidity import LiquidityWatch, WatchedPeer
from gridnode.node.market_seat import MarketSeat
from gridnode.node.metering import MeterPoller
from gridnode.node.pruning import Pruner
from gridnode.node.receipts import ReceiptDesk
from gridnode.node.reload import SellerReloader
from gridnode.node.runtime import NodeRuntime, Role, ServiceFactory
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.node.services import metrics, optional_services
from gridnode.node.tasks import TaskGroup
from gridnode.peer.client import BuyerClient
from gridnode.peer.server import SellerServer
from gridnode.peer.tls import PinnedPeer
from gridnode.ratefeed.view import feed_state
from gridnode.status.render import node_status
from gridnode.status.server import StatusServer
from gridnode.trade.seller_metered import SELLER_METERED_ID
from gridnode.trade.terms import BuyerLimits
from gridnode.wallet.port import ChannelLister

if TYPE_CHECKING:  # ZeroMQ only in a node that publishes its rate (a buyer)
    from gridnode.ratefeed.publisher import RateFeed

log = logging.getLogger("gridnode.node")


#: Assembles the runtime of a node whose ports are open (a battery node's is
#: :func:`gridnode.node.battery_factory.assemble_battery`).
Assembler = Callable[
    [
        Any,
        NodeContext,
        "HardwarePorts | None",
        contextlib.AsyncExitStack,
        bool,
        list[ServiceFactory],
    ],
    NodeRuntime,
]


async def build_runtime(
    settings: AnySettings,
    *,
    allow_control: bool = False,
    timings: RuntimeTimings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    ids: IdSource | None = None,
    config_path: Path | None = None,
    assemble: Assembler | None = None,
) -> NodeRuntime:
    """Open every port of a node and assemble its runtime (nothing trades yet). What was
    opened is closed again if a later step fails. ``config_path``: the file a seller
    reloads (SIGHUP, ``gridnode tariff reload``); ``assemble``: the roles of a node that
    is neither a seller nor a buyer (a battery node)."""
    identity, signer = wiring.open_identity(settings)
    opened = contextlib.AsyncExitStack()
    try:
        ledger = await wiring.open_ledger(settings)
        opened.push_async_callback(ledger.close)
        wallet = await wiring.open_wallet(settings)
        opened.push_async_callback(wallet.close)
        hardware: HardwarePorts | None = None  # a seller-metered buyer opens no serial port
        if not (isinstance(settings, BuyerSettings) and settings.buying.limits.seller_metered):
            hardware = wiring.open_node_hardware(settings.hardware, clock)
            opened.callback(hardware.close)
        registry, observer = metrics(settings)
        ctx = NodeContext(
            identity=identity,
            signer=signer,
            ledger=ledger,
            wallet=wallet,
            clock=clock,
            ids=ids or OsRandom(),
            tasks=TaskGroup(clock.now_ms),
            gate=ClockGate(settings.require_clock_sync, clock),
            # the seller's macaroon may read its channel balances (its receivable
            # headroom); the buyer's least-privilege one may not
            health=WalletHealth(
                wallet, clock, ask_balances=not isinstance(settings, BuyerSettings)
            ),
            timings=timings or RuntimeTimings(summary_interval_s=settings.log_summary_s),
            register_step_mwh=settings.register_step_mwh,
            changed=Changes(),
            observer=observer,
            liquidity=_liquidity(settings, wallet, ledger, clock),
        )
        optional = optional_services(settings, registry, allow_control)
        if assemble is not None:
            return assemble(settings, ctx, hardware, opened, allow_control, optional)
        assert not isinstance(settings, BatterySettings), "a battery node has its assembler"
        return _assemble(settings, ctx, hardware, opened, allow_control, optional, config_path)
    except BaseException:
        await opened.aclose()
        raise


def _liquidity(
    settings: AnySettings, wallet: ChannelLister, ledger: Ledger, clock: Clock
) -> LiquidityWatch:
    """The watch of each peer's direct channel (peers without lightning_node are not
    watched: the configuration does not say which channel is theirs)."""
    named = []
    if not isinstance(settings, BuyerSettings):  # the node sells to its buyers
        selling = settings.selling.buyers
        named += [(b.name, b.fingerprint, b.lightning_node, "seller") for b in selling]
    if not isinstance(settings, SellerSettings):  # and buys from its sellers
        buying = settings.buying.sellers
        named += [(s.name, s.fingerprint, s.lightning_node, "buyer") for s in buying]
    return LiquidityWatch(
        settings.role,
        [WatchedPeer(*peer) for peer in named],
        wallet,
        ledger,
        clock,
        warn_days=settings.liquidity_warn_days,
    )


def _assemble(
    settings: NodeSettings,
    ctx: NodeContext,
    hardware: HardwarePorts | None,
    opened: contextlib.AsyncExitStack,
    allow_control: bool,
    services: list[ServiceFactory],
    config_path: Path | None = None,
) -> NodeRuntime:
    poll_s = hardware.budget.poll_period_s if hardware and hardware.budget else 1.0
    role: Role
    rate_feed: Callable[[NodeRuntime], RateFeed] | None = None
    reloader: SellerReloader | None = None
    if isinstance(settings, SellerSettings):
        assert hardware is not None  # a seller always has its meters and relays
        role = seller = _seller(settings, ctx, hardware, poll_s)
        if config_path is not None:
            reloader = SellerReloader(
                config_path,
                settings,
                seller,
                _slot_builder(seller, ctx, hardware, poll_s),
                meters=set(hardware.meters),
            )
    else:
        role = _buyer(settings, ctx, hardware, poll_s)
        buying = settings.buying
        from gridnode.ratefeed.publisher import RateFeed, RatePublisher  # a buyer's only
        from gridnode.ratefeed.state import FeedState

        publisher = RatePublisher(buying.rate_feed, curve=buying.rate_feed_curve)

        market = role.market if isinstance(role, BuyerRole) else None

        def rate_feed(runtime: NodeRuntime) -> RateFeed:
            # the load agent's plan, sent up the feed, is the estate market's expected power
            on_plan = market.load.heard_plan if market is not None else None

            def snapshot() -> FeedState:
                return feed_state(runtime.snapshot())

            return RateFeed(publisher, snapshot, ctx.clock.now_ms, on_plan=on_plan)

    def status(runtime: NodeRuntime) -> StatusServer:
        receipts = ReceiptDesk(settings.ledger, runtime.snapshot)
        opened.push_async_callback(receipts.close)
        return StatusServer(
            settings.status_socket,
            lambda: node_status(runtime.snapshot()),
            allow_control=allow_control,
            stop_session=runtime.stop_session,
            receipt=receipts.receipt,
            credit=role.credit if isinstance(role, BuyerRole) else None,
            reload=runtime.reload,
        )

    return NodeRuntime(
        ctx,
        [role],
        pruner=Pruner.for_node(settings, ctx.ledger, ctx.wallet, ctx.clock),
        watchdog=_watchdog(hardware, ctx.clock),
        status=status,
        rate_feed=rate_feed,
        close=opened.aclose,
        allow_control=allow_control,
        ledger_path=str(settings.ledger),
        config_warnings=settings.warnings,
        services=services,
        reload=reloader.reload if reloader is not None else None,
    )


def _watchdog(
    hardware: HardwarePorts | None, clock: Clock
) -> Callable[[Callable[[], bool]], Coroutine[Any, Any, None]]:
    def watchdog(healthy: Callable[[], bool]) -> Coroutine[Any, Any, None]:
        # a buyer has no contactor to drop: only systemd's READY=1 / WATCHDOG=1
        output = hardware.watchdog if hardware is not None else None
        return run_watchdog(output, healthy, sleep=clock.sleep)

    return watchdog


def _seller(
    settings: SellerSettings | BatterySettings,
    ctx: NodeContext,
    hardware: HardwarePorts,
    poll_s: float,
    make_role: Callable[..., SellerRole] = SellerRole,
) -> SellerRole:
    selling = settings.selling
    peers = [PinnedPeer.from_files(b.name, b.fingerprint, b.certificate) for b in selling.buyers]
    # a buyer's message stays on disk until its ledger record is committed, and is handed
    # up again after a crash before that (docs/node.md)
    link_settings = dataclasses.replace(settings.link, keep_until_consumed=True)
    server = SellerServer(
        ctx.identity,
        peers,
        wiring.private_dir(settings.base / "links"),
        link_settings,
        clock=lambda: ctx.clock.now_ms() / 1000,  # the hello's skew check: the node's clock
    )
    slots = []
    for entry, peer in zip(selling.buyers, peers, strict=True):
        meter = hardware.meters[entry.meter]
        relay = wiring.relay_for(hardware, entry.relay, entry.name)
        slots.append(
            BuyerSlot(
                ctx,
                entry.name,
                peer,
                server.link(peer.fingerprint),
                meter=meter,
                meter_id=entry.meter,
                relay=relay,
                poll_s=hardware.poll_period_s(entry.meter, poll_s),  # its bus's round
                seller_metered=entry.seller_metered,
            )
        )
    host, port = selling.listen.rsplit(":", 1)
    role = make_role(
        ctx,
        terms=selling.terms,
        server=server,
        listen=(host, int(port)),
        slots=slots,
        storage_budget_mb_per_day=settings.storage_budget_mb_per_day,
    )
    for entry in selling.buyers:
        if entry.tariff:
            role.slots[entry.name].terms = selling.tariffs[entry.tariff]
    role.pins = server.update_buyers
    return role


def _slot_builder(
    role: SellerRole, ctx: NodeContext, hardware: HardwarePorts, poll_s: float
) -> Callable[[Sequence[BuyerEntry]], list[BuyerSlot]]:
    """Makes the slots of buyers a reload adds: each relay opened first (a relay that
    will not open changes nothing), then the buyers pinned on the peer link."""
    server = role.server
    assert isinstance(server, SellerServer)

    def build(entries: Sequence[BuyerEntry]) -> list[BuyerSlot]:
        relays = [wiring.relay_for(hardware, e.relay, e.name) for e in entries]
        peers = [PinnedPeer.from_files(e.name, e.fingerprint, e.certificate) for e in entries]
        server.update_buyers([s.peer for s in role.slots.values()] + peers)
        return [
            BuyerSlot(
                ctx,
                entry.name,
                peer,
                server.link(peer.fingerprint),
                meter=hardware.meters[entry.meter],
                meter_id=entry.meter,
                relay=relay,
                poll_s=hardware.poll_period_s(entry.meter, poll_s),  # its bus's round
            )
            for entry, peer, relay in zip(entries, peers, relays, strict=True)
        ]

    return build


def _buyer(
    settings: BuyerSettings | BatterySettings,
    ctx: NodeContext,
    hardware: HardwarePorts | None,
    poll_s: float,
    own_meter: str | None = None,
) -> BuyerRole:
    """``own_meter``: the meter it buys on, among several (a battery node's inverter);
    None: the one meter a buyer has."""
    buying = settings.buying
    poller: MeterPoller | None = None
    meter_id = SELLER_METERED_ID  # no meter of its own: it pays on the seller's readings
    if hardware is not None:
        meter_id, meter = next(iter(hardware.meters.items()))
        if own_meter is not None:
            meter_id, meter = own_meter, hardware.meters[own_meter]
        poller = MeterPoller(
            meter,
            lambda _e: None,
            period_s=poll_s,
            name=meter_id,
            register_step_mwh=settings.register_step_mwh,
            clock=ctx.clock,
            observer=ctx.observer,
        )
    # a seller's message stays on disk until its ledger record is committed, and is
    # handed up again after a crash before that (docs/node.md)
    link_settings = dataclasses.replace(settings.link, keep_until_consumed=True)
    links = wiring.private_dir(settings.base / "links")
    partners = []
    for entry in buying.sellers:
        peer = PinnedPeer.from_files(entry.name, entry.fingerprint, entry.certificate)
        host, port = entry.address.rsplit(":", 1)
        client = BuyerClient(
            ctx.identity,
            peer,
            host,
            int(port),
            links,
            link_settings,
            clock=lambda: ctx.clock.now_ms() / 1000,
        )
        partners.append(
            SellerPartner(
                ctx,
                entry.name,
                peer,
                client,
                limits=_limits_for(buying.limits, entry.seller_meter_id),
                breach_hold_ms=buying.breach_hold_ms,
                meter_id=meter_id,
            )
        )
    market = None
    if len(partners) > 1:  # the estate market (docs/market.md)
        # the config check refuses several sellers to a buyer without a meter of its own
        assert poller is not None, "the estate market needs the buyer's own meter"
        for partner, entry in zip(partners, buying.sellers, strict=True):
            partner.seat = MarketSeat(entry.priority, entry.premium_msat_per_kwh, entry.feed)
        period = buying.market_period_ms
        load = LoadEstimate(period, needed_power_mw(buying.limits))
        terms = MarketSettings(period, buying.switch_threshold)
        market = EstateMarket(ctx, partners, poller, terms, load)
    return BuyerRole(ctx, partners=partners, poller=poller, market=market)


def _limits_for(limits: BuyerLimits, seller_meter_id: str) -> BuyerLimits:
    """The limits for one seller: its own meter when its entry names one."""
    if not seller_meter_id:
        return limits
    return dataclasses.replace(limits, expected_meter_id=seller_meter_id)
