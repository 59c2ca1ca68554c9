"""The buyer under systemd: it says READY=1 and WATCHDOG=1 only while healthy (its unit is
Type=notify with WatchdogSec=), and an unsynchronised clock shows on its status."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.hardware.watchdog import run_watchdog
from gridnode.ocmf import ClockStatus
from tests.support.clock import VirtualClock
from tests.support.node import trading_pair


async def test_the_buyer_is_healthy_only_while_its_meter_answers(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    role, runtime = pair.buyer_role, pair.buyer
    await pair.start()
    await pair.clock.advance(2)
    assert pair.buyer_meter.reads >= 2
    assert role.healthy()
    assert runtime.healthy()  # what the runtime hands its watchdog
    pair.buyer_meter.failing = True
    await pair.clock.advance(1)  # one poll
    assert not role.healthy()
    assert not runtime.healthy()
    assert any("meter" in w for w in runtime.snapshot().warnings)
    pair.buyer_meter.failing = False
    await pair.clock.advance(1)
    assert runtime.healthy()
    await pair.shutdown()


async def test_without_a_contactor_only_systemd_is_told() -> None:
    clock = VirtualClock()
    notes: list[str] = []
    healthy = True

    def notify(state: str) -> bool:
        notes.append(state)
        return True

    task = asyncio.create_task(
        run_watchdog(None, lambda: healthy, period_s=0.01, notify=notify, sleep=clock.sleep)
    )
    await clock.advance(0.05)
    assert notes == ["READY=1"] + ["WATCHDOG=1"] * 6  # at once, then every 10 ms
    healthy = False
    await clock.advance(0.03)
    told = len(notes)
    await clock.advance(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert notes[0] == "READY=1"
    assert notes.count("WATCHDOG=1") >= 2
    assert len(notes) == told  # unhealthy: systemd hears nothing more, and restarts it


async def test_an_unsynchronised_clock_is_a_warning_in_the_buyers_snapshot(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path, buyer_requires_sync=True)
    gate = pair.buyer.ctx.gate
    gate.update(ClockStatus.UNKNOWN)
    (warning,) = pair.buyer.snapshot().warnings
    assert "clock" in warning
    gate.update(ClockStatus.SYNCHRONIZED)
    assert list(pair.buyer.snapshot().warnings) == []
    await pair.close()
