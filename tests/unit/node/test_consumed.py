"""A peer frame is marked consumed on the link only once its ledger record is committed,
and only in the order the frames were taken: a crash before the record (the write
failing, the runner dying) leaves the frame, and every one after it, for the link to hand
up again after the restart. Frames the node drops on purpose are consumed too, or they
would be handed up after every restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.ledger import LedgerError
from gridnode.node.consumption import Consumption
from gridnode.peer import Message
from gridnode.trade import codec
from gridnode.trade.events import FrameReceived
from gridnode.trade.messages import Envelope, Heartbeat
from tests.support.ledger import CrashingSessions, ledger_with, open_ledger
from tests.support.node import trading_pair
from tests.support.recording_session import recording_runner


def test_a_seq_is_released_only_when_every_message_before_it_is_handled() -> None:
    released: list[int] = []
    consumption = Consumption(released.append)
    first, second, third = (consumption.taken(seq) for seq in (1, 2, 3))
    third()  # a dropped frame, handled at once
    second()
    assert released == []  # message 1 still waits in a runner: releasing 3 would lose it
    first()
    assert released == [3]
    first()  # twice is harmless
    assert released == [3]
    assert consumption.waiting == 0


def test_a_new_peer_stream_forgets_what_was_waiting_of_the_old_one() -> None:
    released: list[int] = []
    consumption = Consumption(released.append)
    old = consumption.taken(7)
    new = consumption.taken(1)  # the peer lost its store: its stream starts over
    new()
    assert released == [1]
    old()  # the old stream's seq 7 must not release the new stream's 2 to 7
    assert released == [1]


async def test_a_frame_is_consumed_after_its_record_and_before_the_answer(tmp_path: Path) -> None:
    ledger = await open_ledger(tmp_path / "node.sqlite", "seller")
    sent: list[bytes] = []
    runner = await recording_runner(ledger, sent)
    seen: list[tuple[bool, int]] = []
    runner.post(
        FrameReceived(b"m1"),
        lambda: seen.append((ledger.store.sessions.has_received_frame(b"m1"), len(sent))),
    )
    runner.post(FrameReceived(b"close"))
    await asyncio.wait_for(runner.run(), 5)
    assert seen == [(True, 0)]  # the record was committed, nothing had acted on it yet
    assert sent == [b"answer to m1"]
    await ledger.close()


async def test_a_crash_before_the_record_leaves_the_frame_and_those_after_it_unconsumed(
    tmp_path: Path,
) -> None:
    ledger = ledger_with(tmp_path / "node.sqlite", "seller", CrashingSessions)
    released: list[int] = []
    consumption = Consumption(released.append)
    runner = await recording_runner(ledger, [])
    for seq, frame in enumerate((b"m1", b"crash", b"m3"), start=1):
        runner.post(FrameReceived(frame), consumption.taken(seq))
    with pytest.raises(LedgerError):
        await asyncio.wait_for(runner.run(), 5)
    assert released == [1]
    assert await ledger.sessions.has_received_frame(b"m1")
    assert not await ledger.sessions.has_received_frame(b"crash")
    await ledger.close()


async def test_frames_queued_behind_the_close_are_consumed_as_dropped(tmp_path: Path) -> None:
    ledger = await open_ledger(tmp_path / "node.sqlite", "seller")
    released: list[int] = []
    consumption = Consumption(released.append)
    runner = await recording_runner(ledger, [])
    for seq, frame in enumerate((b"m1", b"close", b"m3", b"m4"), start=1):
        runner.post(FrameReceived(frame), consumption.taken(seq))
    await asyncio.wait_for(runner.run(), 5)
    assert released[-1] == 4
    assert not await ledger.sessions.has_received_frame(b"m3")  # over: nobody acts on it
    runner.post(FrameReceived(b"m5"), consumption.taken(5))  # after the close: at once
    assert released[-1] == 5
    await ledger.close()


def heartbeat(session_id: bytes, seq: int) -> bytes:
    return codec.encode(Envelope(session_id, seq, Heartbeat(1_700_000_000_000)))


async def test_the_seller_consumes_dropped_frames_at_once_and_its_sessions_after_the_record(
    tmp_path: Path,
) -> None:
    """A buyer slot's routing (BuyerSlot._route), driven by link events as the runtime
    hands them over; its link stays down, so the slot starts no session of its own."""
    pair = await trading_pair(tmp_path)
    slot, ledger = pair.slot, pair.seller_ledger
    released = pair.links.seller.consumed_seqs  # what the slot told its link
    runner = await recording_runner(ledger, [])
    live, over = b"L" * 16, b"O" * 16
    slot.runner, slot.protocol_id = runner, live

    await slot.handle(Message("buyer", 1, heartbeat(over, 9)))  # another session's: dropped
    assert released == [1]
    await slot.handle(Message("buyer", 2, heartbeat(live, 1)))  # the live one's: after its record
    await slot.handle(Message("buyer", 3, heartbeat(over, 10)))  # dropped, not released past 2
    assert released == [1]
    runner.post(FrameReceived(b"close"))
    await asyncio.wait_for(runner.run(), 5)
    assert released == [1, 3]
    assert await ledger.sessions.has_received_frame(heartbeat(live, 1))

    # After a restart the link hands up a recorded frame again: skipped, consumed.
    slot.runner, slot.protocol_id = None, b""
    await slot.handle(Message("buyer", 2, heartbeat(live, 1), redelivered=True))
    assert released == [1, 3, 2]
    assert slot.sessions_started == 0
    await pair.close()
