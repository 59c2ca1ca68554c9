"""A virtual clock for the unit tier: time moves only when a test says so.

:class:`VirtualClock` satisfies :class:`gridnode.clock.Clock`. Code under test sleeps on it
as on the real one; the test calls :meth:`VirtualClock.advance` to move time forward,
which wakes each sleeper in deadline order and lets the event loop run what it woke
before moving on, so a minute of runtime takes milliseconds and no test waits on the wall
clock. :meth:`VirtualClock.jump` moves only the wall clock (an NTP step, a bad RTC).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

#: 2026-01-01T00:00:00Z: where a virtual wall clock starts unless told otherwise.
DEFAULT_START_MS = 1_767_225_600_000

#: How many turns of the event loop :meth:`VirtualClock.settle` gives woken tasks: enough
#: for a chain of awaits (queue hand-offs, futures, task wake-ups) to run out.
SETTLE_TURNS = 50


class VirtualClock:
    def __init__(self, start_ms: int = DEFAULT_START_MS) -> None:
        self._elapsed_ns = 0
        self._wall_offset_ms = start_ms
        self._sleepers: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    # -- the Clock port -----------------------------------------------------------------
    def now_ms(self) -> int:
        return self._wall_offset_ms + self._elapsed_ns // 1_000_000

    def monotonic(self) -> float:
        return self._elapsed_ns / 1e9

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        deadline = self._elapsed_ns + max(1, round(seconds * 1e9))
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._order), waiter))
        await waiter

    # -- what a test does ------------------------------------------------------------------
    @property
    def sleepers(self) -> int:
        """Tasks waiting on this clock now."""
        return sum(1 for _, _, waiter in self._sleepers if not waiter.done())

    async def settle(self) -> None:
        """Let every task that can run now run, without moving time."""
        for _ in range(SETTLE_TURNS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking sleepers in order of their deadlines
        and letting the loop settle after each wake-up."""
        target = self._elapsed_ns + round(seconds * 1e9)
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline = self._sleepers[0][0]
            self._elapsed_ns = max(self._elapsed_ns, deadline)
            while self._sleepers and self._sleepers[0][0] == deadline:
                _, _, waiter = heapq.heappop(self._sleepers)
                if not waiter.done():
                    waiter.set_result(None)
            await self.settle()
        self._elapsed_ns = max(self._elapsed_ns, target)
        await self.settle()

    async def run_until(
        self, condition: object, *, step_s: float = 0.05, limit_s: float = 3600.0
    ) -> float:
        """Advance in steps of ``step_s`` until ``condition()`` holds; returns the virtual
        seconds it took. Fails the test (AssertionError) after ``limit_s`` virtual seconds."""
        assert callable(condition)
        started = self._elapsed_ns
        while not condition():
            if self._elapsed_ns - started >= limit_s * 1e9:
                raise AssertionError(f"condition not met within {limit_s:g} virtual seconds")
            await self.advance(step_s)
        return (self._elapsed_ns - started) / 1e9

    def jump(self, seconds: float) -> None:
        """Step the wall clock by ``seconds`` (either way); monotonic time is unmoved."""
        self._wall_offset_ms += round(seconds * 1000)
