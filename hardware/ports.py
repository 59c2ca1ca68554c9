"""Build the node's hardware ports from its checked configuration.

The only place that picks drivers: the session core receives a :class:`Meter` per
meter id, a :class:`FailSafeRelay` and a watchdog output, and never imports a driver.
Each configured bus is its own :class:`ModbusBus` (its own serial port and thread), with
its own budget: a meter is polled at its bus's pace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridnode.hardware.budget import BusBudget, bus_budget
from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.config import HardwareConfig, RelayConfig
from gridnode.hardware.meter import Clock as MeterClock
from gridnode.hardware.meter import ModbusMeter, utc_now
from gridnode.hardware.modbus_relay import ModbusRelay, ModbusWatchdogOutput
from gridnode.hardware.profile import load_profile
from gridnode.hardware.relay import FailSafeRelay, RelayDriver
from gridnode.hardware.watchdog import WatchdogOutput


@dataclass
class HardwarePorts:
    #: Every bus by its serial port, the first one first.
    buses: dict[str, ModbusBus]
    meters: dict[str, ModbusMeter]
    relay: FailSafeRelay | None
    watchdog: WatchdogOutput | None
    #: Each bus's budget by its port (a bus without meters has none).
    budgets: dict[str, BusBudget]
    _closers: list[Any] = field(default_factory=list)

    @property
    def bus(self) -> ModbusBus:
        """The first bus (the node's own relay and the watchdog are on it)."""
        return next(iter(self.buses.values()))

    @property
    def budget(self) -> BusBudget | None:
        """The slowest bus's budget (a buyer's one bus)."""
        return max(self.budgets.values(), key=lambda b: b.poll_period_s, default=None)

    def bus_of(self, meter_id: str) -> ModbusBus:
        """The bus meter ``meter_id`` is on (a buyer's relay board is there too)."""
        return self.meters[meter_id].bus

    def poll_period_s(self, meter_id: str, default: float = 1.0) -> float:
        """How often meter ``meter_id`` can be read: its bus's round."""
        budget = self.budgets.get(self.bus_of(meter_id).port)
        return budget.poll_period_s if budget is not None else default

    def close(self) -> None:
        """Open the relay, release the pins, close the ports."""
        if self.relay is not None:
            self.relay.driver.off_now()
        for closer in self._closers:
            closer.close()
        for bus in self.buses.values():
            bus.close()


def open_relay(
    config: RelayConfig,
    bus: ModbusBus,
    *,
    name: str = "relay",
    pin_factory: Any = None,
    closers: list[Any] | None = None,
) -> FailSafeRelay:
    """One relay (a landlord has one per tenant), switched off before it is returned.

    A GPIO driver is appended to ``closers`` (its pin is released at close).
    """
    driver: RelayDriver
    if config.kind == "gpio":
        from gridnode.hardware.gpio import GpioRelay

        assert config.pin is not None
        gpio = GpioRelay(config.pin, active_high=config.active_high, pin_factory=pin_factory)
        if closers is not None:
            closers.append(gpio)
        driver = gpio
    else:
        assert config.address is not None
        driver = ModbusRelay(bus, config.address, config.coil)
    driver.off_now()
    return FailSafeRelay(driver, name=name)


def open_hardware(
    config: HardwareConfig, *, pin_factory: Any = None, clock: MeterClock = utc_now
) -> HardwarePorts:
    """Open every bus and make every port; the relay starts (and is held) off. The
    meters stamp their samples with ``clock`` (the node's own)."""
    buses: dict[str, ModbusBus] = {}
    try:
        for settings in config.buses:
            buses[settings.port] = ModbusBus(
                settings.port,
                settings.baud,
                timeout_s=settings.timeout_ms / 1000,
                gap_s=settings.gap_ms / 1000,
            )
    except BaseException:
        for opened in buses.values():
            opened.close()
        raise
    bus = buses[config.bus.port]
    profiles = {m.id: m.profile_of(load_profile(m.model)) for m in config.meters}
    meters = {
        m.id: ModbusMeter(
            buses[config.bus_of(m).port], profiles[m.id], m.address, meter_id=m.id, clock=clock
        )
        for m in config.meters
    }
    closers: list[Any] = []
    relay: FailSafeRelay | None = None
    if config.relay is not None:
        relay = open_relay(config.relay, bus, pin_factory=pin_factory, closers=closers)
    watchdog: WatchdogOutput | None = None
    if config.watchdog.kind == "gpio":
        from gridnode.hardware.gpio import GpioWatchdogOutput

        assert config.watchdog.pin is not None
        out = GpioWatchdogOutput(config.watchdog.pin, pin_factory=pin_factory)
        closers.append(out)
        watchdog = out
    elif config.watchdog.kind == "modbus":
        assert config.watchdog.address is not None
        watchdog = ModbusWatchdogOutput(bus, config.watchdog.address, config.watchdog.coil)
    budgets = {
        b.port: bus_budget([profiles[m.id] for m in on_bus], b.baud, b.gap_ms / 1000)
        for b in config.buses
        if (on_bus := config.meters_on(b))
    }
    return HardwarePorts(buses, meters, relay, watchdog, budgets, closers)
