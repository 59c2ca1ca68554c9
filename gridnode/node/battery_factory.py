"""Assembles a battery node or a prosumer (issue 22): one runtime, one identity, one LND,
one ledger, and three roles. A battery's share one
:class:`~gridnode.node.battery_desk.BatteryDesk`: the seller (priced and pledged by the
book), the estate buyer (its bid from the book) and the battery's own part (the
inverter, the bid each market period). A prosumer's seller runs on a
:class:`~gridnode.node.prosumer_desk.ProsumerDesk` (its offer follows the PV surplus),
its estate buyer on the connection meter, and the household's part reads the
production meter and lets the buyer buy only without a surplus.

The ports are opened as for any node (:func:`gridnode.node.factory.build_runtime`, given
:func:`assemble_battery`); only the roles differ. SIGHUP reads the file again
(:mod:`gridnode.node.battery_reload`); the node never stops on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

from gridnode.clock import SYSTEM_CLOCK, Clock
from gridnode.config.battery_node import BatterySettings
from gridnode.hardware.ports import HardwarePorts
from gridnode.node import factory
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_reload import battery_reload
from gridnode.node.battery_role import BatteryRole, BatterySellerRole, partner_limits
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import NodeContext, RuntimeTimings
from gridnode.node.main import node_clock
from gridnode.node.metering import MeterPoller
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.prosumer_role import ProsumerRole
from gridnode.node.pruning import Pruner
from gridnode.node.receipts import ReceiptDesk
from gridnode.node.reload import ReloadResult
from gridnode.node.runtime import NodeRuntime, Role, ServiceFactory
from gridnode.status.render import node_status
from gridnode.status.server import StatusServer


async def build_battery_runtime(
    settings: BatterySettings,
    *,
    allow_control: bool = False,
    timings: RuntimeTimings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    config_path: Path | None = None,
) -> NodeRuntime:
    """Open a battery node's ports and assemble its runtime (nothing trades yet);
    ``config_path``: the file it reloads (SIGHUP, ``gridnode tariff reload``)."""
    assemble = assemble_battery if settings.battery is not None else assemble_prosumer
    return await factory.build_runtime(
        settings,
        allow_control=allow_control,
        timings=timings,
        clock=clock,
        assemble=functools.partial(assemble, config_path=config_path),
    )


def assemble_battery(
    settings: BatterySettings,
    ctx: NodeContext,
    hardware: HardwarePorts | None,
    opened: contextlib.AsyncExitStack,
    allow_control: bool,
    services: list[ServiceFactory],
    config_path: Path | None = None,
) -> NodeRuntime:
    """The three roles on one desk, in one runtime."""
    config = settings.battery
    assert config is not None, "a battery node has its [battery]"
    assert hardware is not None, "a battery node has its meters and relays"
    poll_s = hardware.budget.poll_period_s if hardware.budget else 1.0
    # empty until the inverter's first reading: nothing is offered or bid before
    desk = BatteryDesk(config.book(0), config.pricing, config.zone_name)
    make_seller = functools.partial(BatterySellerRole, desk=desk)
    seller = factory._seller(settings, ctx, hardware, poll_s, make_role=make_seller)
    buyer = factory._buyer(settings, ctx, hardware, poll_s, own_meter=settings.own_meter)
    buying = settings.buying
    battery = BatteryRole(
        ctx,
        desk,
        buyer,
        limits=buying.limits,
        limits_for=partner_limits(buying.limits, [s.seller_meter_id for s in buying.sellers]),
        period_ms=buying.market_period_ms,
        fresh=config.book,
    )
    reload = battery_reload(config_path, settings, seller, ctx, hardware, poll_s, desk, battery)
    return _runtime(
        settings, ctx, hardware, opened, allow_control, services, [seller, buyer, battery], reload
    )


def assemble_prosumer(
    settings: BatterySettings,
    ctx: NodeContext,
    hardware: HardwarePorts | None,
    opened: contextlib.AsyncExitStack,
    allow_control: bool,
    services: list[ServiceFactory],
    config_path: Path | None = None,
) -> NodeRuntime:
    """A prosumer: the seller on the PV surplus's desk, the estate buyer on the
    connection meter, and the household's part (the production meter, buying only
    without a surplus), in one runtime."""
    pv = settings.pv
    assert pv is not None, "a prosumer has its [pv]"
    assert hardware is not None, "a prosumer has its meters and relays"
    poll_s = hardware.budget.poll_period_s if hardware.budget else 1.0
    desk = ProsumerDesk(pv.rule, zone_name=pv.zone_name)
    make_seller = functools.partial(BatterySellerRole, desk=desk)
    seller = factory._seller(settings, ctx, hardware, poll_s, make_role=make_seller)
    buyer = factory._buyer(settings, ctx, hardware, poll_s, own_meter=settings.own_meter)
    production = MeterPoller(
        hardware.meters[pv.production_meter],
        lambda _event: None,
        period_s=poll_s,
        name=pv.production_meter,
        register_step_mwh=settings.register_step_mwh,
        clock=ctx.clock,
        observer=ctx.observer,
    )
    household = ProsumerRole(
        ctx,
        desk,
        buyer,
        production,
        period_ms=settings.buying.market_period_ms,
        production_register=pv.production_register,
    )
    reload = battery_reload(config_path, settings, seller, ctx, hardware, poll_s, desk)
    return _runtime(
        settings, ctx, hardware, opened, allow_control, services, [seller, buyer, household], reload
    )


def _runtime(
    settings: BatterySettings,
    ctx: NodeContext,
    hardware: HardwarePorts,
    opened: contextlib.AsyncExitStack,
    allow_control: bool,
    services: list[ServiceFactory],
    roles: list[Role],
    reload: Callable[[], Awaitable[ReloadResult]] | None = None,
) -> NodeRuntime:
    """One runtime of the roles: one ledger, one wallet, one status socket."""
    buyer = next(role for role in roles if isinstance(role, BuyerRole))

    def status(runtime: NodeRuntime) -> StatusServer:
        receipts = ReceiptDesk(settings.ledger, runtime.snapshot)
        opened.push_async_callback(receipts.close)
        return StatusServer(
            settings.status_socket,
            lambda: node_status(runtime.snapshot()),
            allow_control=allow_control,
            stop_session=runtime.stop_session,
            receipt=receipts.receipt,
            credit=buyer.credit,
            reload=runtime.reload,
        )

    return NodeRuntime(
        ctx,
        roles,
        pruner=Pruner.for_node(settings, ctx.ledger, ctx.wallet, ctx.clock),
        watchdog=factory._watchdog(hardware, ctx.clock),
        status=status,
        close=opened.aclose,
        allow_control=allow_control,
        ledger_path=str(settings.ledger),
        config_warnings=settings.warnings,
        services=services,
        reload=reload,
    )


def run_battery(
    settings: BatterySettings, *, allow_control: bool = False, config_path: Path | None = None
) -> None:
    """Run a battery node until SIGTERM or SIGINT (each stops it cleanly). SIGHUP reads
    ``config_path`` again (:mod:`gridnode.node.battery_reload`): what validates and is
    safe applies, the rest is said; it never stops the node."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # while it starts, SIGHUP is ignored: it starts on the file it just read
        loop.add_signal_handler(signal.SIGHUP, lambda: None)
        runtime = await build_battery_runtime(
            settings,
            allow_control=allow_control,
            clock=node_clock(settings),
            config_path=config_path,
        )
        spawn = runtime.ctx.tasks.spawn
        loop.add_signal_handler(
            signal.SIGHUP, lambda: spawn(runtime.reload("SIGHUP"), name="reload")
        )
        await runtime.run(stop)

    asyncio.run(main())
