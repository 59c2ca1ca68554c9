"""The load agent against a real feed on 127.0.0.1: it switches simulated relays with the
live price, goes fail-safe off when the feed falls silent, and skips malformed messages
with a log line."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import pytest
import zmq
import zmq.asyncio

from gridnode.hardware.relay import RelayDriver
from gridnode.loads.agent import LoadAgent
from gridnode.loads.decide import LoadSpec
from gridnode.loads.settings import LoadEntry, LoadsSettings
from gridnode.ratefeed.publisher import RateFeed, RatePublisher
from gridnode.ratefeed.state import FeedState
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.relay import MemoryRelay

HEATER = LoadSpec("heater", 1, on_below=150_000, off_above=200_000)


def _ms() -> int:
    return time.time_ns() // 1_000_000


def _settings(endpoint: str, silence_ms: int = 1_500) -> LoadsSettings:
    return LoadsSettings(
        endpoint=endpoint,
        silence_ms=silence_ms,
        curve=None,
        zone="UTC",
        max_power_w=None,
        slot_ms=60_000,
        tick_ms=50,
        bus=None,
        loads=(LoadEntry(HEATER, None),),
    )


class Price:
    def __init__(self) -> None:
        self.rate = 250_000

    def __call__(self) -> FeedState:
        return FeedState(
            self.rate,
            "receiving",
            "ab" * 32,
            ConstantProfile(MsatPerKwh(self.rate)),
            _ms() + 60_000,
        )


async def _until(check: Callable[[], bool], within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_agent_follows_the_live_price_and_fails_safe_on_silence() -> None:
    price = Price()
    publisher = RatePublisher("tcp://127.0.0.1:0")
    publisher.start()
    feed = RateFeed(publisher, price, _ms, resend_s=0.5)
    feed_task = asyncio.create_task(feed.run())
    relay = MemoryRelay()
    drivers: dict[str, RelayDriver] = {"heater": relay}
    agent = LoadAgent(_settings(publisher.bound), drivers, notify=lambda s: False)
    stop = asyncio.Event()
    agent_task = asyncio.create_task(agent.run(stop))
    try:
        await _until(lambda: agent.core.latest is not None)
        assert not relay.on  # dear: off
        price.rate = 120_000
        feed.changed()
        await _until(lambda: relay.on)
        price.rate = 180_000  # inside the band: stays on
        feed.changed()
        await asyncio.sleep(0.5)
        assert relay.on
        price.rate = 210_000
        feed.changed()
        await _until(lambda: not relay.on)
        price.rate = 100_000
        feed.changed()
        await _until(lambda: relay.on)
        # the buyer dies: the feed falls silent
        feed_task.cancel()
        await asyncio.gather(feed_task, return_exceptions=True)
        silenced = time.monotonic()
        await _until(lambda: not relay.on, within_s=4.0)
        assert time.monotonic() - silenced >= 1.0
        last = agent.decisions[-1]
        assert "silent" in last.reason
        assert [d.on for d in agent.decisions] == [True, False, True, False]
        assert [d.price_msat_per_kwh for d in agent.decisions] == [120_000, 210_000, 100_000, None]
    finally:
        stop.set()
        await agent_task
        feed_task.cancel()
        await asyncio.gather(feed_task, return_exceptions=True)
        publisher.close()
    assert not relay.on


async def test_malformed_messages_are_skipped_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    context = zmq.asyncio.Context()
    pub = context.socket(zmq.PUB)
    pub.bind("tcp://127.0.0.1:0")
    endpoint = pub.getsockopt_string(zmq.LAST_ENDPOINT)
    relay = MemoryRelay()
    agent = LoadAgent(_settings(endpoint), {"heater": relay}, notify=lambda s: False)
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run(stop))
    caplog.set_level(logging.WARNING, logger="gridnode.ratefeed")
    try:
        await asyncio.sleep(0.3)  # the slow joiner
        garbage = [[b"rate", b"{not json"], [b"rate", b'{"v": 1, "rate_msat_per_kwh": -5}']]
        garbage += [[b"rate"], [b"rate", b"\xff"]]
        for _ in range(5):
            for frames in garbage:
                await pub.send_multipart(frames)
            await asyncio.sleep(0.1)
        await _until(lambda: "malformed" in caplog.text)
        assert not task.done()  # never a crash
        assert agent.core.latest is None
        assert not relay.on
    finally:
        stop.set()
        await task
        pub.close(0)
        context.term()
