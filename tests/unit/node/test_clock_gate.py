"""The clock gate: a node whose system clock is not synchronised starts no session, says
why and how to fix it once, and starts trading by itself once the clock is synchronised.
The decision is a pure function of the clock status; the gate is driven by an injected
status and the injected clock, never by this machine's clock."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from gridnode.node.clock_gate import RECHECK_CLOSED_S, RECHECK_OPEN_S, ClockGate, clock_gate
from gridnode.node.runner import Handled
from gridnode.node.seller_slot import SlotState
from gridnode.ocmf import ClockStatus
from gridnode.trade.events import ClockChecked, Event
from gridnode.trade.states import SellerState
from tests.support.clock import VirtualClock
from tests.support.node import trading_pair
from tests.support.node_parts import SystemClockStatus, inline

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

    gate = ClockGate(False, VirtualClock(), status)
    assert gate.is_open
    assert gate.warning is None
    asyncio.run(gate.run())  # returns at once


def test_a_gate_is_closed_until_the_first_check() -> None:
    assert not ClockGate(True, VirtualClock(), lambda: ClockStatus.SYNCHRONIZED).is_open


def test_the_warning_is_logged_once_while_closed_and_cleared_on_sync(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = ClockGate(True, VirtualClock(), lambda: ClockStatus.UNKNOWN)
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
    gate = ClockGate(True, VirtualClock(), lambda: ClockStatus.SYNCHRONIZED)
    gate.update(ClockStatus.SYNCHRONIZED)
    gate.update(ClockStatus.INFORMATIVE)
    assert not gate.is_open
    assert gate.warning is not None


async def test_the_gate_asks_again_every_few_seconds_and_opens_on_the_first_sync() -> None:
    clock = VirtualClock()
    answers = SystemClockStatus(ClockStatus.UNKNOWN)
    gate = ClockGate(True, clock, answers, recheck_closed_s=5.0, offload=inline)
    opened: list[float] = []
    gate.on_open = lambda: opened.append(clock.monotonic())
    checker = asyncio.create_task(gate.run())
    await clock.advance(9)
    answers.status = ClockStatus.SYNCHRONIZED
    await clock.advance(1)
    assert answers.asked == [ClockStatus.UNKNOWN, ClockStatus.UNKNOWN, ClockStatus.SYNCHRONIZED]
    assert opened == [10.0]  # told once, at the check that found the clock synchronised
    assert gate.warning is None
    await clock.advance(RECHECK_OPEN_S - 0.001)
    assert len(answers.asked) == 3  # an open gate asks again only after a minute
    await clock.advance(0.001)
    assert len(answers.asked) == 4
    assert opened == [10.0]
    checker.cancel()
    await asyncio.gather(checker, return_exceptions=True)


async def test_a_starting_session_takes_a_recent_check_or_asks_anew() -> None:
    """current(): the status a new session's readings are flagged with."""
    clock = VirtualClock()
    answers = SystemClockStatus(ClockStatus.SYNCHRONIZED)
    gate = ClockGate(True, clock, answers, offload=inline)
    assert await gate.current() is ClockStatus.SYNCHRONIZED  # never checked: asked now
    answers.status = ClockStatus.UNKNOWN
    await clock.advance(RECHECK_OPEN_S - 1)
    assert await gate.current() is ClockStatus.SYNCHRONIZED  # recent enough: not asked
    assert len(answers.asked) == 1
    await clock.advance(1)
    assert await gate.current() is ClockStatus.UNKNOWN  # a minute old: asked again
    gate.update(ClockStatus.SYNCHRONIZED)  # the gate's own check counts too
    assert await gate.current() is ClockStatus.SYNCHRONIZED
    assert len(answers.asked) == 2


async def test_a_seller_starts_no_session_while_its_gate_is_closed_and_trades_once_it_opens(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(
        tmp_path, seller_requires_sync=True, seller_clock_status=ClockStatus.UNKNOWN
    )
    await pair.start()
    await pair.clock.advance(60)  # a minute with the clock unsynchronised
    assert pair.slot.state is SlotState.IDLE
    assert pair.slot.sessions_started == 0
    assert pair.links.seller.sent == []  # no offer went out
    assert not pair.wire.relay_on
    (warning,) = pair.seller.snapshot().warnings
    assert "not synchronised" in warning
    assert len(pair.seller_clock.asked) == 60 // RECHECK_CLOSED_S + 1  # every 5 s, no more
    pair.seller_clock.status = ClockStatus.SYNCHRONIZED
    took = await pair.clock.run_until(lambda: pair.slot.sessions_started == 1, limit_s=30)
    assert took <= RECHECK_CLOSED_S  # by itself, at the next check
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    assert pair.seller.snapshot().warnings == ()
    await pair.shutdown()


async def test_every_check_reaches_the_live_sessions_so_their_readings_carry_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sessions already running go on when the clock loses its synchronisation, but the
    readings they sign from then on are flagged with it (ClockChecked)."""
    pair = await trading_pair(tmp_path, seller_requires_sync=True)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    runner = pair.slot.live
    assert runner is not None
    checks: list[Event] = []
    post = runner.post

    def watched(event: Event, handled: Handled | None = None) -> None:
        if isinstance(event, ClockChecked):
            checks.append(event)
        post(event, handled)

    monkeypatch.setattr(runner, "post", watched)
    await pair.clock.advance(RECHECK_OPEN_S)  # the open gate's next check: still in sync
    pair.seller_clock.status = ClockStatus.UNKNOWN
    await pair.clock.advance(RECHECK_OPEN_S)  # and the next: no longer
    assert checks == [ClockChecked(ClockStatus.SYNCHRONIZED), ClockChecked(ClockStatus.UNKNOWN)]
    assert not pair.seller.ctx.gate.is_open
    assert pair.slot.live is runner  # the session goes on
    session = pair.slot.session
    assert session is not None
    assert session.state is SellerState.SUPPLYING
    entries = await pair.seller_ledger.sessions.entries(runner.session_id)
    assert "clock status U from now on" in [e.text for e in entries]
    await pair.shutdown()
