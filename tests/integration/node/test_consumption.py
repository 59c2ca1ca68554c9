"""A frame is consumed only once its ledger record is committed, also when the node stops
in the middle of the write: the write runs in the ledger's worker thread (a real one, so
this is not a unit test), and the runner cancelled meanwhile consumes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.node.consumption import Consumption
from gridnode.trade.events import FrameReceived
from tests.support.ledger import SlowSessions, ledger_with
from tests.support.recording_session import recording_runner


async def test_a_runner_cancelled_during_the_write_consumes_nothing(tmp_path: Path) -> None:
    # the write blocks its worker thread, as a slow SD card would, not the event loop
    SlowSessions.started.clear()
    SlowSessions.go.clear()
    ledger = ledger_with(tmp_path / "node.sqlite", "seller", SlowSessions, threaded=True)
    released: list[int] = []
    consumption = Consumption(released.append)
    runner = await recording_runner(ledger, [])
    runner.post(FrameReceived(b"slow"), consumption.taken(1))
    task = asyncio.create_task(runner.run())
    assert await asyncio.to_thread(SlowSessions.started.wait, 5)  # the write is under way
    task.cancel()  # the node stops while the write is in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    SlowSessions.go.set()
    assert released == []
    # The write still commits in its thread (the next call waits for it, in order): the
    # frame is handed up again after the restart, and the node skips it because its
    # record exists.
    assert await ledger.sessions.has_received_frame(b"slow")
    assert released == []
    await ledger.close()
