"""A buyer that pauses buying takes its link down on purpose (issue 23): the seller reads
why, the buyer does not dial again while paused, and resuming brings the same link back
with nothing lost either way."""

from __future__ import annotations

import asyncio

from gridnode.peer import LinkDown, LinkUp, Message
from tests.support.peer.site import Site, expect


async def test_a_paused_buyer_stays_away_and_resumes_with_nothing_lost(site: Site) -> None:
    server = await site.start_seller()
    client = site.buyer(0)
    seller_side = server.link("buyer0")
    await expect(client.link, LinkUp)
    await expect(seller_side, LinkUp)

    client.pause("buying is paused by hand")
    down = await expect(seller_side, LinkDown)
    assert down.reason.endswith("buying is paused by hand")
    await expect(client.link, LinkDown)
    seller_side.send(b"offer while away")  # kept in the seller's outbox
    client.link.send(b"reading while away")  # kept in the buyer's
    # far longer than the reconnect pauses (FAST: 0.05 s, doubling up to 0.3 s)
    await asyncio.sleep(10 * site.settings.reconnect_max_s)
    assert not client.link.up
    assert not seller_side.up

    client.resume()
    await expect(seller_side, LinkUp)
    heard = await expect(seller_side, Message)
    assert heard.payload == b"reading while away"
    await expect(client.link, LinkUp)
    heard = await expect(client.link, Message)
    assert heard.payload == b"offer while away"
