"""One doctor run: every check the node's role has, in the order an installer works.

:func:`examine` takes the checked settings and the ports (fakes in unit tests);
:func:`real_ports` makes the real ones. The hardware comes first (the port, the meters,
the relays and the watchdog), then Lightning (the macaroon, LND, a channel per peer),
then the clock, the peers and the disk.

A node that sells and buys (``role = "battery"`` or ``"prosumer"``) runs each check once
for what it shares (the port, every meter, the inverter's and the PV's too, the
macaroon, LND, the clock, the disk) and each peer's check on its side: a buyer's relay
and inbound channel, a seller's outbound channel and address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from gridnode.config.parts import BuyingSettings, SellingSettings
from gridnode.config.settings import AnySettings, BuyerSettings, SellerSettings
from gridnode.doctor import hardware_checks as hw
from gridnode.doctor import lightning_checks as ln
from gridnode.doctor import system_checks as system
from gridnode.doctor.bus_checks import bus_budgets
from gridnode.doctor.model import Check, DoctorReport, failure, ok, skipped
from gridnode.doctor.ports import (
    ClockProbe,
    LightningProbe,
    MeasureDisk,
    OpenHardware,
    ProbePeer,
    RunningNode,
    Sleep,
)
from gridnode.errors import GridnodeError, UsageError


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    #: The buyer whose relay the seller may click (with that buyer's consent).
    click: str | None = None
    #: Seconds the relay stays on, then off, before the meter is read.
    settle_s: float = 3.0
    #: The most seconds to wait for the watchdog to drop the relay.
    watchdog_s: float = 10.0


@dataclass
class DoctorPorts:
    open_hardware: OpenHardware
    #: Opens LND (raises a GridnodeError when its files cannot be read).
    lightning: Callable[[], LightningProbe]
    #: The node's macaroon, as bytes.
    macaroon: Callable[[], bytes]
    #: The running node's snapshot; None when the node is not running.
    running: RunningNode | None
    probe_peer: ProbePeer
    clock: ClockProbe
    measure: MeasureDisk
    sleep: Sleep = field(default=asyncio.sleep)


def _selling(settings: AnySettings) -> SellingSettings | None:
    """The node's seller part (a seller's, a battery's), or None (a buyer)."""
    return None if isinstance(settings, BuyerSettings) else settings.selling


def _buying(settings: AnySettings) -> BuyingSettings | None:
    """The node's buyer part (a buyer's, a battery's), or None (a seller)."""
    return None if isinstance(settings, SellerSettings) else settings.buying


async def examine(
    settings: AnySettings, ports: DoctorPorts, options: DoctorOptions, config: str = ""
) -> DoctorReport:
    """Every check of the node's role (both roles' for a node that sells and buys);
    raises :class:`UsageError` for a --click that names no buyer of this seller."""
    plan = _click_plan(settings, options)
    checks = await _hardware(settings, ports, plan)
    if (selling := _selling(settings)) is not None:
        checks += bus_budgets(settings.hardware, selling.terms.policy.reading_max_age_ms)
    checks += await _lightning(settings, ports)
    checks.append(system.clock_check(ports.clock, require_sync=settings.require_clock_sync))
    checks += await _peers(settings, ports)
    paths = [settings.ledger, *([settings.lnd_data_dir] if settings.lnd_data_dir else [])]
    checks.append(system.storage_check(ports.measure, paths, settings.storage_budget_mb_per_day))
    return DoctorReport(settings.role, config, ports.running is not None, tuple(checks))


def _click_plan(settings: AnySettings, options: DoctorOptions) -> hw.ClickPlan | None:
    if options.click is None:
        return None
    selling = _selling(settings)
    if selling is None:
        raise UsageError(
            "--click is the seller's test of a buyer's relay; a buyer's node has none to click."
        )
    names = [b.name for b in selling.buyers]
    entry = next((b for b in selling.buyers if b.name == options.click), None)
    if entry is None:
        raise UsageError(
            f"--click {options.click!r} is no buyer of this seller; its buyers: {names}."
        )
    meter = next(m for m in settings.hardware.meters if m.id == entry.meter)
    return hw.ClickPlan(entry.name, entry.relay, meter, options.settle_s, options.watchdog_s)


def _volts(settings: AnySettings) -> hw.VoltageRange:
    if (selling := _selling(settings)) is not None:  # the guarantee it gives its buyers
        e = selling.terms.electrical
        return hw.VoltageRange(e.voltage_min_mv, e.voltage_max_mv, "the terms'")
    assert isinstance(settings, BuyerSettings)
    limits = settings.buying.limits
    return hw.VoltageRange(limits.voltage_min_mv, limits.voltage_max_mv, "the limits'")


