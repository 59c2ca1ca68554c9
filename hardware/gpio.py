"""GPIO relay and watchdog outputs on a Raspberry Pi, through gpiozero.

The pin and its active level come from configuration. gpiozero picks its pin factory
(lgpio on a Pi 5 and current Raspberry Pi OS); tests pass ``MockFactory()``.
"""

from __future__ import annotations

import logging
from typing import Any

from gpiozero import DigitalOutputDevice
from gpiozero.exc import GPIOZeroError

from gridnode.hardware.errors import RelayError

log = logging.getLogger(__name__)


def _output(pin: int | str, active_high: bool, pin_factory: Any, what: str) -> Any:
    try:
        return DigitalOutputDevice(
            pin, active_high=active_high, initial_value=False, pin_factory=pin_factory
        )
    except (GPIOZeroError, OSError) as exc:
        raise RelayError(
            f"Cannot use GPIO pin {pin} for the {what} ({exc}); check the pin number in the "
            "configuration and that this user is in the gpio group."
        ) from exc


class GpioRelay:
    """A contactor driven from one GPIO pin; off (inactive) from the moment it is made."""

    def __init__(
        self, pin: int | str, *, active_high: bool = True, pin_factory: Any = None
    ) -> None:
        self.pin = pin
        self._device = _output(pin, active_high, pin_factory, "relay")

    async def switch_on(self) -> None:
        try:
            self._device.on()
        except (GPIOZeroError, OSError) as exc:
            raise RelayError(f"GPIO pin {self.pin} could not be switched on ({exc}).") from exc

    async def switch_off(self) -> None:
        self.off_now()

    async def is_on(self) -> bool:
        return bool(self._device.value)

    def off_now(self) -> None:
        try:
            self._device.off()
        except Exception:  # a signal-safe off never raises; it says so loudly instead
            log.exception("GPIO pin %s could not be switched off", self.pin)

    def close(self) -> None:
        self.off_now()
        self._device.close()


class GpioWatchdogOutput:
    """A pin toggled while the node is healthy; an external watchdog watches it."""

    def __init__(self, pin: int | str, *, pin_factory: Any = None) -> None:
        self.pin = pin
        self._device = _output(pin, True, pin_factory, "watchdog output")

    def kick(self) -> None:
        self._device.toggle()

    def close(self) -> None:
        self._device.close()
