"""A session runner's close: a peer frame still queued when its session closes goes to
the late path (the partner keeps the signed reading it carries), not into the void."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridnode.ledger import JournalEntry
from gridnode.node.runner import RunnerPorts, SessionRunner
from gridnode.trade.actions import Action, CloseSession, LedgerKind, Record, SendMessage
from gridnode.trade.events import Event, FrameReceived, Start
from gridnode.trade.messages import Cause, MessageKind
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet


@dataclass
class _ClosesAtStart:
    """A session that closes on its first event, whatever comes after it."""

    state: str = "open"

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if isinstance(event, Start):
            self.state = "closed"
            return [CloseSession(Cause.REQUESTED)]
        return []


async def test_a_frame_queued_when_the_session_closes_goes_to_the_late_path(
    tmp_path: Path,
) -> None:
    """A peer's frame that crossed the session's close (a payment notice carrying the
    buyer's reading, at a period's end) is handed to the runner's late path, which keeps
    the reading it carries; it used to be dropped, leaving a gap before the End."""
    clock = VirtualClock()
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open("s1", "f" * 64, "meter-1", clock.now_ms())
    runner = SessionRunner(
        "s1",
        _ClosesAtStart(),
        RunnerPorts(
            ledger=ledger,
            wallet=FakeWallet(FakeLightning(), "seller", clock=clock),
            send=lambda frame: None,
            relay=None,
            publish_rate=lambda price, at: None,
            clock=clock,
        ),
    )
    late: list[bytes] = []
    consumed: list[bytes] = []

    async def keep(frame: bytes) -> None:
        late.append(frame)

    runner.late = keep
    runner.post(Start())
    runner.post(FrameReceived(b"notice"), lambda: consumed.append(b"notice"))
    await asyncio.wait_for(runner.run(), 5)
    assert runner.closed.is_set()
    assert late == [b"notice"]
    assert consumed == [b"notice"]  # and consumed: the link does not hand it up again
    await ledger.close()


@dataclass
class _NoticeWithReading:
    """A session that journals a frame's receipt and the reading it carries, then acts."""

    state: str = "open"

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if not isinstance(event, FrameReceived):
            return []
        return [
            Record(LedgerKind.FRAME_RECEIVED, now_ms, "received payment_notice #11"),
            Record(LedgerKind.STATE, now_ms, "the reading it carries (stands in for T1280)"),
            SendMessage(b"answer", MessageKind.METER_READING, 12),
        ]


class _DiesOnSecondWrite:
    """The ledger's journal, killed after its first write of the step."""

    def __init__(self, journal: Callable[[JournalEntry], Awaitable[int]]) -> None:
        self.journal = journal
        self.writes = 0

    async def __call__(self, entry: JournalEntry) -> int:
        self.writes += 1
        if self.writes == 2:
            raise asyncio.CancelledError  # the node killed between the two writes
        return await self.journal(entry)


async def test_a_frame_is_consumed_only_once_the_reading_it_carries_is_written(
    tmp_path: Path,
) -> None:
    """The full drill's ba7ee608: a seller killed between a payment notice's receipt and
    the buyer's reading it carries had consumed the frame, so the reading was never sent
    again and the receipt's payment named a reading the seller did not hold."""
    clock = VirtualClock()
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open("s1", "f" * 64, "meter-1", clock.now_ms())
    sent: list[bytes] = []
    consumed: list[int] = []
    ports = RunnerPorts(
        ledger=ledger,
        wallet=FakeWallet(FakeLightning(), "seller", clock=clock),
        send=sent.append,
        relay=None,
        publish_rate=lambda price, at: None,
        clock=clock,
    )
    runner = SessionRunner("s1", _NoticeWithReading(), ports)
    dying = _DiesOnSecondWrite(ledger.sessions.journal)
    ledger.sessions.journal = dying  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await runner.step(FrameReceived(b"notice"), lambda: consumed.append(len(sent)))
    assert consumed == []  # not consumed: the peer sends it again
    dying.writes = 10  # the node is back
    await runner.step(FrameReceived(b"notice"), lambda: consumed.append(len(sent)))
    assert consumed == [0]  # consumed after both writes, before anything acted on it
    assert sent == [b"answer"]
    await ledger.close()
