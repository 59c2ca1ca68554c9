"""The hardware section of a node's configuration, as typed values.

The ``[hardware]`` table of the node's TOML is read and checked by
:mod:`gridnode.config.hardware` (every mistake one sentence, all of them at once, exit
code 2); this module holds only the values the ports are built from
(:func:`gridnode.hardware.ports.open_hardware`), so the hardware package imports nothing
of the configuration.

.. code-block:: toml

    [hardware.bus]
    port = "/dev/gridnode-rs485"
    baud = 9600
    gap_ms = 100

    [[hardware.meters]]
    id = "tenant-1"
    model = "sdm120"
    address = 1
    # ct_primary_a = 200   # a CT meter (sdm630mct): its transformers, primary / secondary
    # ct_secondary_a = 5

    # or several buses (one RS-485 adapter each), each with the meters wired to it:
    # [[hardware.buses]]
    # port = "/dev/gridnode-rs485-1"
    # baud = 38400
    # [[hardware.buses.meters]]
    # id = "tenant-1"
    # model = "sdm120"
    # address = 1

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

from dataclasses import dataclass
from typing import Literal

from gridnode.hardware.profile import Profile

#: The baud rates SDM meters speak.
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400)


@dataclass(frozen=True, slots=True)
class BusConfig:
    """The RS-485 bus every meter (and a Modbus relay board) answers on."""

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
    """One meter on the bus."""

    #: The name the node uses for this meter in samples, ledger and receipts.
    id: str
    #: A shipped profile (sdm120, sdm630) or the path of a profile file.
    model: str
    #: Modbus slave address, 1 to 247.
    address: int
    #: A CT meter's transformers (primary, secondary amperes, like 200 and 5); None
    #: keeps the profile's ratio (1:1 unless the profile says otherwise).
    ct: tuple[int, int] | None = None
    #: The serial port of the bus the meter is wired to; empty: the first bus.
    bus: str = ""

    def profile_of(self, profile: Profile) -> Profile:
        """``profile`` (this meter's model) with this installation's CT ratio."""
        return profile if self.ct is None else profile.with_ct(*self.ct)


@dataclass(frozen=True, slots=True)
class RelayConfig:
    """One relay: a contactor's relay module on a GPIO pin, or a relay board's coil.

    A relay board is on the bus of the meter it goes with (a buyer's relay beside its
    meter: ``bus``); the node's own relay and the watchdog are on the first bus.
    """

    #: "gpio": a pin drives the contactor's relay module; "modbus": a relay board's coil.
    kind: Literal["gpio", "modbus"]
    #: GPIO pin (BCM number) for kind "gpio".
    pin: int | None = None
    #: True when the relay module switches on at a high level.
    active_high: bool = True
    #: Slave address of the relay board for kind "modbus".
    address: int | None = None
    #: Coil of the relay board for kind "modbus" (the configuration must name it).
    coil: int = 0
    #: The serial port of the bus a relay board is on; empty: the first bus. A seller's
    #: buyer relay is set to its meter's bus when the settings load.
    bus: str = ""


@dataclass(frozen=True, slots=True)
class WatchdogConfig:
    """The external watchdog that drops every contactor when the node stops kicking it."""

    #: "gpio": a pin toggled for an external watchdog; "modbus": a coil written; "none".
    kind: Literal["gpio", "modbus", "none"]
    #: GPIO pin (BCM number) for kind "gpio".
    pin: int | None = None
    #: Slave address of the relay board for kind "modbus".
    address: int | None = None
    #: Coil of the relay board for kind "modbus" (the configuration must name it).
    coil: int = 1
    #: How often the node kicks while healthy; keep it well under the watchdog's timeout.
    period_ms: int = 500


@dataclass(frozen=True, slots=True)
class HardwareConfig:
    """The whole ``[hardware]`` table."""

    #: The RS-485 buses, one per serial port: ``[hardware.bus]`` is one,
    #: ``[[hardware.buses]]`` several (each polled on its own thread, at once).
    buses: tuple[BusConfig, ...]
    #: Every meter of every bus, each with its own slave address on its bus.
    meters: tuple[MeterConfig, ...]
    #: The node's own relay ([hardware.relay]); a seller's per-buyer relays are in
    #: its [[buyers]] entries.
    relay: RelayConfig | None
    #: The external watchdog (kind "none" for a buyer).
    watchdog: WatchdogConfig

    @property
    def bus(self) -> BusConfig:
        """The first bus (the only one of a buyer, a load agent or a single-bus seller)."""
        return self.buses[0]

    def meter(self, meter_id: str) -> MeterConfig | None:
        """The meter named ``meter_id``, if configured."""
        return next((m for m in self.meters if m.id == meter_id), None)

    def bus_of(self, meter: MeterConfig) -> BusConfig:
        """The bus ``meter`` is wired to."""
        return next((b for b in self.buses if b.port == meter.bus), self.buses[0])

    def meters_on(self, bus: BusConfig) -> tuple[MeterConfig, ...]:
        """The meters wired to ``bus``, in the configuration's order."""
        return tuple(m for m in self.meters if self.bus_of(m).port == bus.port)
