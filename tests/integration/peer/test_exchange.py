"""Handshake and message exchange both ways over real TLS 1.3 on loopback."""

from __future__ import annotations

import asyncio
import time

import pytest

from gridnode.peer import CloseCode, LinkDown, LinkUp, Message, PinnedPeer
from gridnode.peer.errors import FrameTooLargeError
from tests.support.peer.site import Site, expect, wait_until


async def test_handshake_and_messages_both_ways(site: Site) -> None:
    server = await site.start_seller()
    client = site.buyer(0)
    seller_side = server.link("buyer0")
    await expect(client.link, LinkUp)
    await expect(seller_side, LinkUp)
    for i in range(5):
        client.link.send(f"to seller {i}".encode())
        seller_side.send(f"to buyer {i}".encode())
    got_seller = [await expect(seller_side, Message) for _ in range(5)]
    got_buyer = [await expect(client.link, Message) for _ in range(5)]
    assert [m.payload for m in got_seller] == [f"to seller {i}".encode() for i in range(5)]
    assert [m.seq for m in got_buyer] == [1, 2, 3, 4, 5]
    await asyncio.sleep(0.5)
    assert client.link.unacknowledged == 0
    assert seller_side.unacknowledged == 0
    assert client.link.rtt_s is not None


async def test_clean_close_reaches_the_seller_with_its_reason(site: Site) -> None:
    server = await site.start_seller()
    client = site.buyer(1)
    await expect(server.link("buyer1"), LinkUp)
    await client.close()
    down = await expect(server.link("buyer1"), LinkDown)
    assert down.code is CloseCode.NORMAL
    assert "buyer is shutting down" in down.reason


async def test_payload_above_the_frame_limit_is_refused_at_send(site: Site) -> None:
    await site.start_seller()
    client = site.buyer(0, start=False)
    with pytest.raises(FrameTooLargeError, match="exceeds"):
        client.link.send(bytes(site.settings.max_frame_bytes))


async def test_clock_skew_refuses_the_link_with_a_sentence(site: Site) -> None:
    server = await site.start_seller()
    client = site.buyer(2, clock=lambda: time.time() + 60)
    await wait_until(lambda: client.last_error is not None, 3.0)
    assert "synchronised" in (client.last_error or "")
    assert not server.link("buyer2").up
    # The other buyers are unaffected.
    site.buyer(0)
    await expect(server.link("buyer0"), LinkUp)


async def test_second_connection_of_a_buyer_replaces_the_first(site: Site) -> None:
    server = await site.start_seller()
    first = site.buyer(0)
    await expect(first.link, LinkUp)
    await first.close()
    second = site.buyer(0)
    await expect(second.link, LinkUp)
    second.link.send(b"after reconnect")
    message = await expect(server.link("buyer0"), Message)
    assert message.payload == b"after reconnect"


async def test_close_during_the_hello_still_closes_cleanly(site: Site) -> None:
    """close() before the link is up must not leave the coming connection running."""
    server = await site.start_seller()
    client = site.buyer(2)
    await asyncio.sleep(0)  # the client is mid-connect
    await client.close()
    down = await expect(server.link("buyer2"), LinkDown)
    assert "buyer is shutting down" in down.reason


async def test_buyers_are_added_and_removed_without_a_restart(site: Site) -> None:
    server = await site.start_seller()
    first = site.buyer(0)
    await expect(server.link("buyer0"), LinkUp)
    await expect(first.link, LinkUp)
    pins = [PinnedPeer.of(f"buyer{i}", b.certificate) for i, b in enumerate(site.buyer_ids)]
    # A new tenant: buyer0's link stays up, untouched.
    server.update_buyers(pins[:1])
    added = server.update_buyers(pins)
    assert [link.peer.name for link in added] == ["buyer1", "buyer2"]
    site.buyer(1)
    await expect(server.link("buyer1"), LinkUp)
    assert server.link("buyer0").up
    assert server.link("buyer0").event_nowait() is None
    # buyer0 moves out: disconnected with a sentence, and refused from now on.
    server.update_buyers(pins[1:])
    down = await expect(first.link, LinkDown)
    assert "no longer sells" in down.reason
    with pytest.raises(KeyError):
        server.link("buyer0")
    await wait_until(lambda: first.last_error is not None, 3.0)
    assert not first.link.up
