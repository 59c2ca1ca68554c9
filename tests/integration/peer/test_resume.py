"""Kill the link mid-session: both sides notice within the heartbeat timeout, and the
buyer resumes with no message lost or applied twice, in both directions."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from gridnode.peer import LinkDown, LinkExpired, LinkUp, Message, PeerLink
from tests.support.peer.proxy import CablePuller
from tests.support.peer.site import Site, expect, wait_until


async def _collect(link: PeerLink, into: list[int], events: list[str]) -> None:
    while True:
        event = await link.next_event()
        if isinstance(event, Message):
            into.append(int(event.payload))
        else:
            events.append(type(event).__name__)


async def _send_stream(link: PeerLink, count: int, every_s: float) -> None:
    for i in range(1, count + 1):
        link.send(str(i).encode())
        await asyncio.sleep(every_s)


async def test_pulled_cable_is_noticed_and_resumed_exactly_once(site: Site) -> None:
    server = await site.start_seller()
    cable = CablePuller(site.host, site.port)
    await cable.start()
    client = site.buyer(0, port=cable.port)
    seller_side = server.link("buyer0")
    await expect(client.link, LinkUp)
    await expect(seller_side, LinkUp)

    at_seller: list[int] = []
    at_buyer: list[int] = []
    seller_events: list[str] = []
    buyer_events: list[str] = []
    collectors = [
        asyncio.create_task(_collect(seller_side, at_seller, seller_events)),
        asyncio.create_task(_collect(client.link, at_buyer, buyer_events)),
    ]
    count = 120
    senders = [
        asyncio.create_task(_send_stream(client.link, count, 0.02)),
        asyncio.create_task(_send_stream(seller_side, count, 0.02)),
    ]
    await asyncio.sleep(0.6)
    cable.blackhole()
    pulled = time.monotonic()
    await wait_until(
        lambda: "LinkDown" in seller_events and "LinkDown" in buyer_events,
        site.settings.idle_timeout_s + 1.0,
    )
    noticed_s = time.monotonic() - pulled
    assert noticed_s <= site.settings.idle_timeout_s + 1.0  # the timeout, plus scheduling
    await asyncio.sleep(0.3)
    cable.heal()
    await asyncio.gather(*senders)
    await wait_until(lambda: len(at_seller) >= count and len(at_buyer) >= count, 5.0)
    await asyncio.sleep(0.3)  # nothing more (no duplicates) arrives late
    for task in collectors:
        task.cancel()
    assert at_seller == list(range(1, count + 1))
    assert at_buyer == list(range(1, count + 1))
    assert buyer_events[:2] == ["LinkDown", "LinkUp"]
    assert seller_events[:2] == ["LinkDown", "LinkUp"]
    assert client.link.unacknowledged == 0
    assert seller_side.unacknowledged == 0
    await cable.close()


async def test_unacknowledged_messages_survive_a_buyer_restart(site: Site) -> None:
    server = await site.start_seller()
    seller_side = server.link("buyer1")
    # The buyer queues messages while the seller is unreachable, then "crashes".
    offline = site.buyer(1, port=1, start=False)
    for i in range(1, 6):
        offline.link.send(str(i).encode())
    await offline.close()
    # A new process on the same store dir resends them once.
    restarted = site.buyer(1)
    await expect(restarted.link, LinkUp)
    got = [int((await expect(seller_side, Message)).payload) for _ in range(5)]
    assert got == [1, 2, 3, 4, 5]
    restarted.link.send(b"6")
    assert (await expect(seller_side, Message)).seq == 6


async def test_seller_side_expires_a_buyer_that_stays_away(site: Site) -> None:
    site.settings = replace(site.settings, session_expiry_s=0.5)
    server = await site.start_seller()
    client = site.buyer(2)
    link = server.link("buyer2")
    await expect(link, LinkUp)
    await client.close()
    await expect(link, LinkDown)
    expired = await expect(link, LinkExpired, within_s=2.0)
    assert expired.down_for_s >= 0.5


async def test_seller_restart_is_resumed_by_the_buyer(site: Site) -> None:
    """The seller shuts down cleanly and comes back on the same store and port: the buyer
    sees why, reconnects by itself, and nothing queued meanwhile is lost or doubled."""
    server = await site.start_seller()
    client = site.buyer(0)
    await expect(server.link("buyer0"), LinkUp)
    await expect(client.link, LinkUp)
    server.link("buyer0").send(b"before")
    assert (await expect(client.link, Message)).payload == b"before"
    await server.close()
    down = await expect(client.link, LinkDown)
    assert "seller is shutting down" in down.reason
    client.link.send(b"while the seller was away")
    # Same store, same port (the one the OS gave the first seller).
    restarted = await site.start_seller_on(site.port)
    got = await expect(restarted.link("buyer0"), Message, within_s=5.0)
    assert (got.seq, got.payload) == (1, b"while the seller was away")
    restarted.link("buyer0").send(b"after")
    message = await expect(client.link, Message)
    assert (message.seq, message.payload) == (2, b"after")


async def test_a_buyer_that_never_comes_back_after_a_seller_start_expires(site: Site) -> None:
    site.settings = replace(site.settings, session_expiry_s=0.5)
    server = await site.start_seller()
    expired = await expect(server.link("buyer1"), LinkExpired, within_s=2.0)
    assert expired.down_for_s >= 0.5
