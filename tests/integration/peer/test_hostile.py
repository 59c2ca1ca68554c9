"""Hostile and broken peers: each is refused or closed within its timeout, with a clear
log line, and the seller keeps serving the honest buyer meanwhile."""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from gridnode.identity import NodeIdentity, Role
from gridnode.peer import CloseCode, LinkUp, Message, PinnedPeer
from gridnode.peer.errors import FingerprintMismatchError, PeerLinkError
from gridnode.peer.frames import (
    PREFIX,
    FrameDecoder,
    FrameKind,
    Hello,
    encode,
    hello_frame,
    ping_frame,
)
from gridnode.peer.tls import client_context
from tests.support.peer.site import Site, expect, wait_until


async def _honest_round_trip(site: Site) -> None:
    """Buyer 0 is connected and a message still goes through both ways."""
    assert site.server is not None
    link = site.server.link("buyer0")
    client = site.clients[0]
    client.link.send(b"ping?")
    assert (await expect(link, Message)).payload == b"ping?"
    link.send(b"pong!")
    assert (await expect(client.link, Message)).payload == b"pong!"


async def _with_honest_buyer(site: Site) -> None:
    await site.start_seller()
    site.buyer(0)
    assert site.server is not None
    await expect(site.server.link("buyer0"), LinkUp)


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """Read until the seller hangs up; fail if it takes longer than ``seconds``."""
    received = b""
    async with asyncio.timeout(seconds):
        try:
            while chunk := await reader.read(65536):
                received += chunk
        except (ConnectionError, ssl.SSLError):
            pass
    return received


async def _logged(caplog: pytest.LogCaptureFixture, *words: str, within_s: float = 20.0) -> bool:
    """Whether a log line with all ``words`` appears within ``within_s``."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if any(all(w in r.getMessage() for w in words) for r in caplog.records):
            return True
        await asyncio.sleep(0.02)
    return False


async def test_wrong_seller_key_at_the_buyer_names_both_fingerprints(
    site: Site, make_identity: Callable[[str, Role], NodeIdentity]
) -> None:
    await _with_honest_buyer(site)
    impostor_pin = PinnedPeer.of("seller", make_identity("other-seller", Role.SELLER).certificate)
    client = site.buyer(1, seller=impostor_pin, start=False)
    with pytest.raises(FingerprintMismatchError) as caught:
        await client.connect_once()
    assert caught.value.presented == site.seller_id.fingerprint
    assert caught.value.expected == [impostor_pin.fingerprint]
    await _honest_round_trip(site)


async def test_unknown_buyer_key_at_the_seller_is_refused(
    site: Site,
    make_identity: Callable[[str, Role], NodeIdentity],
    no_link_errors: pytest.LogCaptureFixture,
) -> None:
    await _with_honest_buyer(site)
    stranger = make_identity("stranger", Role.BUYER)
    site.buyer_ids.append(stranger)
    client = site.buyer(len(site.buyer_ids) - 1, start=False)
    with pytest.raises(PeerLinkError, match="does not pin"):
        await client.connect_once()
    assert await _logged(no_link_errors, "refused", "not one this node pins")
    await _honest_round_trip(site)


async def test_plain_tcp_client_is_refused(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    await _with_honest_buyer(site)
    reader, writer = await asyncio.open_connection(site.host, site.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await _closed_within(reader, 2.0)
    writer.close()
    assert await _logged(no_link_errors, "refused", "not speaking TLS")
    await _honest_round_trip(site)


async def test_tls12_client_is_refused(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    await _with_honest_buyer(site)
    ctx = client_context(site.buyer_ids[1], site.pin_seller())
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises((ssl.SSLError, ConnectionError)):
        await asyncio.open_connection(site.host, site.port, ssl=ctx)
    await asyncio.sleep(0.1)
    assert await _logged(no_link_errors, "refused", "TLS 1.3")
    await _honest_round_trip(site)


async def test_client_without_certificate_is_refused(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    await _with_honest_buyer(site)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_verify_locations(cadata=site.seller_id.certificate_pem().decode())
    reader, writer = await asyncio.open_connection(site.host, site.port, ssl=ctx)
    assert await _closed_within(reader, 2.0) == b""
    writer.close()
    assert await _logged(no_link_errors, "refused", "no client certificate")
    await _honest_round_trip(site)


async def _authenticated_raw(
    site: Site, index: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A TLS connection with a pinned buyer's key, driven by hand."""
    ctx = client_context(site.buyer_ids[index], site.pin_seller())
    return await asyncio.open_connection(site.host, site.port, ssl=ctx)