async def _hardware(
    settings: AnySettings, ports: DoctorPorts, plan: hw.ClickPlan | None
) -> list[Check]:
    config = settings.hardware
    selling = _selling(settings)
    seller = selling is not None  # it switches its buyers' relays: a watchdog is a must
    if isinstance(settings, BuyerSettings) and settings.buying.limits.seller_metered:
        detail = 'none: this buyer pays on the seller\'s meter alone (metering = "seller")'
        return [ok("hardware", detail)]
    has_watchdog = config.watchdog.kind != "none"
    buyers = selling.buyers if selling is not None else ()
    if ports.running is not None:
        checks = [hw.port_held_by_node(config)]
        checks += hw.meters_running(ports.running, config.meters, _volts(settings))
        for buyer in buyers:
            if plan is not None and plan.buyer == buyer.name:
                checks.append(
                    failure(
                        f"relay {buyer.name}",
                        "the click-test needs the relays to itself, and the node is running",
                        "Stop the node (systemctl stop gridnode-seller), run the click-test, "
                        "start it again.",
                    )
                )
            else:
                checks.append(_not_clicked(buyer.name))
        if seller or has_watchdog:
            checks.append(hw.watchdog_configured(config, running=True))
        return checks
    hardware, opened = hw.open_bus(ports.open_hardware, config)
    checks = [opened]
    if hardware is None:
        return checks
    try:
        checks += await hw.meters_direct(hardware, config.meters, _volts(settings))
        clicked: list[Check] = []
        for buyer in buyers:
            if plan is not None and plan.buyer == buyer.name:
                clicked = await hw.click_test(
                    hardware, plan, has_watchdog=has_watchdog, sleep=ports.sleep
                )
                checks += [c for c in clicked if c.name != "watchdog"]
            else:
                checks.append(_not_clicked(buyer.name))
        watchdog = [c for c in clicked if c.name == "watchdog"]
        if watchdog:
            checks += watchdog
        elif not has_watchdog and seller:
            checks.append(hw.watchdog_configured(config, running=False))
        elif has_watchdog:
            checks.append(await hw.kick_once(hardware))
    finally:
        hardware.close()
    return checks


def _not_clicked(buyer: str) -> Check:
    return skipped(
        f"relay {buyer}",
        "the click-test switches the relay on for a few seconds, so it runs only when asked",
        f"With {buyer}'s consent and the node stopped: gridnode doctor --click {buyer!r} ...",
    )


def _peer_channels(settings: AnySettings) -> list[ln.PeerChannel]:
    """Each buyer's channel (inbound, on its own tariff's payment sizes), then each
    seller's (outbound, on the limits)."""
    channels = []
    if (selling := _selling(settings)) is not None:
        for b in selling.buyers:
            pay = selling.terms_for(b).payments
            largest = max(pay.max_payment, pay.initial_deposit)
            where = f"[[buyers]] {b.name!r}"
            channels.append(
                ln.PeerChannel(
                    b.name, b.lightning_node, where, pay.min_payment, largest, side="seller"
                )
            )
    if (buying := _buying(settings)) is not None:
        limits = buying.limits
        largest = max(limits.max_payment, limits.max_deposit)
        where = "[seller]" if len(buying.sellers) == 1 else "[[sellers]]"
        channels += [
            ln.PeerChannel(
                s.name, s.lightning_node, where, limits.min_payment, largest, side="buyer"
            )
            for s in buying.sellers
        ]
    return channels


async def _lightning(settings: AnySettings, ports: DoctorPorts) -> list[Check]:
    try:
        data = ports.macaroon()
        probe = ports.lightning()
    except GridnodeError as exc:
        return [failure("lnd", f"the [lnd] files cannot be read: {exc}", "Fix [lnd].")]
    checks = [ln.macaroon_check(data, settings.role, allow_broad=settings.lnd.allow_broad_macaroon)]
    try:
        checks += await ln.lnd_checks(probe, settings.role, _peer_channels(settings))
    finally:
        await probe.close()
    return checks


async def _peers(settings: AnySettings, ports: DoctorPorts) -> list[Check]:
    """Each buyer (seen connected to the running node), then each seller (knocked at
    while the node is stopped)."""
    checks: list[Check] = []
    if (selling := _selling(settings)) is not None:
        peers = [system.PinnedPeerView(b.name, b.fingerprint) for b in selling.buyers]
        if ports.running is None:
            checks += system.buyers_when_stopped(peers)
        else:
            checks += system.peers_from_node(ports.running, peers)
    if (buying := _buying(settings)) is not None:
        sellers = [system.PinnedPeerView(s.name, s.fingerprint, s.address) for s in buying.sellers]
        if ports.running is not None:
            checks += system.peers_from_node(ports.running, sellers)
        else:
            checks += [await system.probe_seller(ports.probe_peer, s) for s in sellers]
    return checks


async def real_ports(settings: AnySettings) -> DoctorPorts:
    """The real ports of ``settings``' node (the running node's snapshot read once)."""
    from gridnode.doctor import adapters
    from gridnode.identity import load_identity
    from gridnode.node.clock_gate import system_clock_status
    from gridnode.node.storage import measure_paths
    from gridnode.wallet.lnd import LndWallet

    running = await adapters.running_node(settings.status_socket)
    identity = load_identity(settings.identity_dir)
    return DoctorPorts(
        open_hardware=adapters.BusHardware,
        lightning=lambda: LndWallet(settings.lnd.connection(), call_timeout_s=10.0),
        macaroon=lambda: settings.lnd.connection().macaroon,
        running=running,
        probe_peer=adapters.seller_probe(identity),
        clock=system_clock_status,
        measure=measure_paths,
    )
