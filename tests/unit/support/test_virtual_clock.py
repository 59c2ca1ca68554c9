"""The unit tier's virtual clock and the clock port's wait_for."""

from __future__ import annotations

import asyncio

import pytest

from gridnode.clock import Clock, SystemClock, wait_for
from tests.support.clock import VirtualClock


def _is_clock(clock: Clock) -> Clock:
    return clock


def test_both_clocks_satisfy_the_port() -> None:
    _is_clock(SystemClock())
    _is_clock(VirtualClock())


async def test_sleepers_wake_in_deadline_order_and_only_when_time_moves() -> None:
    clock = VirtualClock(start_ms=1_000)
    woke: list[tuple[str, int]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now_ms()))

    tasks = [asyncio.create_task(sleeper("late", 2.0)), asyncio.create_task(sleeper("soon", 0.5))]
    await clock.settle()
    assert woke == []
    assert clock.sleepers == 2
    await clock.advance(1.0)
    assert woke == [("soon", 1_500)]
    await clock.advance(1.0)
    assert woke == [("soon", 1_500), ("late", 3_000)]
    assert clock.monotonic() == pytest.approx(2.0)
    await asyncio.gather(*tasks)


async def test_a_loop_that_sleeps_runs_once_per_period() -> None:
    clock = VirtualClock()
    ticks: list[int] = []

    async def ticker() -> None:
        while True:
            ticks.append(clock.now_ms())
            await clock.sleep(0.25)

    task = asyncio.create_task(ticker())
    await clock.advance(1.0)
    task.cancel()
    start = ticks[0]
    assert [t - start for t in ticks] == [0, 250, 500, 750, 1000]


async def test_jump_moves_the_wall_clock_only() -> None:
    clock = VirtualClock(start_ms=10_000)
    clock.jump(-3600)
    assert clock.now_ms() == 10_000 - 3_600_000
    assert clock.monotonic() == 0.0


async def test_wait_for_times_out_on_the_injected_clock() -> None:
    clock = VirtualClock()
    never: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    waiting = asyncio.create_task(wait_for(clock, never, 5.0))
    await clock.advance(4.9)
    assert not waiting.done()
    await clock.advance(0.2)
    with pytest.raises(TimeoutError):
        await waiting
    assert never.cancelled()


async def test_wait_for_returns_the_result_first() -> None:
    clock = VirtualClock()

    async def answer() -> int:
        await clock.sleep(1.0)
        return 42

    waiting = asyncio.create_task(wait_for(clock, answer(), 5.0))
    await clock.advance(1.0)
    assert await waiting == 42
    assert clock.sleepers == 0
