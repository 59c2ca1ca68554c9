"""The estate market's next best seller over a real ZeroMQ socket (127.0.0.1, port 0):
a subscriber receives it with the active seller's rate, and a change of the next best is
published at once."""

from __future__ import annotations

import asyncio
import json
import time

import zmq
import zmq.asyncio

from gridnode.ratefeed.message import TOPIC
from gridnode.ratefeed.publisher import RateFeed, RatePublisher
from gridnode.ratefeed.state import FeedState, NextBestState
from gridnode.ratefeed.subscriber import RateSubscriber
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh

ACTIVE, ROOF, GRID = "ab" * 32, "cd" * 32, "ef" * 32


def _ms() -> int:
    return time.time_ns() // 1_000_000


class Estate:
    """A buyer of three sellers whose next best the test changes."""

    def __init__(self) -> None:
        self.end_ms = _ms() + 60_000
        self.next = NextBestState(
            "roof", ROOF, 2_712, ConstantProfile(MsatPerKwh(150_000)), self.end_ms
        )

    def __call__(self) -> FeedState:
        profile = ConstantProfile(MsatPerKwh(180_000))
        return FeedState(180_000, "receiving", ACTIVE, profile, self.end_ms, self.next)


async def test_a_subscriber_receives_the_next_best_and_its_change() -> None:
    estate = Estate()
    publisher = RatePublisher("tcp://127.0.0.1:0")
    publisher.start()
    feed = RateFeed(publisher, estate, _ms, resend_s=0.2)
    task = asyncio.create_task(feed.run())
    subscriber = RateSubscriber(publisher.bound)
    try:
        first = await asyncio.wait_for(subscriber.receive(), 5.0)  # a re-send reaches it
        assert (first.seller, first.rate_msat_per_kwh) == (ACTIVE, 180_000)
        assert first.next_best is not None
        assert (first.next_best.name, first.next_best.seller) == ("roof", ROOF)
        assert first.next_best.rate_msat_per_kwh == 150_000
        assert first.next_best.score_msat == 2_712
        assert first.next_best.forecast[-1] == (estate.end_ms, 150_000)
        estate.next = NextBestState(
            "grid", GRID, 3_000, ConstantProfile(MsatPerKwh(200_000)), estate.end_ms
        )
        feed.changed()

        async def grid() -> int | None:
            while True:
                message = await subscriber.receive()
                if message.next_best is not None and message.next_best.name == "grid":
                    return message.next_best.rate_msat_per_kwh

        assert await asyncio.wait_for(grid(), 5.0) == 200_000
    finally:
        subscriber.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        publisher.close()


async def test_a_plain_sub_socket_of_before_reads_the_feed() -> None:
    """An agent of before subscribes with a plain SUB socket: the feed (an XPUB now, to
    read plans) reaches it, and the message it reads is version 1 with its keys as they
    were, the next best an extra key."""
    estate = Estate()
    publisher = RatePublisher("tcp://127.0.0.1:0")
    publisher.start()
    feed = RateFeed(publisher, estate, _ms, resend_s=0.2)
    task = asyncio.create_task(feed.run())
    context = zmq.asyncio.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, TOPIC)
    sub.connect(publisher.bound)
    try:
        topic, body = await asyncio.wait_for(sub.recv_multipart(), 5.0)
        doc = json.loads(body)
        assert topic == TOPIC
        assert doc["v"] == 1
        assert (doc["rate_msat_per_kwh"], doc["seller"]) == (180_000, ACTIVE)
        assert doc["next_best"]["name"] == "roof"
    finally:
        sub.close()
        context.term()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        publisher.close()
