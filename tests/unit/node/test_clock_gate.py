"""The clock gate: a node whose system clock is not synchronised starts no session, says
why and how to fix it once, and starts trading by itself once the clock is synchronised.
The decision is a pure function of the clock status; the gate is driven by an injected
status, never by this machine's clock."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from gridnode.node.readings import ClockGate, clock_gate
from gridnode.node.seller_node import BuyerSlot, SellerNode
from gridnode.ocmf import ClockStatus
from gridnode.trade.events import ClockChecked
from tests.support.node_config import seller_settings

NOT_SYNCHRONISED = [ClockStatus.UNKNOWN, ClockStatus.INFORMATIVE, ClockStatus.RELATIVE]


def test_a_synchronised_clock_opens_the_gate() -> None:
    assert clock_gate(ClockStatus.SYNCHRONIZED, require_sync=True) is None


@pytest.mark.parametrize("status", NOT_SYNCHRONISED)
def test_any_other_clock_status_closes_the_gate_with_the_fix(status: ClockStatus) -> None:
    sentence = clock_gate(status, require_sync=True)
    assert sentence is not None
    assert "not synchronised" in sentence
    assert "timedatectl set-ntp true" in sentence
    assert "require_clock_sync = false" in sentence


@pytest.mark.parametrize("status", [*NOT_SYNCHRONISED, ClockStatus.SYNCHRONIZED])
def test_without_require_clock_sync_the_gate_is_always_open(status: ClockStatus) -> None:
    assert clock_gate(status, require_sync=False) is None


def test_a_gate_that_requires_nothing_is_open_before_any_check_and_never_asks() -> None:
    def status() -> ClockStatus:
        raise AssertionError("the clock was asked")

    gate = ClockGate(False, status)
    assert gate.is_open
    assert gate.warning is None
    asyncio.run(gate.run())  # returns at once


def test_a_gate_is_closed_until_the_first_check() -> None:
    assert not ClockGate(True, lambda: ClockStatus.SYNCHRONIZED).is_open


def test_the_warning_is_logged_once_while_closed_and_cleared_on_sync(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = ClockGate(True, lambda: ClockStatus.UNKNOWN)
    with caplog.at_level(logging.INFO, logger="gridnode.node"):
        for _ in range(3):
            gate.update(ClockStatus.UNKNOWN)
        assert not gate.is_open
        assert gate.warning is not None
        assert "timedatectl set-ntp true" in gate.warning
        gate.update(ClockStatus.SYNCHRONIZED)
    assert gate.is_open
    assert gate.warning is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "not synchronised" in warnings[0].getMessage()
    assert "synchronised: trading may start" in caplog.records[-1].getMessage()


def test_a_clock_that_loses_sync_closes_the_gate_again() -> None:
    gate = ClockGate(True, lambda: ClockStatus.SYNCHRONIZED)
    gate.update(ClockStatus.SYNCHRONIZED)
    gate.update(ClockStatus.INFORMATIVE)
    assert not gate.is_open
    assert gate.warning is not None


async def test_trading_waits_for_the_clock_and_starts_once_it_is_synchronised() -> None:
    answers = iter([ClockStatus.UNKNOWN, ClockStatus.UNKNOWN, ClockStatus.SYNCHRONIZED])
    asked: list[ClockStatus] = []

    def status() -> ClockStatus:
        answer = next(answers, ClockStatus.SYNCHRONIZED)
        asked.append(answer)
        return answer

    gate = ClockGate(True, status, recheck_closed_s=0.01, recheck_open_s=10.0)
    checker = asyncio.create_task(gate.run())
    try:
        await asyncio.wait_for(gate.wait_open(), 5.0)
    finally:
        checker.cancel()
        await asyncio.gather(checker, return_exceptions=True)
    assert asked == [ClockStatus.UNKNOWN, ClockStatus.UNKNOWN, ClockStatus.SYNCHRONIZED]
    assert gate.warning is None


async def test_a_seller_starts_no_session_while_its_clock_gate_is_closed(tmp_path: Path) -> None:
    settings = seller_settings(tmp_path)
    assert settings.require_clock_sync
    node = SellerNode(settings)
    slot = cast("BuyerSlot", SimpleNamespace(runner=None, quiet_until_ms=0))
    node.clock_gate.update(ClockStatus.UNKNOWN)
    assert not node._may_start(slot)
    node.clock_gate.update(ClockStatus.SYNCHRONIZED)
    assert node._may_start(slot)


def test_every_check_reaches_the_live_sessions_so_their_readings_carry_it(
    tmp_path: Path,
) -> None:
    """Sessions already running go on when the clock loses its synchronisation, but the
    readings they sign from then on are flagged with it (ClockChecked)."""
    node = SellerNode(seller_settings(tmp_path))
    posted: list[object] = []
    live = SimpleNamespace(closed=asyncio.Event(), post=posted.append)
    ended = SimpleNamespace(closed=asyncio.Event(), post=posted.append)
    ended.closed.set()
    node.slots = {
        "a": cast("BuyerSlot", SimpleNamespace(runner=live)),
        "b": cast("BuyerSlot", SimpleNamespace(runner=ended)),
        "c": cast("BuyerSlot", SimpleNamespace(runner=None)),
    }
    node.clock_gate.update(ClockStatus.SYNCHRONIZED)
    node.clock_gate.update(ClockStatus.UNKNOWN)
    assert posted == [ClockChecked(ClockStatus.SYNCHRONIZED), ClockChecked(ClockStatus.UNKNOWN)]
