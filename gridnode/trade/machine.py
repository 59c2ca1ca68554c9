"""Shared session plumbing: the guarded state transition, the outgoing sequence, and the
incoming sequence check (replays, gaps, wrong session)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Record, SendMessage
from gridnode.trade.errors import IllegalTransitionError
from gridnode.trade.messages import Body, Envelope, Received
from gridnode.trade.signing import Signer

S = TypeVar("S", bound=enum.Enum)


class ErrorCode(enum.IntEnum):
    """Codes of Error messages a session sends back (1-4 are decode errors)."""

    DECODE = 1
    UNKNOWN = 2
    MALFORMED = 3
    OVERSIZED = 4
    REPLAY = 5
    GAP = 6
    ILLEGAL_IN_STATE = 7
    BAD_SIGNATURE = 8
    WRONG_SESSION = 9


class StateMachine(Generic[S]):
    """Holds a state and moves it only along the transition table."""

    def __init__(self, role: str, initial: S, table: Mapping[S, frozenset[S]]) -> None:
        self.role = role
        self.state = initial
        self._table = table

    def move(self, wanted: S) -> bool:
        """Go to ``wanted``; return whether the state changed. Raises on an illegal move."""
        if wanted == self.state:
            return False
        if wanted not in self._table[self.state]:
            raise IllegalTransitionError(self.role, self.state.name, wanted.name)
        self.state = wanted
        return True


@dataclass(slots=True)
class Outbox:
    """Numbers, encodes and signs outgoing messages; each is recorded before it is sent."""

    session_id: bytes
    signer: Signer
    next_seq: int = 1

    def send(self, body: Body, now_ms: int) -> list[Record | SendMessage]:
        seq = self.next_seq
        self.next_seq += 1
        frame = codec.encode(Envelope(self.session_id, seq, body), self.signer)
        return [
            Record(LedgerKind.FRAME_SENT, now_ms, f"sent {body.kind.value} #{seq}", data=frame),
            SendMessage(frame, body.kind, seq),
        ]


@dataclass(slots=True)
class Inbox:
    """Accepts peer messages in order: exactly last + 1, for our session id."""

    session_id: bytes | None
    last_seq: int = 0

    def check(self, received: Received) -> ErrorCode | None:
        envelope = received.envelope
        if self.session_id is not None and envelope.session_id != self.session_id:
            return ErrorCode.WRONG_SESSION
        if envelope.seq <= self.last_seq:
            return ErrorCode.REPLAY
        if envelope.seq != self.last_seq + 1:
            return ErrorCode.GAP
        return None

    def accept(self, received: Received) -> None:
        self.session_id = received.envelope.session_id
        self.last_seq = received.envelope.seq
