"""A clock that steps after the hello shows in the readings (gridnode/node/clock_watch.py):
a reading dated ahead of this node's clock beyond the link's skew limit ends the session,
and for the peer's the link is dropped so the next hello checks the clocks (issue 16's
drill found sessions signed across an hour's jump that no receipt could verify)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.node.clock_watch import ClockWatch
from gridnode.ocmf import OcmfRecord, Transaction, UserAssignment
from gridnode.trade.actions import Action, CloseSession, LedgerKind, Record
from gridnode.trade.events import CloseRequested, Event, FrameReceived, MeterSample
from gridnode.trade.messages import Cause
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.ocmf.helpers import SYNCED, golden_series
from tests.support.recording_session import recording_runner

HOUR_MS = 3_600_000
LIMIT_MS = 5_000


def test_a_reading_within_the_limit_passes_and_the_first_beyond_it_trips_once() -> None:
    dropped: list[str] = []
    watch = ClockWatch(LIMIT_MS, dropped.append)
    assert watch.check(1_000 + LIMIT_MS, 1_000, own=False) is None  # at the limit: fine
    assert watch.check(1_000 - HOUR_MS, 1_000, own=False) is None  # old: a resent one
    why = watch.check(1_000 + HOUR_MS, 1_000, own=False)
    assert why is not None
    assert why.startswith("the clocks disagree: the peer's reading is dated 3,600.0 s ahead")
    assert "the limit is 5 s" in why
    assert watch.check(1_000 + HOUR_MS, 1_000, own=False) is None  # once
    own = ClockWatch(LIMIT_MS, dropped.append).check(1_000 + HOUR_MS, 1_000, own=True)
    assert own is not None
    assert own.startswith("this node's clock went back 3,600.0 s")
    assert dropped == []  # the runner drops the link, not the watch


def test_a_step_of_the_wall_clock_against_the_monotonic_one_trips_once() -> None:
    watch = ClockWatch(LIMIT_MS, lambda _why: None)
    assert watch.stepped(1_000_000, 10.0) is None  # the first tick: nothing to hold it to
    assert watch.stepped(1_000_250, 10.25) is None  # a tick later, in step
    assert watch.stepped(1_000_500 + LIMIT_MS, 10.5) is None  # drift within the limit
    why = watch.stepped(1_000_750 + LIMIT_MS + HOUR_MS, 10.75)
    assert why is not None
    assert why.startswith("this node's clock stepped forward 3,600.0 s: the session ends")
    assert watch.stepped(1_001_000, 11.0) is None  # once per session
    back = ClockWatch(LIMIT_MS, lambda _why: None)
    back.stepped(1_000_000, 10.0)
    assert (back.stepped(1_000_250 - HOUR_MS, 10.25) or "").startswith(
        "this node's clock stepped back 3,600.0 s"
    )


@dataclass
class _Reading:
    """A session that records the reading a frame names (dated as the test says) and
    closes when asked."""

    records: dict[bytes, tuple[LedgerKind, OcmfRecord]]
    asked: list[str] = field(default_factory=list)
    samples: int = 0

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if isinstance(event, MeterSample):
            self.samples += 1
        if isinstance(event, CloseRequested):
            self.asked.append(event.text)
            return [CloseSession(Cause.REQUESTED)]
        if not isinstance(event, FrameReceived):
            return []
        kind, record = self.records[event.frame]
        at_ms = record.payload.RD[-1].TM.unix_ms
        return [Record(kind, at_ms, "a reading", data=record.text.encode())]


def _records(now_ms: int) -> dict[bytes, tuple[LedgerKind, OcmfRecord]]:
    series = golden_series()
    begin = series.begin(now_ms, 0, SYNCED, UserAssignment.session("s1"))
    ahead = series.issue(Transaction.CHARGING, now_ms + HOUR_MS, 10, SYNCED)
    aborted = series.end(now_ms + HOUR_MS, 10, SYNCED, Transaction.END_ABORT)
    return {
        b"now": (LedgerKind.PEER_READING, begin),
        b"peer ahead": (LedgerKind.PEER_READING, ahead),
        b"own ahead": (LedgerKind.READING, ahead),
        b"own abort": (LedgerKind.READING, aborted),
    }


async def _run(tmp_path: Path, frames: list[bytes]) -> tuple[list[str], list[str], bool]:
    """(what the session was asked to close for, why the link was dropped, whether the
    runner ended) after ``frames``."""
    clock = VirtualClock()
    ledger = await open_ledger(tmp_path / "ledger.sqlite", "buyer")
    session = _Reading(_records(clock.now_ms()))
    runner = await recording_runner(ledger, [], clock=clock, session=session)
    dropped: list[str] = []
    runner.clock_watch = ClockWatch(LIMIT_MS, dropped.append)
    task = asyncio.create_task(runner.run())
    for frame in frames:
        runner.post(FrameReceived(frame))
    for _ in range(50):
        await asyncio.sleep(0)
    ended = task.done()
    if not ended:
        runner.post(CloseRequested("the test is over"))
        await asyncio.wait_for(task, 5)
    await ledger.close()
    return session.asked, dropped, ended


async def test_the_peers_reading_an_hour_ahead_ends_the_session_and_drops_the_link(
    tmp_path: Path,
) -> None:
    asked, dropped, ended = await _run(tmp_path, [b"now", b"peer ahead"])
    assert ended
    assert len(asked) == 1
    assert asked[0].startswith("the clocks disagree")
    assert dropped == asked  # the next hello checks the clocks


async def test_its_own_reading_held_ahead_ends_the_session_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    asked, dropped, ended = await _run(tmp_path, [b"own ahead"])
    assert ended
    assert len(asked) == 1
    assert asked[0].startswith("this node's clock went back")
    assert dropped == []


async def test_an_earlier_transactions_abort_dated_as_it_ended_is_no_clock_step(
    tmp_path: Path,
) -> None:
    asked, dropped, ended = await _run(tmp_path, [b"own abort", b"now"])
    assert not ended
    assert asked == ["the test is over"]
    assert dropped == []


class ShiftableClock(VirtualClock):
    """A virtual clock whose wall time a test moves, as NTP steps a real one; its
    monotonic time goes on."""

    shift_ms = 0

    def now_ms(self) -> int:
        return super().now_ms() + self.shift_ms


async def test_a_step_of_this_nodes_clock_at_a_tick_ends_the_session_and_drops_the_link(
    tmp_path: Path,
) -> None:
    clock = ShiftableClock()
    ledger = await open_ledger(tmp_path / "ledger.sqlite", "buyer")
    session = _Reading({})
    runner = await recording_runner(ledger, [], clock=clock, session=session)
    dropped: list[str] = []
    runner.clock_watch = ClockWatch(LIMIT_MS, dropped.append)
    task = asyncio.create_task(runner.run())
    await clock.advance(30)  # ticks every 10 s, in step
    assert not task.done()
    clock.shift_ms = -HOUR_MS  # NTP set it back an hour
    runner.post(MeterSample(clock.now_ms(), 0, 0, 0, (230_000,), (0,)))
    await clock.advance(10)
    await asyncio.wait_for(task, 5)
    assert session.samples == 0  # stamped on the stepped clock: not the session's
    assert len(session.asked) == 1
    assert session.asked[0].startswith("this node's clock stepped back 3,600.0 s")
    assert dropped == session.asked
    await ledger.close()
