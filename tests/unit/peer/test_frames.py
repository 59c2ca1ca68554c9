"""The frame codec: any chunking decodes to the same frames; hostile bytes raise typed errors."""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.identity import Role
from gridnode.peer.errors import (
    CloseCode,
    FrameError,
    FrameTooLargeError,
    MalformedFrameError,
    UnknownFrameError,
)
from gridnode.peer.frames import (
    HEADER,
    LINK_VERSION,
    PREFIX,
    Frame,
    FrameDecoder,
    FrameKind,
    Hello,
    close_frame,
    decode_body,
    encode,
    hello_frame,
    ping_frame,
)

u64: st.SearchStrategy[int] = st.integers(min_value=0, max_value=2**64 - 1)
frames: st.SearchStrategy[Frame] = st.builds(
    Frame,
    kind=st.sampled_from(FrameKind),
    seq=u64,
    ack_seq=u64,
    body=st.binary(max_size=2000),
)


@given(st.lists(frames, max_size=8), st.data())
def test_any_chunking_yields_the_same_frames(sent: list[Frame], data: st.DataObject) -> None:
    wire = b"".join(encode(f) for f in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=10)))
    decoder = FrameDecoder()
    got: list[Frame] = []
    start = 0
    for cut in [*cuts, len(wire)]:
        got.extend(decoder.feed(wire[start:cut]))
        start = cut
    assert got == sent
    assert decoder.pending == 0


@given(st.binary(max_size=300))
def test_garbage_raises_only_frame_errors(garbage: bytes) -> None:
    decoder = FrameDecoder(max_frame_bytes=4096)
    with contextlib.suppress(FrameError):
        list(decoder.feed(garbage))


def test_oversized_length_is_refused_before_reading_the_body() -> None:
    decoder = FrameDecoder(max_frame_bytes=4096)
    with pytest.raises(FrameTooLargeError, match="4096"):
        list(decoder.feed(PREFIX.pack(0xFFFFFFFF)))


def test_length_below_header_is_malformed() -> None:
    with pytest.raises(MalformedFrameError):
        list(FrameDecoder().feed(PREFIX.pack(3) + b"abc"))


def test_unknown_kind_and_version_are_unknown_not_malformed() -> None:
    with pytest.raises(UnknownFrameError, match="kind 99"):
        decode_body(HEADER.pack(LINK_VERSION, 99, 0, 0))
    with pytest.raises(UnknownFrameError, match="version 7"):
        decode_body(HEADER.pack(7, FrameKind.DATA, 0, 0))


def test_half_a_frame_is_held_back() -> None:
    wire = encode(Frame(FrameKind.DATA, 1, 0, b"payload"))
    decoder = FrameDecoder()
    assert list(decoder.feed(wire[:-3])) == []
    assert decoder.pending == len(wire) - 3
    assert list(decoder.feed(wire[-3:])) == [Frame(FrameKind.DATA, 1, 0, b"payload")]


@given(
    role=st.sampled_from(Role),
    clock_ms=st.integers(-(2**63), 2**63 - 1),
    fp=st.binary(min_size=32, max_size=32),
    stream=st.binary(min_size=16, max_size=16),
    ack_stream=st.binary(min_size=16, max_size=16),
    heartbeat_ms=st.integers(0, 2**32 - 1),
    ack_seq=u64,
)
def test_hello_round_trips(
    role: Role,
    clock_ms: int,
    fp: bytes,
    stream: bytes,
    ack_stream: bytes,
    heartbeat_ms: int,
    ack_seq: int,
) -> None:
    hello = Hello(role, clock_ms, fp, stream, ack_stream, heartbeat_ms)
    (frame,) = FrameDecoder().feed(encode(hello_frame(hello, ack_seq)))
    assert frame.hello() == hello
    assert frame.ack_seq == ack_seq


def test_hello_with_wrong_body_is_malformed() -> None:
    with pytest.raises(MalformedFrameError):
        Frame(FrameKind.HELLO, body=b"short").hello()
    body = hello_frame(Hello(Role.BUYER, 0, bytes(32), bytes(16), bytes(16), 0), 0).body
    with pytest.raises(MalformedFrameError, match="role"):
        Frame(FrameKind.HELLO, body=b"\x09" + body[1:]).hello()


def test_ping_and_close_bodies() -> None:
    assert ping_frame(FrameKind.PING, 42).nonce() == 42
    with pytest.raises(MalformedFrameError):
        Frame(FrameKind.PING, body=b"123").nonce()
    assert close_frame(CloseCode.CLOCK_SKEW, "clocks differ").close_reason() == (
        CloseCode.CLOCK_SKEW,
        "clocks differ",
    )
    odd = Frame(FrameKind.CLOSE, body=struct.pack(">H", 999) + b"\xff")
    assert odd.close_reason()[0] is CloseCode.PROTOCOL


def _corrupt(wire: bytes, data: st.DataObject) -> bytes:
    """``wire`` with some bytes overwritten, cut short, or garbage spliced in."""
    how = data.draw(st.sampled_from(["overwrite", "truncate", "splice"]))
    if how == "truncate" or not wire:
        return wire[: data.draw(st.integers(0, len(wire)))]
    at = data.draw(st.integers(0, len(wire) - 1))
    junk = data.draw(st.binary(min_size=1, max_size=16))
    if how == "overwrite":
        return wire[:at] + junk + wire[at + len(junk) :]
    return wire[:at] + junk + wire[at:]


@given(st.lists(frames, max_size=6), st.booleans(), st.data())
def test_any_chunking_of_valid_or_corrupt_streams_raises_only_frame_errors(
    sent: list[Frame], corrupt: bool, data: st.DataObject
) -> None:
    """What the connection does with a socket: feed whatever arrived, however it was cut.
    A valid stream gives back the frames sent; a corrupt one may raise, but only a typed
    FrameError, never another exception; and between feeds the decoder holds at most one
    incomplete frame, however long the corrupt length prefix."""
    limit = 4096
    wire = b"".join(encode(f) for f in sent if len(f.body) + HEADER.size <= limit)
    if corrupt:
        wire = _corrupt(wire, data)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=12)))
    decoder = FrameDecoder(max_frame_bytes=limit)
    got: list[Frame] = []
    start = 0
    try:
        for cut in [*cuts, len(wire)]:
            got.extend(decoder.feed(wire[start:cut]))
            assert decoder.pending <= PREFIX.size + limit
            start = cut
    except FrameError:
        assert corrupt, "a valid stream raised"
    else:
        if not corrupt:
            assert got == [f for f in sent if len(f.body) + HEADER.size <= limit]
            assert decoder.pending == 0
