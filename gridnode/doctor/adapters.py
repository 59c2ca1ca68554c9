"""The doctor's real ports: the RS-485 bus with its meters, relays and watchdog, a
running node's status socket read once, and a TLS probe of the seller."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from gridnode.config.peers import parse_address
from gridnode.doctor.ports import MeterAnswer, ProbePeer, RunningNode, RunningSession
from gridnode.errors import GridnodeError
from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.config import HardwareConfig, MeterConfig, RelayConfig
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.modbus_relay import ModbusWatchdogOutput
from gridnode.hardware.ports import open_relay
from gridnode.hardware.profile import load_profile
from gridnode.hardware.relay import FailSafeRelay
from gridnode.hardware.watchdog import WatchdogOutput
from gridnode.identity import NodeIdentity, fingerprint_of_certificate
from gridnode.peer.fetch import fetch_certificate
from gridnode.status import client


class BusHardware:
    """:class:`~gridnode.doctor.ports.DoctorHardware` on the node's own buses; opening
    them fails while another process (the node) holds a port."""

    def __init__(self, config: HardwareConfig, *, pin_factory: Any = None) -> None:
        self.config = config
        self.buses: dict[str, ModbusBus] = {}
        try:
            for bus in config.buses:
                self.buses[bus.port] = ModbusBus(
                    bus.port, bus.baud, timeout_s=bus.timeout_ms / 1000, gap_s=bus.gap_ms / 1000
                )
        except BaseException:
            for opened in self.buses.values():
                opened.close()
            raise
        self.bus = self.buses[config.bus.port]
        self._pin_factory = pin_factory
        self._meters: dict[str, ModbusMeter] = {}
        self._relays: dict[RelayConfig, FailSafeRelay] = {}
        self._closers: list[Any] = []
        self._watchdog: WatchdogOutput | None = None

    async def read_meter(self, meter: MeterConfig) -> MeterAnswer:
        driver = self._meters.get(meter.id)
        if driver is None:
            profile = load_profile(meter.model)
            bus = self.buses[self.config.bus_of(meter).port]
            driver = ModbusMeter(bus, profile, meter.address, meter_id=meter.id)
            self._meters[meter.id] = driver
        sample = await driver.read()
        return MeterAnswer(driver.serial_number, sample)

    async def switch(self, relay: RelayConfig, on: bool) -> None:
        fail_safe = self._relays.get(relay)
        if fail_safe is None:
            fail_safe = await asyncio.to_thread(
                open_relay,
                relay,
                self.buses.get(relay.bus, self.bus),
                pin_factory=self._pin_factory,
                closers=self._closers,
            )
            self._relays[relay] = fail_safe
        await (fail_safe.switch_on() if on else fail_safe.switch_off())

    async def kick_watchdog(self) -> None:
        if self._watchdog is None:
            self._watchdog = self._open_watchdog()
        if self._watchdog is not None:
            await asyncio.to_thread(self._watchdog.kick)

    def _open_watchdog(self) -> WatchdogOutput | None:
        config = self.config.watchdog
        if config.kind == "gpio":
            from gridnode.hardware.gpio import GpioWatchdogOutput

            assert config.pin is not None
            out = GpioWatchdogOutput(config.pin, pin_factory=self._pin_factory)
            self._closers.append(out)
            return out
        if config.kind == "modbus":
            assert config.address is not None
            return ModbusWatchdogOutput(self.bus, config.address, config.coil)
        return None

    def close(self) -> None:
        for relay in self._relays.values():
            relay.driver.off_now()
        for closer in self._closers:
            with contextlib.suppress(Exception):
                closer.close()
        for bus in self.buses.values():
            bus.close()


async def running_node(socket: Path, timeout_s: float = 3.0) -> RunningNode | None:
    """The node's snapshot from its status socket; None when no node answers there."""
    try:
        async with asyncio.timeout(timeout_s):
            async for status in client.subscribe(socket):
                return RunningNode(
                    role=status.role,
                    fingerprint=status.fingerprint,
                    at_ms=status.at_ms,
                    lnd_reachable=status.lnd_reachable,
                    sessions=tuple(
                        RunningSession(
                            peer_name=s.peer_name,
                            peer_fingerprint=s.peer_fingerprint,
                            peer_connected=s.peer_connected,
                            meter_id=s.meter_id,
                            state=s.state,
                            relay_on=s.relay_on,
                            voltage_mv=s.voltage_mv,
                            current_ma=s.current_ma,
                            reading_at_ms=s.reading_at_ms,
                        )
                        for s in status.sessions
                    ),
                    warnings=tuple(status.warnings),
                )
    except (GridnodeError, OSError, TimeoutError):
        return None
    return None


def seller_probe(identity: NodeIdentity | None, timeout_s: float = 10.0) -> ProbePeer:
    """A :data:`~gridnode.doctor.ports.ProbePeer` offering ``identity``'s certificate, so
    a seller that pins this buyer sees an ordinary connection, not a refused one."""

    async def probe(address: str) -> str:
        host, port = parse_address(address)
        certificate = await fetch_certificate(host, port, timeout_s, identity)
        return fingerprint_of_certificate(certificate)

    return probe
