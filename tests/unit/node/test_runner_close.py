"""A session runner's close: a peer frame still queued when its session closes goes to
the late path (the partner keeps the signed reading it carries), not into the void."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from gridnode.node.runner import RunnerPorts, SessionRunner
from gridnode.trade.actions import Action, CloseSession
from gridnode.trade.events import Event, FrameReceived, Start
from gridnode.trade.messages import Cause
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
