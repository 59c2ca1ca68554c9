"""The nodes' use of ``keep_until_consumed``, over a real link on loopback: a frame the
link handed up but whose ledger record never committed (the node died first) is handed
up again, flagged ``redelivered``, when the restarted node's link comes back; a frame
whose record committed is not, and nothing the peer sends afterwards is lost or doubled.

The receiving side is wired as the nodes wire it: a SessionRunner over a real ledger, a
Consumption telling the link what is durably handled."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from gridnode.clock import SYSTEM_CLOCK
from gridnode.ledger import Ledger, LedgerError
from gridnode.node.consumption import Consumption
from gridnode.node.runner import SessionRunner
from gridnode.peer import LinkUp, Message, PeerLink
from gridnode.trade.events import FrameReceived
from tests.support.ledger import CrashingSessions, ledger_with, open_ledger
from tests.support.peer.site import Site, expect
from tests.support.recording_session import recording_runner


async def runner_over(ledger: Ledger) -> SessionRunner:
    return await recording_runner(ledger, [], clock=SYSTEM_CLOCK)


async def messages(link: PeerLink, count: int) -> list[Message]:
    return [await expect(link, Message, within_s=5) for _ in range(count)]


async def test_a_frame_lost_before_its_record_is_redelivered_and_a_recorded_one_is_not(
    site: Site, tmp_path: Path
) -> None:
    site.settings = replace(site.settings, keep_until_consumed=True)
    server = await site.start_seller()
    port = site.port
    client = site.buyer(0)
    await expect(client.link, LinkUp)
    for payload in (b"m1", b"m2", b"crash", b"m4"):
        client.link.send(payload)

    # The seller node's first life: m1 and m2 are recorded, the write of "crash" dies.
    ledger = ledger_with(tmp_path / "seller.sqlite", "seller", CrashingSessions, threaded=True)
    link = server.link("buyer0")
    consumption = Consumption(link.consumed)
    runner = await runner_over(ledger)
    for message in await messages(link, 4):
        assert not message.redelivered
        runner.post(FrameReceived(message.payload), consumption.taken(message.seq))
    with pytest.raises(LedgerError):
        await asyncio.wait_for(runner.run(), 5)
    await ledger.close()
    await server.close()  # the process is gone; its link store stays on disk

    # While it is down the buyer queues more.
    client.link.send(b"m5")

    # The restarted node: its link hands up "crash" and m4 again (m4 was taken but never
    # reached the ledger either), then the buyer's new message; m1 and m2 never again.
    server = await site.start_seller_on(port)
    link = server.link("buyer0")
    again = await messages(link, 3)
    assert [(m.seq, m.payload, m.redelivered) for m in again] == [
        (3, b"crash", True),
        (4, b"m4", True),
        (5, b"m5", False),
    ]
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller", threaded=True)
    # what the node would skip, had it come again
    assert await ledger.sessions.has_received_frame(b"m2")
    assert not await ledger.sessions.has_received_frame(b"crash")
    consumption = Consumption(link.consumed)
    runner = await runner_over(ledger)
    for message in again:
        runner.post(FrameReceived(message.payload), consumption.taken(message.seq))
    runner.post(FrameReceived(b"close"))
    await asyncio.wait_for(runner.run(), 5)
    assert consumption.waiting == 0
    await server.close()

    # A third life: everything was consumed, so nothing is handed up again.
    server = await site.start_seller_on(port)
    link = server.link("buyer0")
    client.link.send(b"m6")
    (latest,) = await messages(link, 1)
    assert (latest.seq, latest.payload, latest.redelivered) == (6, b"m6", False)
    await ledger.close()
