"""The buyer under systemd: it says READY=1 and WATCHDOG=1 only while healthy (its unit is
Type=notify with WatchdogSec=), and an unsynchronised clock shows on its status. A buyer's
meter powered from the circuit is dark while the supply is off: that is no fault, and a
buyer booting on an unpowered circuit trades until the seller switches it on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.hardware.watchdog import run_watchdog
from gridnode.node.buyer_role import METER_SILENCE_S
from gridnode.ocmf import ClockStatus
from tests.support.clock import VirtualClock
from tests.support.node import trading_pair


async def test_the_buyer_is_unhealthy_while_its_meter_port_fails(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    role, runtime = pair.buyer_role, pair.buyer
    await pair.start()
    await pair.clock.advance(2)
    assert pair.buyer_meter.reads >= 2
    assert role.healthy()
    assert runtime.healthy()  # what the runtime hands its watchdog
    pair.buyer_meter.broken = True  # the adapter is gone: not a dark meter
    await pair.clock.advance(1)  # one poll
    assert not role.healthy()
    assert not runtime.healthy()
    assert any("meter" in w for w in runtime.snapshot().warnings)
    pair.buyer_meter.broken = False
    await pair.clock.advance(1)
    assert runtime.healthy()
    await pair.shutdown()


async def test_a_silent_meter_is_unhealthy_only_after_a_while_of_supply(tmp_path: Path) -> None:
    """No answer while the seller supplies: healthy for ``METER_SILENCE_S`` (the supply
    may have just gone off and the Suspend be on its way), then a restart."""
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.advance(2)
    assert pair.partner.receiving
    pair.buyer_meter.failing = True
    await pair.clock.advance(1)
    assert pair.buyer.healthy()
    poller = pair.buyer_role.poller
    assert poller is not None
    assert poller.silent_since is not None
    # still receiving that long (a seller that goes on supplying: link down, credit left)
    poller.silent_since -= METER_SILENCE_S
    assert pair.partner.receiving
    assert not pair.buyer.healthy()
    pair.buyer_meter.failing = False
    await pair.clock.advance(1)
    assert pair.buyer.healthy()
    await pair.shutdown()


async def test_a_buyer_booting_on_an_unpowered_circuit_trades_until_the_supply_comes_on(
    tmp_path: Path,
) -> None:
    """Its Pi and LND run from a UPS HAT or a separately fed circuit; its meter, powered
    from the circuit the seller switches, is dark until then. The buyer stays healthy
    (systemd does not restart it), accepts the offer, pays the deposit and the first
    prepayment (within the ahead budget's floor: it has no use to measure yet); the
    seller switches on and the meter answers."""
    pair = await trading_pair(tmp_path, buyer_meter_self_powered=True)
    poller = pair.buyer_role.poller
    assert poller is not None
    await pair.start()
    healthy: list[bool] = []
    while not pair.wire.relay_on:
        await pair.clock.advance(0.05)
        healthy.append(pair.buyer.healthy())
        assert pair.clock.monotonic() < 30
    assert poller.failures >= 1  # dark before the supply came on
    assert pair.buyer_wallet.payments  # paid its way to the switch-on
    await pair.clock.advance(3)
    assert all(healthy)
    assert poller.last_error is None  # the meter answers now
    assert pair.buyer.healthy()
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
