"""The link's frames: bytes in, typed frames out. No sockets here (STYLE.md rule 2).

Wire format (all integers big-endian)::

    length   u32   bytes that follow (header + body), at most the maximum frame size
    version  u8    LINK_VERSION
    kind     u8    FrameKind
    seq      u64   the sender's sequence number of this DATA frame (0 for other kinds)
    ack_seq  u64   the highest DATA seq the sender has received from the peer, in order
    body     ...   kind-specific, below

Bodies: DATA carries the upper layer's payload as opaque bytes; HELLO a fixed struct
(:class:`Hello`); PING and PONG an 8-byte nonce; ACK nothing; CLOSE a u16 code and a
UTF-8 sentence. Why a fixed binary envelope rather than protobuf: see docs/peer-link.md.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from gridnode.identity import Role
from gridnode.peer.errors import (
    CloseCode,
    FrameTooLargeError,
    MalformedFrameError,
    UnknownFrameError,
)

LINK_VERSION = 1
PREFIX = struct.Struct(">I")
HEADER = struct.Struct(">BBQQ")
DEFAULT_MAX_FRAME_BYTES = 1 << 20
_HELLO = struct.Struct(">B q 32s 16s 16s I")
_NONCE = struct.Struct(">Q")
_CLOSE = struct.Struct(">H")
_ROLES = {0: Role.SELLER, 1: Role.BUYER}
_ROLE_CODES = {role: code for code, role in _ROLES.items()}


class FrameKind(IntEnum):
    """The kinds of frame on the link."""

    HELLO = 1  # first frame each way: identity, clock, resume point
    DATA = 2  # one upper-layer payload with its seq
    ACK = 3  # acknowledges up to ack_seq when there is no DATA to carry it
    PING = 4  # heartbeat; the peer answers PONG with the same nonce
    PONG = 5  # answer to PING
    CLOSE = 6  # last frame: why the link ends


@dataclass(frozen=True)
class Hello:
    """What each side says first. ``stream_id`` names the sender's outgoing sequence.

    ``ack_stream_id`` and the frame's ``ack_seq`` tell the peer how far this node has
    received the peer's stream, so the peer resends only what is missing.
    """

    role: Role
    clock_ms: int  # the sender's wall clock, Unix milliseconds
    fingerprint: bytes  # the sender's own key fingerprint, 32 bytes
    stream_id: bytes  # 16 random bytes, fixed for the life of the sender's outbox
    ack_stream_id: bytes  # the peer stream the ack_seq refers to; zeros if none
    heartbeat_ms: int  # how often the sender pings


@dataclass(frozen=True)
class Frame:
    """One frame. ``body`` is raw; use the typed accessors for HELLO, PING and CLOSE."""

    kind: FrameKind
    seq: int = 0
    ack_seq: int = 0
    body: bytes = b""

    def hello(self) -> Hello:
        if self.kind is not FrameKind.HELLO or len(self.body) != _HELLO.size:
            raise MalformedFrameError(f"A HELLO body must be {_HELLO.size} bytes.")
        role_code, clock_ms, fp, stream_id, ack_stream_id, heartbeat_ms = _HELLO.unpack(self.body)
        role = _ROLES.get(role_code)
        if role is None:
            raise MalformedFrameError(f"A HELLO names unknown role code {role_code}.")
        return Hello(role, clock_ms, fp, stream_id, ack_stream_id, heartbeat_ms)

    def nonce(self) -> int:
        if len(self.body) != _NONCE.size:
            raise MalformedFrameError("A PING or PONG body must be an 8-byte nonce.")
        (value,) = _NONCE.unpack(self.body)
        return int(value)

    def close_reason(self) -> tuple[CloseCode, str]:
        if len(self.body) < _CLOSE.size:
            raise MalformedFrameError("A CLOSE body must start with a 2-byte code.")
        (code,) = _CLOSE.unpack_from(self.body)
        try:
            reason = self.body[_CLOSE.size :].decode("utf-8")
            return CloseCode(code), reason
        except (UnicodeDecodeError, ValueError):
            return CloseCode.PROTOCOL, f"(unreadable close reason, code {code})"


def hello_frame(hello: Hello, ack_seq: int) -> Frame:
    body = _HELLO.pack(
        _ROLE_CODES[hello.role],
        hello.clock_ms,
        hello.fingerprint,
        hello.stream_id,
        hello.ack_stream_id,
        hello.heartbeat_ms,
    )
    return Frame(FrameKind.HELLO, 0, ack_seq, body)


def ping_frame(kind: FrameKind, nonce: int) -> Frame:
    return Frame(kind, 0, 0, _NONCE.pack(nonce))


def close_frame(code: CloseCode, reason: str) -> Frame:
    return Frame(FrameKind.CLOSE, 0, 0, _CLOSE.pack(code) + reason.encode("utf-8")[:1024])


def encode(frame: Frame) -> bytes:
    """Frame to bytes, length prefix included."""
    size = HEADER.size + len(frame.body)
    return (
        PREFIX.pack(size)
        + HEADER.pack(LINK_VERSION, frame.kind, frame.seq, frame.ack_seq)
        + frame.body
    )


def decode_body(data: bytes) -> Frame:
    """Parse what follows a length prefix."""
    if len(data) < HEADER.size:
        raise MalformedFrameError(
            f"A frame of {len(data)} bytes is shorter than the {HEADER.size}-byte header."
        )
    version, kind, seq, ack_seq = HEADER.unpack_from(data)
    if version != LINK_VERSION:
        raise UnknownFrameError(
            f"The peer speaks link version {version}; this node speaks {LINK_VERSION}."
        )
    try:
        frame_kind = FrameKind(kind)
    except ValueError:
        raise UnknownFrameError(f"Unknown frame kind {kind}.") from None
    return Frame(frame_kind, seq, ack_seq, bytes(data[HEADER.size :]))


def check_length(length: int, max_frame_bytes: int) -> None:
    if length > max_frame_bytes:
        raise FrameTooLargeError(
            f"The peer announced a frame of {length} bytes; the limit is {max_frame_bytes}."
        )
    if length < HEADER.size:
        raise MalformedFrameError(f"The peer announced a frame of only {length} bytes.")


class FrameDecoder:
    """Feed bytes in any chunking; get whole frames out, in order."""

    def __init__(self, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> None:
        self._buffer = bytearray()
        self._max = max_frame_bytes

    def feed(self, data: bytes) -> Iterator[Frame]:
        self._buffer += data
        while len(self._buffer) >= PREFIX.size:
            (length,) = PREFIX.unpack_from(self._buffer)
            check_length(length, self._max)
            end = PREFIX.size + length
            if len(self._buffer) < end:
                return
            body = bytes(self._buffer[PREFIX.size : end])
            del self._buffer[:end]
            yield decode_body(body)

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame held back."""
        return len(self._buffer)