def _hello(
    identity: NodeIdentity,
    role: Role = Role.BUYER,
    skew_s: float = 0.0,
    fingerprint: str | None = None,
) -> bytes:
    hello = Hello(
        role,
        int((time.time() + skew_s) * 1000),
        bytes.fromhex(fingerprint or identity.fingerprint),
        os.urandom(16),
        bytes(16),
        200,
    )
    return encode(hello_frame(hello, 0))


def _close_code(received: bytes) -> CloseCode | None:
    decoder = FrameDecoder()
    codes = [f.close_reason()[0] for f in decoder.feed(received) if f.kind is FrameKind.CLOSE]
    return codes[-1] if codes else None


@pytest.mark.parametrize(
    ("name", "after_hello", "code", "within_s"),
    [
        ("garbage bytes", PREFIX.pack(32) + b"\xff" * 32, CloseCode.PROTOCOL, 1.0),
        ("oversized length prefix", PREFIX.pack(0x7FFFFFFF), CloseCode.TOO_LARGE, 1.0),
        ("frame cut in half", PREFIX.pack(1000) + b"\x01\x02" + bytes(100), CloseCode.TIMEOUT, 1.5),
    ],
)
async def test_authenticated_buyer_sending_bad_frames_is_closed(
    site: Site,
    no_link_errors: pytest.LogCaptureFixture,
    name: str,
    after_hello: bytes,
    code: CloseCode,
    within_s: float,
) -> None:
    await _with_honest_buyer(site)
    reader, writer = await _authenticated_raw(site, 1)
    writer.write(_hello(site.buyer_ids[1]) + after_hello)
    started = time.monotonic()
    received = await _closed_within(reader, within_s + 1.0)
    assert time.monotonic() - started < within_s + 0.5, name
    writer.close()
    assert _close_code(received) is code, name
    assert await _logged(no_link_errors, "buyer1", "link down")
    await _honest_round_trip(site)


