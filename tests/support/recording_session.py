"""A session double for the runner's tests: it records every frame, then answers it."""

from __future__ import annotations

from gridnode.trade.actions import Action, CloseSession, LedgerKind, Record, SendMessage
from gridnode.trade.events import Event, FrameReceived
from gridnode.trade.messages import Cause, MessageKind


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
