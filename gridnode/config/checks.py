"""Checks across tables that need no network, run at load before the node opens anything:
what a seller's hardware must have, what the meter bus can deliver against the terms,
which meters and relays the buyers name, the node's own identity files, and which secret
files others can read (a warning).

Each check adds sentences to the file's problems, so one :class:`ConfigError` lists
them with every other mistake of the file.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import stat
from collections.abc import Iterable
from pathlib import Path

from gridnode.config.peers import BuyerEntry
from gridnode.config.reader import Problems
from gridnode.errors import GridnodeError
from gridnode.hardware.budget import BusBudget, bus_budget, buses_needed
from gridnode.hardware.config import BusConfig, HardwareConfig, RelayConfig, WatchdogConfig
from gridnode.hardware.profile import Profile, load_profile
from gridnode.identity import load_identity
from gridnode.trade.terms import SupplyPolicy

log = logging.getLogger("gridnode.config")


def require_watchdog(config: HardwareConfig, problems: Problems) -> None:
    """A seller's relays hold their state when the process dies: the external watchdog
    is what drops them, so a seller does not start without one."""
    if config.watchdog.kind == "none":
        problems.add(
            'hardware.watchdog.kind is "none", but a seller needs the external watchdog: a '
            "relay keeps its state when the node is killed. Wire it (hardware/deploy/WIRING.md) "
            'and set kind = "gpio" with its pin, or "modbus" with its address and coil'
        )


def hardware_budget(config: HardwareConfig) -> BusBudget | None:
    """The bus budget of the first bus's meters (a buyer's one bus), as
    :func:`open_hardware` will poll them; :func:`bus_budgets` has every bus."""
    return bus_budgets(config).get(config.bus.port)


def bus_budgets(config: HardwareConfig) -> dict[str, BusBudget]:
    """Each bus's budget by its port (a bus without meters has none)."""
    budgets = {}
    for bus in config.buses:
        profiles = [load_profile(m.model) for m in config.meters_on(bus)]
        if profiles:
            budgets[bus.port] = bus_budget(profiles, bus.baud, bus.gap_ms / 1000)
    return budgets


def oldest_reading_ms(budget: BusBudget) -> int:
    """How old a meter's latest reading gets on this bus with every read answered.

    Each meter is read once per poll round, and a sample is stamped when its read
    starts, so just before the next sample lands the previous one is a poll period plus
    that meter's own read time old.
    """
    longest_read_s = max(m.sample_time_s for m in budget.meters)
    return math.ceil((budget.poll_period_s + longest_read_s) * 1000)


def require_fresh_readings(
    config: HardwareConfig, policy: SupplyPolicy, problems: Problems
) -> None:
    """Refuse terms whose freshness limit a meter bus cannot meet; each bus is polled on
    its own, so each is held to the limit alone.

    The seller cuts power when its meter's latest reading is older than the terms'
    ``reading_max_age``: below what the bus delivers, that is every poll round. A limit
    with no room for one missed read (below the budget's ``freshness_limit_s``, three
    rounds) starts with a warning: a single CRC error on the bus would cut the power.
    Both say how many buses the bus's meters need (:func:`buses_needed`).
    """
    budgets = bus_budgets(config)
    for bus in config.buses:
        if bus.port in budgets:
            profiles = [load_profile(m.model) for m in config.meters_on(bus)]
            spread = spread_hint(bus, profiles, policy.reading_max_age_ms / 3000)
            _fresh_on(bus, budgets[bus.port], policy.reading_max_age_ms, spread, problems)


def _fresh_on(
    bus: BusConfig, budget: BusBudget, limit_ms: int, spread: str, problems: Problems
) -> None:
    oldest_ms = oldest_reading_ms(budget)
    recommended_s = math.ceil(budget.freshness_limit_s * 10) / 10
    what = (
        f"the RS-485 bus on {bus.port} ({len(budget.meters)} meter(s) at "
        f"{budget.baud} baud, {bus.gap_ms} ms between queries) reads each meter "
        f"every {budget.poll_period_s:.2f} s"
    )
    if limit_ms < oldest_ms:
        problems.add(
            f"The terms' reading_max_age_s is {limit_ms / 1000:g} s, but {what}, so a "
            f"reading is up to {oldest_ms / 1000:g} s old before the next one lands: the "
            "seller would cut the power for stale readings every poll round. Raise "
            f"[terms.policy] reading_max_age_s to at least {recommended_s:g} s, or shorten "
            "the poll round: a higher [hardware.bus] baud (the same on every meter), fewer "
            f"meters on this bus{f' ({spread})' if spread else ''}, or a shorter "
            "[hardware.bus] gap_ms"
        )
    elif limit_ms < budget.freshness_limit_s * 1000:
        log.warning(
            "The terms' reading_max_age_s is %g s and %s: one missed read (a CRC error, a "
            "slow answer) will cut the power. %g s (three poll rounds) leaves room for "
            "it%s.",
            limit_ms / 1000,
            what,
            recommended_s,
            f"; or {spread}" if spread else "",
        )


