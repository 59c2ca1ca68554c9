"""The connection frames what it reads with the decoder the fuzz tests drive
(gridnode.peer.frames.FrameDecoder): however TCP and TLS cut the bytes, the seller's link
gets the same frames, and frames before a bad one still count."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import replace

import pytest

from gridnode.identity import NodeIdentity, Role
from gridnode.peer import CloseCode, LinkDown, LinkUp, Message
from gridnode.peer.frames import Frame as WireFrame
from gridnode.peer.frames import FrameDecoder, FrameKind, Hello, encode, hello_frame
from gridnode.peer.tls import client_context
from tests.support.peer.site import Site, expect

#: Between two single-byte writes: long enough that the seller's socket read returns
#: before the next byte is sent, so each byte is a TLS record and a read of its own
#: (the assertions hold whatever the cut; this only makes the cut likely to be the worst).
BYTE_GAP_S = 0.002


def _hello(identity: NodeIdentity) -> bytes:
    hello = Hello(
        Role.BUYER,
        int(time.time() * 1000),
        bytes.fromhex(identity.fingerprint),
        os.urandom(16),
        bytes(16),
        200,
    )
    return encode(hello_frame(hello, 0))


def _data(seq: int, payload: bytes) -> bytes:
    return encode(WireFrame(FrameKind.DATA, seq, 0, payload))


async def _raw_buyer(site: Site) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Buyer 1's pinned key over TLS, with the frames written by hand."""
    await site.start_seller()
    ctx = client_context(site.buyer_ids[1], site.pin_seller())
    return await asyncio.open_connection(site.host, site.port, ssl=ctx)


async def test_frames_split_at_every_byte_boundary_reach_the_link_intact(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    # Byte by byte a frame takes a while: only the cut is under test here, not patience.
    site.settings = replace(site.settings, handshake_timeout_s=30.0, read_timeout_s=30.0)
    _, writer = await _raw_buyer(site)
    assert site.server is not None
    payloads = [b"first", bytes(range(40)), b""]
    wire = _hello(site.buyer_ids[1]) + b"".join(
        _data(seq, payload) for seq, payload in enumerate(payloads, start=1)
    )
    for i in range(len(wire)):
        writer.write(wire[i : i + 1])
        await writer.drain()
        await asyncio.sleep(BYTE_GAP_S)
    link = site.server.link("buyer1")
    await expect(link, LinkUp)
    for seq, payload in enumerate(payloads, start=1):
        message = await expect(link, Message)
        assert (message.seq, message.payload) == (seq, payload)
    assert link.up
    writer.close()


async def test_hello_and_several_frames_in_one_segment_all_reach_the_link(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    reader, writer = await _raw_buyer(site)
    assert site.server is not None
    ping = encode(WireFrame(FrameKind.PING, 0, 0, (7).to_bytes(8, "big")))
    first, rest = range(1, 21), range(21, 41)
    wire = (
        _hello(site.buyer_ids[1])
        + b"".join(_data(seq, f"message {seq}".encode()) for seq in first)
        + ping
        + b"".join(_data(seq, f"message {seq}".encode()) for seq in rest)
    )
    writer.write(wire)  # one write: one TLS record, one segment on loopback
    await writer.drain()
    link = site.server.link("buyer1")
    await expect(link, LinkUp)
    got = [(await expect(link, Message)).payload for _ in range(40)]
    assert got == [f"message {seq}".encode() for seq in range(1, 41)]
    # The PING that shared the segment is answered: the seller's PONG carries its nonce.
    decoder = FrameDecoder()
    pongs: list[int] = []
    async with asyncio.timeout(3.0):
        while not pongs:
            chunk = await reader.read(65536)
            assert chunk, "the seller hung up"
            pongs += [f.nonce() for f in decoder.feed(chunk) if f.kind is FrameKind.PONG]
    assert 7 in pongs
    writer.close()


async def test_frames_before_a_bad_one_in_the_same_segment_still_count(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    _, writer = await _raw_buyer(site)
    assert site.server is not None
    good = encode(WireFrame(FrameKind.DATA, 4, 0, b"d"))
    bad = good[:4] + b"\x09" + good[5:]  # link version 9
    wire = _hello(site.buyer_ids[1]) + _data(1, b"a") + _data(2, b"b") + _data(3, b"c") + bad
    writer.write(wire)
    await writer.drain()
    link = site.server.link("buyer1")
    await expect(link, LinkUp)
    got = [(await expect(link, Message)).payload for _ in range(3)]
    assert got == [b"a", b"b", b"c"]
    down = await expect(link, LinkDown)
    assert down.code is CloseCode.PROTOCOL
    assert "version 9" in down.reason
    writer.close()
