"""Build the node's hardware ports from its checked configuration.

The only place that picks drivers: the session core receives a :class:`Meter` per
meter id, a :class:`FailSafeRelay` and a watchdog output, and never imports a driver.
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
    bus: ModbusBus
    meters: dict[str, ModbusMeter]
    relay: FailSafeRelay | None
    watchdog: WatchdogOutput | None
    budget: BusBudget | None
    _closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        """Open the relay, release the pins, close the port."""
        if self.relay is not None:
            self.relay.driver.off_now()
        for closer in self._closers:
            closer.close()
        self.bus.close()


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
    """Open the bus and make every port; the relay starts (and is held) off. The meters
    stamp their samples with ``clock`` (the node's own)."""
    bus = ModbusBus(
        config.bus.port,
        config.bus.baud,
        timeout_s=config.bus.timeout_ms / 1000,
        gap_s=config.bus.gap_ms / 1000,
    )
    profiles = {m.id: m.profile_of(load_profile(m.model)) for m in config.meters}
    meters = {
        m.id: ModbusMeter(bus, profiles[m.id], m.address, meter_id=m.id, clock=clock)
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
    budget = (
        bus_budget(list(profiles.values()), config.bus.baud, config.bus.gap_ms / 1000)
        if profiles
        else None
    )
    return HardwarePorts(bus, meters, relay, watchdog, budget, closers)
