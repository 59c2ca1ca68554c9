"""The hardware checks: the serial port opens, each meter answers with its serial number
and plausible values, the relay click-test, the watchdog drops the relay.

A running node holds the serial port (it is opened exclusively: two masters on one
RS-485 bus garble each other's frames), so then the meters are judged from the node's
own latest readings, and the click-test, which needs the relays to itself, waits until
the node is stopped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from gridnode.doctor.model import Check, failure, ok, skipped, warning
from gridnode.doctor.ports import DoctorHardware, OpenHardware, RunningNode, Sleep
from gridnode.errors import GridnodeError
from gridnode.hardware.config import HardwareConfig, MeterConfig, RelayConfig
from gridnode.hardware.sample import MeterSample

#: A reading older than this (against the snapshot's time) is stale.
FRESH_MS = 15_000
#: Mains frequency a meter may plausibly report, in mHz (50 or 60 Hz grids).
FREQUENCY_MHZ = (45_000, 65_000)
#: Current at or above this means the relay let power through (a load is on).
FLOWING_MA = 50


@dataclass(frozen=True, slots=True)
class VoltageRange:
    """The voltage a meter should see: the seller's guarantee or the buyer's limits."""

    min_mv: int
    max_mv: int
    #: Where the range comes from, for the sentence ("the terms' 207-253 V").
    source: str


def _v(mv: int) -> str:
    return f"{mv / 1000:.1f} V"


def port_held_by_node(config: HardwareConfig) -> Check:
    return ok(
        "serial port",
        f"{_ports(config)} is held by the running node (its status socket answers), "
        "which reads the meters through it",
    )


def open_bus(
    open_hardware: OpenHardware, config: HardwareConfig
) -> tuple[DoctorHardware | None, Check]:
    """The bus opened, and the check line that says whether it did."""
    try:
        hardware = open_hardware(config)
    except GridnodeError as exc:
        return None, failure(
            "serial port",
            f"{_ports(config)} does not open: {exc}",
            "Plug in the RS-485 adapter, check the udev rule's name and that this user is "
            "in the dialout group; stop any other program that holds the port.",
        )
    opens = ", ".join(f"{b.port} opens at {b.baud} baud" for b in config.buses)
    return hardware, ok("serial port", opens)


def _ports(config: HardwareConfig) -> str:
    """The serial port of each bus, for a sentence (one, or ``a, b and c``)."""
    ports = [b.port for b in config.buses]
    return ports[0] if len(ports) == 1 else f"{', '.join(ports[:-1])} and {ports[-1]}"


async def meters_direct(
    hardware: DoctorHardware, meters: Sequence[MeterConfig], volts: VoltageRange
) -> list[Check]:
    """Ask each meter at its address: its serial number, voltage and frequency."""
    checks = []
    for meter in meters:
        name = f"meter {meter.id}"
        try:
            answer = await hardware.read_meter(meter)
        except GridnodeError as exc:
            checks.append(
                failure(
                    name,
                    f"no good answer at address {meter.address}: {exc}",
                    "Check the meter's address and baud rate in its menu against "
                    "[[hardware.meters]], and the wiring (A to A, B to B, termination).",
                )
            )
            continue
        sample = answer.sample
        serial = (
            f"serial number {answer.serial_number}"
            if answer.serial_number is not None
            else f"no serial number in the {meter.model} profile"
        )
        found = (
            f"{meter.model} at address {meter.address}, {serial}, {_v(sample.voltage_mv)}, "
            f"{sample.frequency_mhz / 1000:.2f} Hz"
        )
        checks.append(
            _judge_values(
                name, found, sample.voltage_mv, sample.frequency_mhz, volts, relay_on=False
            )
        )
    return checks


def _judge_values(
    name: str,
    found: str,
    voltage_mv: int,
    frequency_mhz: int | None,
    volts: VoltageRange,
    *,
    relay_on: bool,
) -> Check:
    """``relay_on``: whether the relay before this meter is known closed. A meter on the
    load side of an open relay (where hardware/deploy/WIRING.md puts it) reads 0 V."""
    if voltage_mv == 0 and not relay_on:
        return ok(name, f"{found}: no voltage behind the open relay (the load side)")
    if voltage_mv == 0:
        return failure(
            name,
            f"{found}: no voltage with the relay closed",
            "The meter answers but sees no supply: check the breaker, the contactor and "
            "the meter's line-side wiring.",
        )
    if frequency_mhz is not None and not FREQUENCY_MHZ[0] <= frequency_mhz <= FREQUENCY_MHZ[1]:
        return failure(
            name,
            f"{found}: no mains frequency reads like that",
            "Check the meter profile (model) fits this meter: a wrong register map "
            "decodes nonsense.",
        )
    if not volts.min_mv <= voltage_mv <= volts.max_mv:
        return warning(
            name,
            f"{found}: outside {volts.source} {_v(volts.min_mv)} to {_v(volts.max_mv)}",
            "Measure the supply; if it is right, the terms or limits do not fit this "
            "installation and sessions would end in breaches.",
        )
    return ok(name, found)


def meters_running(
    node: RunningNode, meters: Sequence[MeterConfig], volts: VoltageRange
) -> list[Check]:
    """Judge each meter by the running node's latest reading of it."""
    checks = []
    for meter in meters:
        name = f"meter {meter.id}"
        seen = [s for s in node.sessions if s.meter_id == meter.id and s.reading_at_ms > 0]
        if not seen:
            checks.append(
                skipped(
                    name,
                    "the running node holds no reading of it now (no session reads it)",
                    "Run the doctor again while a session runs, or with the node stopped "
                    "to ask the meter directly.",
                )
            )
            continue
        latest = max(seen, key=lambda s: s.reading_at_ms)
        age_ms = node.at_ms - latest.reading_at_ms
        if age_ms > FRESH_MS:
            checks.append(
                failure(
                    name,
                    f"the running node's latest reading is {age_ms / 1000:.0f} s old",
                    "The node cannot read the meter: see its log, check the wiring and "
                    "the meter's address.",
                )
            )
            continue
        found = (
            f"read by the running node {max(age_ms, 0) / 1000:.1f} s ago: "
            f"{_v(latest.voltage_mv)}, {latest.current_ma / 1000:.2f} A"
        )
        checks.append(
            _judge_values(name, found, latest.voltage_mv, None, volts, relay_on=latest.relay_on)
        )
    return checks


