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
from gridnode.trade.machine import ErrorCode
from gridnode.trade.messages import Envelope, ErrorMessage, Hello, MessageKind
from gridnode.trade.signing import Signer


@dataclass(frozen=True, slots=True)
class FrameSession:
    session_id: bytes
    is_hello: bool
    #: The peer says it does not know this session (it lost it, e.g. in a restart).
    is_unknown_session: bool = False
    #: What the frame carries (refund messages go to the node's refund desk).
    kind: MessageKind | None = None


def unknown_session_frame(session_id: bytes, signer: Signer) -> bytes:
    """Tell the peer we do not know ``session_id``, so it closes it and starts anew.

    Sent outside the session's numbering (it has none here); the peer's node reads it
    before the session would."""
    body = ErrorMessage(int(ErrorCode.WRONG_SESSION), "this node does not know the session")
    return codec.encode(Envelope(session_id, 1, body), signer)


def frame_session(frame: bytes) -> FrameSession | None:
    """The frame's session and whether it opens one; None if it does not decode (the
    session then answers it with the protocol error)."""
    try:
        received = codec.decode(frame)
    except DecodeError:
        return None
    envelope = received.envelope
    body = envelope.body
    unknown = isinstance(body, ErrorMessage) and body.code == ErrorCode.WRONG_SESSION
    return FrameSession(envelope.session_id, isinstance(body, Hello), unknown, body.kind)
