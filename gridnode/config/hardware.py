"""The ``[hardware]`` table (and every relay table) read into the typed values of
:mod:`gridnode.hardware.config`, with the one collecting reader: every mistake of every
hardware table is one sentence, all reported together, and a key no reader knows
(``gapms``, ``slave``) is a mistake too.

.. code-block:: toml

    [hardware.bus]
    port = "/dev/gridnode-rs485"
    baud = 9600                      # the rate set in every meter's menu
    gap_ms = 100                     # SDM meters need 100 ms between queries
    timeout_ms = 500

    [[hardware.meters]]
    id = "tenant-1"
    model = "sdm120"                 # a shipped profile, or a profile .json file
    address = 1                      # Modbus slave address, 1 to 247
    # ct_primary_a = 200             # a CT meter (sdm630mct): its transformers' ratio,
    # ct_secondary_a = 5             # both or neither (docs/config.md)

    # Several RS-485 adapters (a landlord with dozens of meters: the bus budget says how
    # many one bus can poll in time): one [[hardware.buses]] each, its meters under it.
    # A buyer's relay board is on the bus of its meter; the watchdog on the first bus.
    # [[hardware.buses]]
    # port = "/dev/gridnode-rs485-1"
    # baud = 38400
    # [[hardware.buses.meters]]
    # id = "flat-1"
    # model = "sdm120"
    # address = 1

    [hardware.relay]                 # optional: the node's own relay
    kind = "gpio"                    # pin (BCM), active_high
    pin = 17
    # kind = "modbus"                # a relay board: address and coil, both required

    [hardware.watchdog]              # a seller needs one; "none" for a buyer
    kind = "gpio"                    # pin; or "modbus" with address and coil
    pin = 27
    period_ms = 500
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gridnode.config.reader import Problems, Table
from gridnode.config.units import at_least_zero
from gridnode.errors import GridnodeError
from gridnode.hardware.config import (
    BAUD_RATES,
    BusConfig,
    HardwareConfig,
    MeterConfig,
    RelayConfig,
    WatchdogConfig,
)
from gridnode.hardware.profile import load_profile

#: BCM numbers of a Raspberry Pi's GPIO pins on its 40-pin header.
GPIO_PINS = range(28)
#: The coil numbers a Modbus relay board may have.
COILS = range(65_536)
_RELAY_KEYS = {
    "gpio": "kind, pin, active_high",
    "modbus": "kind, address, coil",
}
#: How each kind of output is named in a sentence that lists the choices.
_KINDS = {
    "gpio": '"gpio" (pin)',
    "modbus": '"modbus" (address, coil)',
    "simulated": '"simulated"',
    "none": '"none"',
}


def read_hardware(table: Table, base: Path) -> HardwareConfig | None:
    """The ``[hardware]`` table; None when it has mistakes (each one is reported)."""
    before = len(table.problems.items)
    if table.has("buses"):
        buses, meters = _read_buses(table, base)
    else:
        buses = (read_bus(table.table("bus")),)
        meters = _read_meters(table, base)
    _unique_ids(table, meters)
    relay = read_relay(table.table("relay")) if table.has("relay") else None
    watchdog = _read_watchdog(table.table("watchdog")) if table.has("watchdog") else None
    # beside [[hardware.buses]], [hardware.bus] and [[hardware.meters]] were reported
    table.unknown_keys({"bus", "meters"} if table.has("buses") else None)
    if len(table.problems.items) > before:
        return None
    return HardwareConfig(buses, meters, relay, watchdog or WatchdogConfig("none"))


def _read_buses(table: Table, base: Path) -> tuple[tuple[BusConfig, ...], tuple[MeterConfig, ...]]:
    """``[[hardware.buses]]``: several serial ports, each with the meters wired to it."""
    for single in ("bus", "meters"):
        if table.has(single):
            table.problems.add(
                f"{table.name(single)} is given beside [[{table.name('buses')}]]; with "
                f"several buses put each bus's settings and meters under its own "
                f"[[{table.name('buses')}]] ([[{table.name('buses')}.meters]])"
            )
    buses: list[BusConfig] = []
    meters: list[MeterConfig] = []
    bus_tables = table.tables("buses")
    if not bus_tables and "buses" in table.doc:
        table.problems.add(f"[[{table.name('buses')}]] lists no bus; give at least one")
    for bus_table in bus_tables:
        on_bus = _read_meters(bus_table, base)
        bus = read_bus(bus_table, allowed={"meters"})
        if bus.port and bus.port in {b.port for b in buses}:
            bus_table.problems.add(
                f"{bus_table.name('port')}: {bus.port} is the port of an earlier bus too; "
                "each [[hardware.buses]] is its own serial port (one RS-485 adapter each)"
            )
        buses.append(bus)
        meters += [dataclasses.replace(m, bus=bus.port) for m in on_bus]
    return tuple(buses), tuple(meters)


def parse_hardware(doc: Mapping[str, Any], base: Path | None = None) -> HardwareConfig:
    """A ``[hardware]`` table already parsed from TOML (for tools and tests; a node reads
    it with its whole file); raises :class:`ConfigError` listing every mistake."""
    problems = Problems("[hardware]")
    config = read_hardware(Table(doc, "hardware", problems), base or Path.cwd())
    problems.raise_if_any()
    assert config is not None
    return config


def parse_relay(doc: Mapping[str, Any], where: str = "hardware.relay") -> RelayConfig:
    """One relay table already parsed from TOML, named ``where`` in its sentences;
    raises :class:`ConfigError` listing every mistake."""
    problems = Problems(where)
    relay = read_relay(Table(doc, where, problems))
    problems.raise_if_any()
    assert relay is not None
    return relay


def read_bus(table: Table, *, meters: bool = True, allowed: set[str] | None = None) -> BusConfig:
    """An RS-485 bus table; with ``meters`` its baud must be one SDM meters speak.
    ``allowed``: keys another reader reads (a bus's ``meters``)."""
    bus = BusConfig(
        port=table.get("port", str, hint='the serial port, like "/dev/gridnode-rs485"'),
        baud=table.positive("baud", 9600),
        gap_ms=at_least_zero(table, "gap_ms", 100, "SDM meters need 100 ms between queries"),
        timeout_ms=table.positive("timeout_ms", 500),
    )
    if meters and table.has("baud") and bus.baud > 0 and bus.baud not in BAUD_RATES:
        rates = ", ".join(str(r) for r in BAUD_RATES[:-1])
        table.problems.add(
            f"{table.name('baud')} is {bus.baud}; SDM meters speak {rates} or "
            f"{BAUD_RATES[-1]}. Use the rate set in the meters' menus"
        )
    table.unknown_keys(allowed)
    return bus


def _read_meters(table: Table, base: Path) -> tuple[MeterConfig, ...]:
    meters: list[MeterConfig] = []
    for meter_table in table.tables("meters"):
        meter = MeterConfig(
            id=meter_table.get("id", str, hint='the name used for this meter, like "flat-2"'),
            model=_model(meter_table, base),
            address=read_address(meter_table),
            ct=_ct(meter_table),
        )
        meter_table.unknown_keys()
        meters.append(meter)
    addresses = [m.address for m in meters if m.address]
    if len(set(addresses)) != len(addresses):
        table.problems.add(
            f"{table.name('meters')} share a slave address ({addresses}); each device on a "
            "bus needs its own. Change one in the meter's menu and here"
        )
    return tuple(meters)


def _unique_ids(table: Table, meters: tuple[MeterConfig, ...]) -> None:
    """Meter ids name meters in samples, the ledger and receipts: one meter each, on
    whichever bus."""
    ids = [m.id for m in meters if m.id]
    where = table.name("buses.meters" if table.has("buses") else "meters")
    for meter_id in sorted({i for i in ids if ids.count(i) > 1}):
        table.problems.add(f"{where}: the id {meter_id!r} is used twice; give each meter its own")


def _ct(table: Table) -> tuple[int, int] | None:
    """``ct_primary_a`` and ``ct_secondary_a``: a CT meter's transformers, both or none."""
    if not table.has("ct_primary_a") and not table.has("ct_secondary_a"):
        return None
    primary = table.positive("ct_primary_a", hint="the transformers' primary amperes, like 200")
    secondary = table.positive("ct_secondary_a", hint="their secondary amperes, 5 or 1")
    if table.has("ct_primary_a") and table.has("ct_secondary_a") and primary > 0 < secondary:
        return primary, secondary
    return None


def _model(table: Table, base: Path) -> str:
    """A shipped profile name, or a profile file (relative to the configuration)."""
    model = table.get("model", str, hint="sdm120, sdm630 or a profile .json file")
    if not model:
        return model
    path = Path(model).expanduser()
    if path.suffix == ".json" and not path.is_absolute():
        model = str(base / path)
    try:
        load_profile(model)  # an unknown model is a mistake of this file, not of the run
    except GridnodeError as exc:
        table.problems.add(f"{table.name('model')}: {str(exc).rstrip('.')}")
    return model


def read_address(table: Table) -> int:
    """A Modbus slave address, 1 to 247."""
    address = table.get("address", int, hint="the Modbus slave address, 1 to 247")
    if table.has("address") and isinstance(address, int) and not 1 <= address <= 247:
        table.problems.add(
            f"{table.name('address')} is {address}; a Modbus slave address is 1 to 247. "
            "Set the address shown in the device's menu"
        )
    return address


def read_relay(table: Table, kinds: tuple[str, ...] = ("gpio", "modbus")) -> RelayConfig | None:
    """One relay table (``[hardware.relay]``, a buyer's ``relay``, a load's ``relay``):
    a GPIO pin, or a relay board's address and coil (both required: a coil left out is
    not coil 0, it is a mistake). None when it has mistakes."""
    before = len(table.problems.items)
    kind = table.get("kind", str, hint='"gpio" (pin) or "modbus" (address, coil)')
    relay: RelayConfig | None = None
    if kind == "gpio":
        relay = RelayConfig(
            "gpio", pin=read_pin(table), active_high=table.get("active_high", bool, True)
        )
    elif kind == "modbus":
        relay = RelayConfig("modbus", address=read_address(table), coil=read_coil(table))
    elif table.has("kind") and isinstance(kind, str):
        _wrong_kind(table, kind, kinds)
    if relay is not None:
        table.unknown_keys(of=f'a "{kind}" relay ({_RELAY_KEYS[kind]})')
    return relay if len(table.problems.items) == before else None


def read_pin(table: Table) -> int:
    """A GPIO pin by its BCM number."""
    pin = table.get("pin", int, hint="the GPIO pin's BCM number, like 17")
    if table.has("pin") and isinstance(table.doc["pin"], int) and pin not in GPIO_PINS:
        table.problems.add(
            f"{table.name('pin')} is {pin}; a Raspberry Pi's GPIO pins are BCM 0 to 27 "
            "(the number after GPIO on the pinout, not the header position)"
        )
    return pin


def read_coil(table: Table) -> int:
    """A relay board's coil: required, never a silent 0."""
    coil = table.get("coil", int, hint="the relay board's coil that switches it, from 0")
    if table.has("coil") and isinstance(table.doc["coil"], int) and coil not in COILS:
        table.problems.add(f"{table.name('coil')} is {coil}; a coil is 0 to 65535")
    return coil


def _read_watchdog(table: Table) -> WatchdogConfig | None:
    kind = table.get("kind", str, hint='"gpio" (pin), "modbus" (address, coil) or "none"')
    watchdog: WatchdogConfig | None = None
    if kind == "none":
        watchdog = WatchdogConfig("none")
        table.unknown_keys(of='a watchdog of kind "none" (only kind)')
        return watchdog
    period = table.positive("period_ms", 500, hint="keep it well under the watchdog's timeout")
    if kind == "gpio":
        watchdog = WatchdogConfig("gpio", pin=read_pin(table), period_ms=period)
        table.unknown_keys(of='a "gpio" watchdog (kind, pin, period_ms)')
    elif kind == "modbus":
        watchdog = WatchdogConfig(
            "modbus", address=read_address(table), coil=read_coil(table), period_ms=period
        )
        table.unknown_keys(of='a "modbus" watchdog (kind, address, coil, period_ms)')
    elif table.has("kind") and isinstance(kind, str):
        _wrong_kind(table, kind, ("gpio", "modbus", "none"))
    return watchdog


def _wrong_kind(table: Table, kind: str, kinds: tuple[str, ...]) -> None:
    names = [_KINDS[k] for k in kinds]
    choices = f"{', '.join(names[:-1])} or {names[-1]}"
    table.problems.add(f"{table.name('kind')} must be {choices}, not {kind!r}")