@dataclass(frozen=True, slots=True)
class ClickPlan:
    """The seller's click-test of one buyer's relay, agreed with that buyer."""

    buyer: str
    relay: RelayConfig
    meter: MeterConfig
    #: Seconds the relay stays on (and off) before the meter is read.
    settle_s: float = 3.0
    #: The most seconds to wait, without kicks, for the watchdog to drop the relay.
    watchdog_s: float = 10.0


async def click_test(
    hardware: DoctorHardware, plan: ClickPlan, *, has_watchdog: bool, sleep: Sleep
) -> list[Check]:
    """Switch the buyer's relay on and confirm by the metered current, then (with a
    watchdog) stop kicking and confirm the watchdog drops it; always off at the end."""
    name = f"relay {plan.buyer}"
    try:
        if has_watchdog:
            await hardware.kick_watchdog()
        await hardware.switch(plan.relay, True)
        await _kept_alive(hardware, plan.settle_s, has_watchdog, sleep)
        on = await hardware.read_meter(plan.meter)
        await hardware.switch(plan.relay, False)
        await _kept_alive(hardware, plan.settle_s, has_watchdog, sleep)
        off = await hardware.read_meter(plan.meter)
    except GridnodeError as exc:
        await _off(hardware, plan.relay)
        return [
            failure(
                name,
                f"the click-test stopped: {exc}",
                "Check the relay's wiring and its [[buyers]] relay table.",
            )
        ]
    checks = [_judge_click(name, plan, on.sample, off.sample.current_ma)]
    if has_watchdog and checks[0].outcome.value == "ok":
        checks.append(await _watchdog_drop(hardware, plan, sleep))
    return checks


