"""Length-prefixed protobuf frames for the status socket (sans-I/O).

Each frame is a 4-byte big-endian length and the encoded message. A frame above
:data:`MAX_FRAME_BYTES` or bytes that do not decode are a typed error, never another
exception.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Generic, TypeVar

from google.protobuf.message import DecodeError, Message

from gridnode.errors import GridnodeError

MAX_FRAME_BYTES = 1 << 20
_LENGTH = struct.Struct(">I")
M = TypeVar("M", bound=Message)


class StatusFrameError(GridnodeError):
    """A status frame was too large or did not decode."""


def encode(message: Message) -> bytes:
    body = message.SerializeToString()
    return _LENGTH.pack(len(body)) + body


class Decoder(Generic[M]):
    """Feed bytes, get whole messages of ``kind``."""

    def __init__(self, kind: type[M], max_bytes: int = MAX_FRAME_BYTES) -> None:
        self.kind = kind
        self.max_bytes = max_bytes
        self._buffer = bytearray()

    def feed(self, data: bytes) -> Iterator[M]:
        self._buffer += data
        while len(self._buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self._buffer)
            if length > self.max_bytes:
                raise StatusFrameError(
                    f"a status frame of {length} bytes is over the {self.max_bytes} limit"
                )
            if len(self._buffer) < _LENGTH.size + length:
                return
            body = bytes(self._buffer[_LENGTH.size : _LENGTH.size + length])
            del self._buffer[: _LENGTH.size + length]
            message = self.kind()
            try:
                message.ParseFromString(body)
            except DecodeError as exc:
                raise StatusFrameError(f"a status frame did not decode: {exc}") from exc
            yield message
