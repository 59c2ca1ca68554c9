"""A relay on a Modbus RTU relay board (a coil), on the same bus as the meters.

The simulated circuit's relay is such a board (coil 0), with its external watchdog
kicked by writing coil 1, so a killed seller is tested honestly: the relay lives in the
circuit's process and only the watchdog drops it.
"""

from __future__ import annotations

import asyncio
import logging

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.errors import HardwareError, RelayError

READ_COILS = 1
WRITE_SINGLE_COIL = 5

log = logging.getLogger(__name__)


class ModbusRelay:
    """Coil ``coil`` of the board at slave ``address``; written with function 5."""

    def __init__(self, bus: ModbusBus, address: int, coil: int = 0) -> None:
        self.bus = bus
        self.address = address
        self.coil = coil
        self._instrument = bus.instrument(address)
        #: the state last written (None: unknown), so an off that changes nothing (the
        #: fail-safe off after an off) is no switch for the meters (ModbusBus.switches);
        #: an on always counts (the external watchdog may have dropped the contactor)
        self._written: bool | None = None

    def _write(self, on: bool) -> None:
        changes = on or self._written is not False
        self._written = None  # unknown until the write is answered
        self.bus.transact(
            lambda: self._instrument.write_bit(
                self.coil, 1 if on else 0, functioncode=WRITE_SINGLE_COIL
            ),
            f"switching coil {self.coil} of relay board {self.address} {'on' if on else 'off'}",
            switches=changes,
        )
        self._written = on

    async def switch_on(self) -> None:
        try:
            await asyncio.to_thread(self._write, True)
        except HardwareError as exc:
            raise RelayError(f"The relay board could not be switched on: {exc}") from exc

    async def switch_off(self) -> None:
        try:
            await asyncio.to_thread(self._write, False)
        except HardwareError as exc:
            raise RelayError(f"The relay board could not be switched off: {exc}") from exc

    async def is_on(self) -> bool:
        try:
            bit: int = await self.bus.run(
                lambda: self._instrument.read_bit(self.coil, functioncode=READ_COILS),
                f"reading coil {self.coil} of relay board {self.address}",
            )
        except HardwareError as exc:
            raise RelayError(f"The relay board's state could not be read back: {exc}") from exc
        return bool(bit)

    def off_now(self) -> None:
        try:
            self._write(False)
        except Exception:  # a signal-safe off never raises; it says so loudly instead
            log.exception("relay board %s could not be switched off", self.address)


class ModbusWatchdogOutput:
    """Kicks a watchdog input of a relay board by writing a coil."""

    def __init__(self, bus: ModbusBus, address: int, coil: int = 1) -> None:
        self.bus = bus
        self.coil = coil
        self._instrument = bus.instrument(address)

    def kick(self) -> None:
        self.bus.transact(
            lambda: self._instrument.write_bit(self.coil, 1, functioncode=WRITE_SINGLE_COIL),
            f"kicking the watchdog on coil {self.coil}",
        )
