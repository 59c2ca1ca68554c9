"""The buyer under systemd: it says READY=1 and WATCHDOG=1 only while healthy (its unit is
Type=notify with WatchdogSec=), and an unsynchronised clock shows on its status."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.hardware.watchdog import run_watchdog
from gridnode.identity import Role, create_identity
from gridnode.node.buyer_node import BuyerNode
from gridnode.node.status_view import buyer_status
from gridnode.ocmf import ClockStatus
from tests.support.node_config import buyer_settings


class _Poller:
    last_error: Exception | None = None


def test_the_buyer_is_healthy_only_while_its_meter_answers(tmp_path: Path) -> None:
    node = BuyerNode(buyer_settings(tmp_path))
    assert not node.healthy()  # not started: no meter yet
    poller = _Poller()
    node.poller = poller  # type: ignore[assignment]
    assert node.healthy()
    poller.last_error = TimeoutError("meter 1 did not answer")
    assert not node.healthy()


async def test_without_a_contactor_only_systemd_is_told() -> None:
    notes: list[str] = []
    healthy = True

    def notify(state: str) -> bool:
        notes.append(state)
        return True

    task = asyncio.create_task(run_watchdog(None, lambda: healthy, period_s=0.01, notify=notify))
    await asyncio.sleep(0.05)
    healthy = False
    await asyncio.sleep(0.03)
    told = len(notes)
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert notes[0] == "READY=1"
    assert notes.count("WATCHDOG=1") >= 2
    assert len(notes) == told  # unhealthy: systemd hears nothing more, and restarts it


def test_an_unsynchronised_clock_is_a_warning_on_the_buyers_status(tmp_path: Path) -> None:
    node = BuyerNode(buyer_settings(tmp_path))
    identity = create_identity(tmp_path / "id", Role.BUYER)
    node.clock_gate.update(ClockStatus.UNKNOWN)
    (warning,) = buyer_status(node, identity).warnings
    assert "clock" in warning
    node.clock_gate.update(ClockStatus.SYNCHRONIZED)
    assert list(buyer_status(node, identity).warnings) == []