async def test_slowloris_plain_tcp_is_closed_within_the_handshake_timeout(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    await _with_honest_buyer(site)
    reader, writer = await asyncio.open_connection(site.host, site.port)
    started = time.monotonic()
    await _closed_within(reader, site.settings.handshake_timeout_s + 1.5)
    assert time.monotonic() - started >= site.settings.handshake_timeout_s - 0.1
    writer.close()
    assert await _logged(no_link_errors, "refused", "no TLS handshake within")
    await _honest_round_trip(site)


async def test_silent_authenticated_buyer_is_closed_within_the_hello_timeout(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    await _with_honest_buyer(site)
    reader, writer = await _authenticated_raw(site, 1)
    started = time.monotonic()
    received = await _closed_within(reader, site.settings.handshake_timeout_s + 1.5)
    assert time.monotonic() - started < site.settings.handshake_timeout_s + 1.0
    writer.close()
    assert _close_code(received) in (CloseCode.TIMEOUT, None)
    assert await _logged(no_link_errors, "buyer1", "no hello within")
    await _honest_round_trip(site)


async def test_buyer_that_stops_reading_is_cut_without_delaying_others(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    # While the stuck buyer's writes wait (up to the drain timeout, 3 s here), the honest
    # buyer's round trips must not wait with them: each takes well under that.
    site.settings = replace(site.settings, drain_timeout_s=3.0)
    await _with_honest_buyer(site)
    assert site.server is not None
    _, writer = await _authenticated_raw(site, 1)
    writer.write(_hello(site.buyer_ids[1]))
    stuck = site.server.link("buyer1")
    await expect(stuck, LinkUp)

    async def keep_pinging() -> None:  # alive, so only the drain timeout can catch it
        while True:
            writer.write(encode(ping_frame(FrameKind.PING, 1)))
            await asyncio.sleep(0.1)

    pinger = asyncio.create_task(keep_pinging())
    chunk = bytes(64 * 1024)
    # Fill the stuck buyer's socket buffers; it never reads.
    for _ in range(200):
        stuck.send(chunk)
    for _ in range(5):
        started = time.monotonic()
        await _honest_round_trip(site)
        assert time.monotonic() - started < site.settings.drain_timeout_s / 2
    assert stuck.up  # still waiting on the stuck buyer's drain meanwhile
    await wait_until(lambda: not stuck.up, site.settings.drain_timeout_s + 2)
    assert await _logged(no_link_errors, "buyer1", "has not read")
    pinger.cancel()
    writer.transport.abort()
    await _honest_round_trip(site)


async def test_buyer_flooding_valid_messages_is_held_back_by_backpressure(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    site.settings = replace(site.settings, max_backlog_events=50)
    await _with_honest_buyer(site)
    assert site.server is not None
    flooder = site.buyer(1)
    await expect(flooder.link, LinkUp)
    seller_side = site.server.link("buyer1")
    await expect(seller_side, LinkUp)
    for i in range(2000):
        flooder.link.send(str(i).encode())
    await asyncio.sleep(0.5)  # the seller's application is busy: takes nothing
    assert seller_side.backlog <= 50
    assert await _logged(no_link_errors, "buyer1", "events behind")
    await _honest_round_trip(site)  # the other buyer is not held up
    got = [int((await expect(seller_side, Message)).payload) for _ in range(2000)]
    assert got == list(range(2000))


async def test_silent_sockets_beyond_the_per_host_cap_are_closed_at_once(
    site: Site, no_link_errors: pytest.LogCaptureFixture
) -> None:
    site.settings = replace(site.settings, max_pending_handshakes_per_host=3)
    await site.start_seller()
    silent = [await asyncio.open_connection(site.host, site.port) for _ in range(3)]
    await asyncio.sleep(0.1)
    reader, writer = await asyncio.open_connection(site.host, site.port)
    started = time.monotonic()
    await _closed_within(reader, 0.5)
    assert time.monotonic() - started < site.settings.handshake_timeout_s * 0.8
    writer.close()
    assert await _logged(no_link_errors, "too many unfinished handshakes")
    # Once the silent ones time out, a real buyer gets in.
    client = site.buyer(0)
    await expect(client.link, LinkUp, within_s=site.settings.handshake_timeout_s + 3)
    for _, w in silent:
        w.close()


@pytest.mark.parametrize(
    ("name", "hello_kwargs", "code", "words"),
    [
        ("a buyer claiming to be a seller", {"role": Role.SELLER}, CloseCode.WRONG_ROLE, "seller"),
        ("a hello naming another key", {"fingerprint": "ab" * 32}, CloseCode.IDENTITY, "abab"),
        ("a clock a minute ahead", {"skew_s": 60.0}, CloseCode.CLOCK_SKEW, "synchronised"),
    ],
)
async def test_bad_hello_is_refused_with_a_close_frame_that_says_why(
    site: Site,
    no_link_errors: pytest.LogCaptureFixture,
    name: str,
    hello_kwargs: dict[str, Any],
    code: CloseCode,
    words: str,
) -> None:
    await _with_honest_buyer(site)
    reader, writer = await _authenticated_raw(site, 1)
    writer.write(_hello(site.buyer_ids[1], **hello_kwargs))
    received = await _closed_within(reader, site.settings.handshake_timeout_s + 1.0)
    writer.close()
    frames = [f for f in FrameDecoder().feed(received) if f.kind is FrameKind.CLOSE]
    assert frames, name
    got_code, sentence = frames[-1].close_reason()
    assert got_code is code, name
    assert words in sentence, name
    assert await _logged(no_link_errors, "buyer1", "refused")
    await _honest_round_trip(site)