def spread_hint(bus: BusConfig, profiles: list[Profile], round_s: float) -> str:
    """How many buses (serial ports polled at once) would bring this bus's meters
    within ``round_s`` a round, as a clause; empty when more buses would not help."""
    count = buses_needed(profiles, bus.baud, bus.gap_ms / 1000, round_s)
    if count is None or count < 2:
        return ""
    return (
        f"spread its {len(profiles)} meters over {count} buses ([[hardware.buses]], an "
        "RS-485 adapter each, polled at once)"
    )


def require_buyer_meters(
    config: HardwareConfig, buyers: Iterable[BuyerEntry], problems: Problems
) -> None:
    """Each buyer's meter is configured, and measures that buyer alone."""
    configured = {m.id for m in config.meters}
    measured: dict[str, str] = {}
    for i, entry in enumerate(buyers):
        if not entry.meter:
            continue
        if entry.meter not in configured:
            where = "[[hardware.buses.meters]] of any bus" if len(config.buses) > 1 else None
            problems.add(
                f"buyers[{i}].meter names meter {entry.meter!r}, which is not in "
                f"{where or '[[hardware.meters]]'}; add it there or fix the name"
            )
        elif entry.meter in measured:
            problems.add(
                f"buyers[{i}].meter: meter {entry.meter!r} already measures buyer "
                f"{measured[entry.meter]!r}; each buyer needs a meter of its own"
            )
        else:
            measured[entry.meter] = entry.name


def require_one_meter(config: HardwareConfig, problems: Problems) -> None:
    """A buyer reads exactly one meter: its own."""
    if len(config.meters) != 1:
        problems.add(
            "hardware.meters: a buyer reads exactly one meter (its own); "
            f"{len(config.meters)} are configured"
        )


def on_meter_bus(config: HardwareConfig, entry: BuyerEntry) -> BuyerEntry:
    """``entry`` with its relay board on the bus of its meter, where the node opens it
    (a GPIO relay, or a meter not configured, as it is)."""
    meter = config.meter(entry.meter)
    if entry.relay.kind != "modbus" or meter is None:
        return entry
    relay = dataclasses.replace(entry.relay, bus=config.bus_of(meter).port)
    return dataclasses.replace(entry, relay=relay)


def require_separate_outputs(
    config: HardwareConfig,
    relays: Iterable[tuple[str, RelayConfig]],
    problems: Problems,
) -> None:
    """No two relays (nor a relay and the watchdog) on one output, and no relay board on
    a meter's slave address on its bus: one buyer's cut would switch another's supply.
    (A relay board's ``bus`` is its meter's, see :func:`on_meter_bus`; the watchdog is on
    the first bus.)"""
    outputs: list[tuple[str, RelayConfig | WatchdogConfig]] = list(relays)
    if config.relay is not None:
        outputs.insert(0, ("hardware.relay", config.relay))
    if config.watchdog.kind != "none":
        outputs.append(("hardware.watchdog", config.watchdog))
    meters: dict[tuple[str, int | None], str] = {
        (config.bus_of(m).port, m.address): m.id for m in config.meters
    }
    several = len(config.buses) > 1
    used: dict[tuple[str, str, int | None, int | None], str] = {}
    for where, output in outputs:
        port = (output.bus if isinstance(output, RelayConfig) else "") or config.bus.port
        if output.kind == "gpio":
            key: tuple[str, str, int | None, int | None] = ("gpio", "", output.pin, None)
            what = f"GPIO pin {output.pin}"
        else:
            key = ("modbus", port, output.address, output.coil)
            on = f" on the bus {port}" if several else ""
            what = f"coil {output.coil} of the relay board at address {output.address}{on}"
            if (port, output.address) in meters:
                problems.add(
                    f"{where}.address is {output.address}, the slave address of meter "
                    f"{meters[port, output.address]!r}{on}; give the relay board its own address"
                )
        if key in used:
            problems.add(f"{where} and {used[key]} both use {what}; give each its own")
        else:
            used[key] = where


def warn_if_shared(path: Path, key: str, risk: str, problems: Problems) -> None:
    """Warn, naming the file and the fix, when a secret the node reads (a macaroon, a
    CurveZMQ secret key) is readable by its group or by other users. A warning, not a
    mistake: the node still works, but anyone else on the machine could ``risk``. (The
    node's own key is stricter: readable by others, it is refused; LND's tls.cert is
    public by design and not checked.)"""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return  # a missing or unreadable file is reported where it is read
    if mode & 0o077:
        problems.warn(
            f"{key}: {path} is readable by other users (mode {mode:03o}), so anyone on this "
            f"machine could {risk}. Make it the node's alone: chmod 600 {path}"
        )


def require_identity(identity_dir: Path, problems: Problems) -> None:
    """The node's key and certificate are there, private and a pair."""
    try:
        load_identity(identity_dir)
    except GridnodeError as exc:
        problems.add(f"identity_dir: {str(exc).rstrip('.')}")
