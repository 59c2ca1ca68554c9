"""Assembles a battery node (issue 22): one runtime, one identity, one LND, one ledger,
and three roles on one :class:`~gridnode.node.battery_desk.BatteryDesk`: the seller
(priced and pledged by the book), the estate buyer (its bid from the book) and the
battery's own part (the inverter, the bid each market period).

The ports are opened as for any node (:func:`gridnode.node.factory.build_runtime`, given
:func:`assemble_battery`); only the roles differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal

from gridnode.clock import SYSTEM_CLOCK, Clock
from gridnode.config.battery_node import BatterySettings
from gridnode.errors import UsageError
from gridnode.hardware.ports import HardwarePorts
from gridnode.node import factory
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_role import BatteryRole, BatterySellerRole, partner_limits
from gridnode.node.context import NodeContext, RuntimeTimings
from gridnode.node.main import node_clock
from gridnode.node.pruning import Pruner
from gridnode.node.receipts import ReceiptDesk
from gridnode.node.runtime import NodeRuntime, ServiceFactory
from gridnode.status.render import node_status
from gridnode.status.server import StatusServer


async def build_battery_runtime(
    settings: BatterySettings,
    *,
    allow_control: bool = False,
    timings: RuntimeTimings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> NodeRuntime:
    """Open a battery node's ports and assemble its runtime (nothing trades yet)."""
    if settings.battery is None:
        raise UsageError(
            'role = "prosumer": gridnode battery runs a battery node only so far; a '
            "prosumer's runtime (its offer from the PV surplus) is not built yet"
        )
    return await factory.build_runtime(
        settings,
        allow_control=allow_control,
        timings=timings,
        clock=clock,
        assemble=assemble_battery,
    )


def assemble_battery(
    settings: BatterySettings,
    ctx: NodeContext,
    hardware: HardwarePorts | None,
    opened: contextlib.AsyncExitStack,
    allow_control: bool,
    services: list[ServiceFactory],
) -> NodeRuntime:
    """The three roles on one desk, in one runtime."""
    config = settings.battery
    assert config is not None, "build_battery_runtime refuses a prosumer"
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
        [seller, buyer, battery],
        pruner=Pruner.for_node(settings, ctx.ledger, ctx.wallet, ctx.clock),
        watchdog=factory._watchdog(hardware, ctx.clock),
        status=status,
        close=opened.aclose,
        allow_control=allow_control,
        ledger_path=str(settings.ledger),
        config_warnings=settings.warnings,
        services=services,
    )


def run_battery(settings: BatterySettings, *, allow_control: bool = False) -> None:
    """Run a battery node until SIGTERM or SIGINT (each stops it cleanly; so does
    SIGHUP: it does not read its configuration again yet)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        runtime = await build_battery_runtime(
            settings, allow_control=allow_control, clock=node_clock(settings)
        )
        await runtime.run(stop)

    asyncio.run(main())
