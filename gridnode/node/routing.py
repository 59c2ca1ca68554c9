"""Which session a trade frame belongs to, read before any session sees it.

A session is over for one side before the other hears so; frames of a finished session
can still arrive, and a new session starts with the seller's hello. The node routes a
frame to the live session with its session id, starts a new buyer session on a new
hello, and drops stale frames with a log line, so they never reach a session that would
answer them with an error (and spend a sequence number of the new session doing so).
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.trade import codec
from gridnode.trade.errors import DecodeError
from gridnode.trade.messages import Hello


@dataclass(frozen=True, slots=True)
class FrameSession:
    session_id: bytes
    is_hello: bool


def frame_session(frame: bytes) -> FrameSession | None:
    """The frame's session and whether it opens one; None if it does not decode (the
    session then answers it with the protocol error)."""
    try:
        received = codec.decode(frame)
    except DecodeError:
        return None
    envelope = received.envelope
    return FrameSession(envelope.session_id, isinstance(envelope.body, Hello))
