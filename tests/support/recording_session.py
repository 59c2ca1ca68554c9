"""A session double for the runner's tests: it records every frame, then answers it."""

from __future__ import annotations

from gridnode.clock import Clock
from gridnode.ledger import Ledger
from gridnode.node.runner import RunnerPorts, Session, SessionRunner
from gridnode.trade.actions import Action, CloseSession, LedgerKind, Record, SendMessage
from gridnode.trade.events import Event, FrameReceived
from gridnode.trade.messages import Cause, MessageKind
from tests.support.clock import VirtualClock
from tests.support.wallet import FakeLightning, FakeWallet


class RecordingSession:
    """Like the real sessions: a frame's receipt goes to the ledger before anything acts
    on it. A frame b"close" ends the session."""

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if not isinstance(event, FrameReceived):
            return []
        if event.frame == b"close":
            return [CloseSession(Cause.REQUESTED)]
        return [
            Record(LedgerKind.FRAME_RECEIVED, now_ms, "received", data=event.frame),
            SendMessage(b"answer to " + event.frame, MessageKind.HEARTBEAT, 1),
        ]


async def recording_runner(
    ledger: Ledger,
    sent: list[bytes],
    *,
    clock: Clock | None = None,
    session: Session | None = None,
) -> SessionRunner:
    """A runner of ``session`` (a :class:`RecordingSession` by default) named ``s1``
    (opened in ``ledger``), whose frames go to ``sent``. On a virtual clock by default,
    which nobody steps: it ticks only when a test advances it."""
    clock = clock if clock is not None else VirtualClock()
    await ledger.sessions.open("s1", "f" * 64, "meter", clock.now_ms())
    return SessionRunner(
        "s1",
        session if session is not None else RecordingSession(),
        RunnerPorts(
            ledger=ledger,
            wallet=FakeWallet(FakeLightning(), "seller", clock=clock),
            send=sent.append,
            relay=None,
            publish_rate=lambda price, at: None,
            clock=clock,
        ),
        tick_ms=10_000,
    )
