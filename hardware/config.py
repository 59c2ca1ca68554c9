"""The hardware section of a node's configuration, checked, and the ports built from it.

Parsed from the ``[hardware]`` table of the node's TOML (the settings model embeds
:class:`HardwareConfig`). Every mistake is a :class:`~gridnode.errors.UsageError` that
names the field and the fix (exit code 2).

.. code-block:: toml

    [hardware.bus]
    port = "/dev/gridnode-rs485"
    baud = 9600
    gap_ms = 100

    [[hardware.meters]]
    id = "tenant-1"
    model = "sdm120"
    address = 1

    [hardware.relay]
    kind = "gpio"          # or "modbus" (address, coil)
    pin = 17
    active_high = true

    [hardware.watchdog]
    kind = "gpio"          # or "modbus" (address, coil), or "none" for a buyer
    pin = 27
    period_ms = 500
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gridnode.errors import UsageError
from gridnode.hardware.profile import load_profile


@dataclass(frozen=True, slots=True)
class BusConfig:
    #: Serial port of the RS-485 adapter (the udev rule names it /dev/gridnode-rs485).
    port: str
    #: Baud rate, the same on every device of the bus.
    baud: int = 9600
    #: Minimum quiet time between queries; some meters reboot below 100 ms.
    gap_ms: int = 100
    #: Time to wait for an answer.
    timeout_ms: int = 500


@dataclass(frozen=True, slots=True)
class MeterConfig:
    #: The name the node uses for this meter in samples, ledger and receipts.
    id: str
    #: A shipped profile (sdm120, sdm630) or the path of a profile file.
    model: str
    #: Modbus slave address, 1 to 247.
    address: int


@dataclass(frozen=True, slots=True)
class RelayConfig:
    #: "gpio": a pin drives the contactor's relay module; "modbus": a relay board's coil.
    kind: Literal["gpio", "modbus"]
    #: GPIO pin (BCM number) for kind "gpio".
    pin: int | None = None
    #: True when the relay module switches on at a high level.
    active_high: bool = True
    #: Slave address of the relay board for kind "modbus".
    address: int | None = None
    #: Coil of the relay board for kind "modbus".
    coil: int = 0


@dataclass(frozen=True, slots=True)
class WatchdogConfig:
    #: "gpio": a pin toggled for an external watchdog; "modbus": a coil written; "none".
    kind: Literal["gpio", "modbus", "none"]
    pin: int | None = None
    address: int | None = None
    coil: int = 1
    #: How often the node kicks while healthy; keep it well under the watchdog's timeout.
    period_ms: int = 500


@dataclass(frozen=True, slots=True)
class HardwareConfig:
    bus: BusConfig
    meters: tuple[MeterConfig, ...]
    relay: RelayConfig | None
    watchdog: WatchdogConfig

    def require_seller_safety(self) -> None:
        """A seller needs a relay and a watchdog (a GPIO keeps its level when killed)."""
        if self.relay is None:
            raise UsageError(
                "hardware.relay is missing: a seller needs a relay to cut the supply. "
                'Add [hardware.relay] with kind = "gpio" and pin, or kind = "modbus" and address.'
            )
        if self.watchdog.kind == "none":
            raise UsageError(
                'hardware.watchdog.kind is "none", but a seller needs the external watchdog: '
                "a relay pin keeps its level when the node is killed. Wire it "
                '(hardware/deploy/WIRING.md) and set kind = "gpio" with its pin.'
            )


def _field(doc: Mapping[str, Any], key: str, where: str, kind: type, default: Any = ...) -> Any:
    if key not in doc:
        if default is ...:
            raise UsageError(f"{where}.{key} is missing; add it to the configuration.")
        return default
    value = doc[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise UsageError(f"{where}.{key} must be a whole number, not {value!r}.")
    if not isinstance(value, kind):
        raise UsageError(f"{where}.{key} must be a {kind.__name__}, not {value!r}.")
    return value


def _address(doc: Mapping[str, Any], where: str) -> int:
    address: int = _field(doc, "address", where, int)
    if not 1 <= address <= 247:
        raise UsageError(
            f"{where}.address is {address}; a Modbus slave address is 1 to 247. "
            "Set the address shown in the device's menu."
        )
    return address


def parse_hardware(doc: Mapping[str, Any]) -> HardwareConfig:
    """Check and convert the ``[hardware]`` table (already parsed from TOML)."""
    bus_doc = _field(doc, "bus", "hardware", dict)
    bus = BusConfig(
        port=_field(bus_doc, "port", "hardware.bus", str),
        baud=_field(bus_doc, "baud", "hardware.bus", int, 9600),
        gap_ms=_field(bus_doc, "gap_ms", "hardware.bus", int, 100),
        timeout_ms=_field(bus_doc, "timeout_ms", "hardware.bus", int, 500),
    )
    if bus.baud not in (1200, 2400, 4800, 9600, 19200, 38400):
        raise UsageError(
            f"hardware.bus.baud is {bus.baud}; SDM meters speak 1200, 2400, 4800, 9600, "
            "19200 or 38400. Use the rate set in the meters' menus."
        )
    meters: list[MeterConfig] = []
    for i, meter_doc in enumerate(_field(doc, "meters", "hardware", list, [])):
        where = f"hardware.meters[{i}]"
        meter = MeterConfig(
            id=_field(meter_doc, "id", where, str),
            model=_field(meter_doc, "model", where, str),
            address=_address(meter_doc, where),
        )
        load_profile(meter.model)  # an unknown model fails here, at start-up
        meters.append(meter)
    addresses = [m.address for m in meters]
    if len(set(addresses)) != len(addresses):
        raise UsageError(
            f"hardware.meters share a slave address ({addresses}); each device on a bus "
            "needs its own. Change one in the meter's menu and here."
        )
    relay = parse_relay(doc["relay"]) if "relay" in doc else None
    watchdog = _parse_watchdog(doc.get("watchdog", {"kind": "none"}))
    return HardwareConfig(bus, tuple(meters), relay, watchdog)


def parse_relay(doc: Mapping[str, Any], where: str = "hardware.relay") -> RelayConfig:
    """Check one relay table; ``where`` names it in errors (a landlord has one per tenant)."""
    if not isinstance(doc, Mapping):
        raise UsageError(f'{where} must be a table with kind = "gpio" or "modbus".')
    kind = _field(doc, "kind", where, str)
    if kind == "gpio":
        return RelayConfig(
            "gpio",
            pin=_field(doc, "pin", where, int),
            active_high=_field(doc, "active_high", where, bool, True),
        )
    if kind == "modbus":
        return RelayConfig(
            "modbus",
            address=_address(doc, where),
            coil=_field(doc, "coil", where, int, 0),
        )
    raise UsageError(f'{where}.kind is "{kind}"; use "gpio" or "modbus".')


def _parse_watchdog(doc: Mapping[str, Any]) -> WatchdogConfig:
    kind = _field(doc, "kind", "hardware.watchdog", str)
    period = _field(doc, "period_ms", "hardware.watchdog", int, 500)
    if kind == "gpio":
        return WatchdogConfig(
            "gpio", pin=_field(doc, "pin", "hardware.watchdog", int), period_ms=period
        )
    if kind == "modbus":
        return WatchdogConfig(
            "modbus",
            address=_address(doc, "hardware.watchdog"),
            coil=_field(doc, "coil", "hardware.watchdog", int, 1),
            period_ms=period,
        )
    if kind == "none":
        return WatchdogConfig("none")
    raise UsageError(f'hardware.watchdog.kind is "{kind}"; use "gpio", "modbus" or "none".')
