"""Time as a port: everything that reads the time or waits takes a :class:`Clock`.

The session core already takes ``now_ms`` as an argument; the runtime around it (the
session runners, the meter pollers, the clock gate, the watchdog, the pruner) asks the
clock it was given instead of ``time`` or the event loop. Production passes
:class:`SystemClock`; unit tests pass a virtual clock they step by hand
(``tests/support/clock.py``), so nothing in the unit tier sleeps on the wall clock.

Two readings, because they answer different questions: :meth:`Clock.now_ms` is the wall
clock (Unix milliseconds: what readings, invoices and periods are stamped with, and what
a clock jump moves), :meth:`Clock.monotonic` only ever goes forward (what timeouts and
intervals are measured with).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    """The time source a runtime component is given."""

    def now_ms(self) -> int:
        """Wall-clock time in milliseconds since the Unix epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (its origin means nothing)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on this clock (at once for zero or less)."""
        ...


class SystemClock:
    """The real time: ``time.time_ns`` for the wall clock, ``asyncio.sleep`` to wait."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


#: The one system clock production code shares.
SYSTEM_CLOCK = SystemClock()


class ShiftedClock:
    """A clock whose wall time is another's moved by an offset kept in a file: how the
    fault drills jump one node's clock by an hour either way (docs/drill.md) without
    touching the machine's clock, which every process on it shares.

    The file holds the offset in milliseconds (``3600000``, ``-3600000``); it is read
    again at most every ``reread_s`` of monotonic time, and a missing or unreadable file
    means no offset. Monotonic time and waits are the base clock's: a real clock jump
    moves only the wall clock."""

    def __init__(self, path: Path, base: Clock = SYSTEM_CLOCK, reread_s: float = 0.2) -> None:
        self.path = path
        self.base = base
        self.reread_s = reread_s
        self._shift_ms = 0
        self._read_at: float | None = None

    @property
    def shift_ms(self) -> int:
        now = self.base.monotonic()
        if self._read_at is None or now - self._read_at >= self.reread_s:
            self._read_at = now
            try:
                self._shift_ms = int(self.path.read_text().strip() or 0)
            except (OSError, ValueError):
                self._shift_ms = 0
        return self._shift_ms

    def now_ms(self) -> int:
        return self.base.now_ms() + self.shift_ms

    def monotonic(self) -> float:
        return self.base.monotonic()

    async def sleep(self, seconds: float) -> None:
        await self.base.sleep(seconds)


async def wait_for(clock: Clock, awaitable: Awaitable[T], timeout_s: float) -> T:
    """``awaitable``'s result, or :class:`TimeoutError` once ``timeout_s`` passed on
    ``clock`` (the awaitable is then cancelled), like :func:`asyncio.wait_for` but on the
    injected clock."""
    work: asyncio.Future[T] = asyncio.ensure_future(awaitable)
    timer: asyncio.Future[None] = asyncio.ensure_future(clock.sleep(timeout_s))
    waiting: list[asyncio.Future[Any]] = [work, timer]
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()
        raise
    finally:
        timer.cancel()
    if work.done():
        return work.result()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await work
    raise TimeoutError(f"no result within {timeout_s:g} s")
