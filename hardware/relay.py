"""The relay port and the fail-safe that wraps every relay driver.

Fail-safe means the relay is off at start, on any unhandled error, on shutdown and on
SIGTERM or SIGINT. That covers what the process can see. A process killed with SIGKILL,
or hung, sees nothing, and a GPIO pin keeps its level: for that a seller must also run
the hardware watchdog (:mod:`gridnode.hardware.watchdog`), which stops toggling a pin so
an external watchdog drops the contactor (hardware/deploy/WIRING.md).
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Protocol, runtime_checkable

from gridnode.hardware.errors import RelayMismatchError

log = logging.getLogger(__name__)

SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


@runtime_checkable
class Relay(Protocol):
    """A contactor the node switches. Raises
    :class:`~gridnode.hardware.errors.RelayError` when it cannot."""

    async def switch_on(self) -> None: ...

    async def switch_off(self) -> None: ...

    async def is_on(self) -> bool:
        """The state read back from the device (or its output), not the one last asked for."""
        ...


class RelayDriver(Relay, Protocol):
    """A relay driver also offers a blocking, signal-safe way to open the contactor."""

    def off_now(self) -> None:
        """Switch off at once, from any thread or a signal handler; never raises."""
        ...


class FailSafeRelay:
    """Wraps a driver: off at start and at exit, off on error, off on SIGTERM and SIGINT.

    Use as ``async with FailSafeRelay(driver) as relay:`` around the node's runtime (or
    ``with`` from blocking code). Every switch is read back; a mismatch switches off and
    raises :class:`RelayMismatchError`.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, driver: RelayDriver, *, name: str = "relay") -> None:
        self.driver = driver
        self.name = name
        self._previous: dict[int, SignalHandler] = {}

    # The Relay port.
    async def switch_on(self) -> None:
        try:
            await self.driver.switch_on()
            if not await self.driver.is_on():
                raise RelayMismatchError(
                    f"The {self.name} reads back off after it was switched on; check its "
                    "wiring and its coil supply. It is held off."
                )
        except BaseException:
            self.driver.off_now()
            raise

    async def switch_off(self) -> None:
        try:
            await self.driver.switch_off()
        finally:
            self.driver.off_now()
        if await self.driver.is_on():
            raise RelayMismatchError(
                f"The {self.name} still reads back on after it was switched off: the "
                "contactor may be welded. Cut the supply by hand and check it."
            )

    async def is_on(self) -> bool:
        return await self.driver.is_on()

    # Fail-safe scope.
    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.driver.off_now()
        log.warning("%s switched off on signal %s", self.name, signal.Signals(signum).name)
        previous = self._previous.get(signum)
        if callable(previous):
            previous(signum, frame)
        # Leave as the signal would have: exit code 128 + signal number.
        sys.exit(128 + signum)

    def __enter__(self) -> FailSafeRelay:
        self.driver.off_now()
        for sig in self.SIGNALS:
            try:
                self._previous[sig] = signal.signal(sig, self._on_signal)
            except ValueError:  # not the main thread: the owner must handle signals
                log.debug("cannot install a %s handler outside the main thread", sig.name)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.driver.off_now()
        if exc is not None:
            log.error("%s switched off after an unhandled error: %r", self.name, exc)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    async def __aenter__(self) -> FailSafeRelay:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class SimulatedRelay:
    """A relay driver with no contactor behind it: it only remembers its state.

    The load agent gives one to a load configured without a relay (the demo's smart
    loads, a dry run before the wiring is done), so the decisions run and are logged
    with nothing switched. It never fails and reads back what it was told.
    """

    def __init__(self) -> None:
        self.on = False

    async def switch_on(self) -> None:
        self.on = True

    async def switch_off(self) -> None:
        self.off_now()

    async def is_on(self) -> bool:
        return self.on

    def off_now(self) -> None:
        self.on = False
