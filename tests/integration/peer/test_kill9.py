"""kill -9 of the buyer's process mid-stream: after a restart on the same store, the
seller has every message exactly once, in order (the outbox is on disk before a byte is
on the wire; a resent message the seller already has is dropped)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace

from gridnode.peer import Message
from tests.support.peer.site import Site, expect

BUYER = """
import asyncio, sys
from pathlib import Path
from gridnode.identity import load_identity, load_certificate
from gridnode.peer import BuyerClient, LinkUp, PinnedPeer
from gridnode.peer.settings import LinkSettings

async def main(identity_dir, seller_cert, host, port, store, count):
    client = BuyerClient(
        load_identity(Path(identity_dir)),
        PinnedPeer.of("seller", load_certificate(Path(seller_cert))),
        host, int(port), Path(store),
        LinkSettings(heartbeat_interval_s=0.2, idle_timeout_s=1.0, reconnect_initial_s=0.05),
    )
    for i in range(1, int(count) + 1):
        client.link.send(str(i).encode())
    print("queued", flush=True)
    client.start()
    await asyncio.Event().wait()  # until killed

asyncio.run(main(*sys.argv[1:]))
"""


async def _spawn(site: Site, count: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        BUYER,
        str(site.buyer_ids[0].directory),
        str(site.seller_id.certificate_path),
        site.host,
        str(site.port),
        str(site.root / "killed-buyer-store"),
        str(count),
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert (await asyncio.wait_for(process.stdout.readline(), 10)).strip() == b"queued"
    return process


async def test_kill_9_of_the_buyer_loses_and_doubles_nothing(site: Site) -> None:
    # A small backlog makes the seller stop reading (and acknowledging) early, so the
    # buyer dies with most of its messages unacknowledged, some of them already received.
    site.settings = replace(site.settings, max_backlog_events=20)
    server = await site.start_seller()
    link = server.link("buyer0")
    total = 400
    first = await _spawn(site, total)
    got: list[int] = []
    while len(got) < 40:
        got.append(int((await expect(link, Message, within_s=10)).payload))
    os.kill(first.pid, signal.SIGKILL)
    await first.wait()
    # The restarted process queues nothing new (count 0): whatever was not acknowledged
    # comes from the outbox on disk.
    second = await _spawn(site, 0)
    try:
        while len(got) < total:
            got.append(int((await expect(link, Message, within_s=10)).payload))
        await asyncio.sleep(0.5)  # a duplicate would arrive now
        while (late := link.event_nowait()) is not None:
            assert not isinstance(late, Message), f"delivered twice: {late}"
    finally:
        second.kill()
        await second.wait()
    assert got == list(range(1, total + 1))