async def _kept_alive(hardware: DoctorHardware, seconds: float, kick: bool, sleep: Sleep) -> None:
    """Wait ``seconds``, kicking the watchdog every half second so it holds the relay."""
    left = seconds
    while left > 0:
        step = min(0.5, left)
        await sleep(step)
        left -= step
        if kick:
            await hardware.kick_watchdog()


async def _off(hardware: DoctorHardware, relay: RelayConfig) -> None:
    with contextlib.suppress(GridnodeError):  # close() switches every relay off again
        await hardware.switch(relay, False)


def _judge_click(name: str, plan: ClickPlan, on: MeterSample, off_ma: int) -> Check:
    meter = f"meter {plan.meter.id}"
    on_ma = on.current_ma
    if off_ma >= FLOWING_MA:
        return failure(
            name,
            f"{meter} still saw {off_ma / 1000:.2f} A with the relay off",
            "The relay does not cut this buyer's supply, or the meter measures another "
            "circuit: check the wiring against [[buyers]] meter and relay.",
        )
    if on_ma < FLOWING_MA:
        return warning(
            name,
            f"the relay reads back on, but {meter} saw no current ({on_ma} mA)",
            "Switch a load on in the flat (a kettle, a heater) and run the click-test "
            "again; if the meter still sees nothing, check it measures this relay's circuit.",
        )
    return ok(
        name,
        f"switched on: {meter} saw {on_ma / 1000:.2f} A at {_v(on.voltage_mv)}; off again: "
        f"{off_ma / 1000:.2f} A",
    )


async def _watchdog_drop(hardware: DoctorHardware, plan: ClickPlan, sleep: Sleep) -> Check:
    """Relay on, then no kicks: the external watchdog must drop it within ``watchdog_s``."""
    name = "watchdog"
    try:
        await hardware.kick_watchdog()
        await hardware.switch(plan.relay, True)
        waited = 0.0
        while waited < plan.watchdog_s:
            await sleep(0.5)
            waited += 0.5
            sample = (await hardware.read_meter(plan.meter)).sample
            if sample.current_ma < FLOWING_MA:
                return ok(
                    name,
                    f"dropped {plan.buyer}'s relay {waited:.1f} s after the last kick "
                    f"(meter {plan.meter.id} saw the current stop)",
                )
    except GridnodeError as exc:
        return failure(name, f"the drop test stopped: {exc}", "Check the watchdog's wiring.")
    finally:
        await _off(hardware, plan.relay)
    return failure(
        name,
        f"{plan.buyer}'s relay still carried current {plan.watchdog_s:.0f} s after the last kick",
        "Wire the watchdog's output in series with every contactor's coil "
        "(hardware/deploy/WIRING.md) and check its timeout is under a few seconds.",
    )


def watchdog_configured(config: HardwareConfig, *, running: bool) -> Check:
    """Without the click-test: the watchdog is configured, and kicked by a running node."""
    kind = config.watchdog.kind
    if kind == "none":
        return failure(
            "watchdog",
            "no watchdog is configured",
            "Wire an external watchdog and set [hardware.watchdog] (a seller needs one: a "
            "killed node would leave the relays as they are).",
        )
    where = (
        f"pin {config.watchdog.pin}"
        if kind == "gpio"
        else (f"coil {config.watchdog.coil} of board {config.watchdog.address}")
    )
    if running:
        return ok(
            "watchdog",
            f"{kind} on {where}, kicked every {config.watchdog.period_ms} ms by the running node",
        )
    return skipped(
        "watchdog",
        f"{kind} on {where} is configured; that it drops a relay is seen by the click-test",
        "Run 'gridnode doctor --click BUYER' with the node stopped and the buyer's consent.",
    )


async def kick_once(hardware: DoctorHardware) -> Check:
    """The watchdog output answers a kick (the node is stopped, no click-test asked)."""
    try:
        await hardware.kick_watchdog()
    except GridnodeError as exc:
        return failure(
            "watchdog",
            f"the watchdog output did not take a kick: {exc}",
            "Check [hardware.watchdog] against the wiring.",
        )
    return skipped(
        "watchdog",
        "the watchdog output takes a kick; that it drops a relay is seen by the click-test",
        "Run 'gridnode doctor --click BUYER' with the buyer's consent.",
    )
