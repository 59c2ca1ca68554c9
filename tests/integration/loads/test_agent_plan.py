"""The load agent's plan reaches the buyer over the feed's own connection (real ZeroMQ on
127.0.0.1, port 0), and the buyer's estate market expects that power while it is fresh."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from gridnode.hardware.relay import RelayDriver
from gridnode.loads.agent import LoadAgent
from gridnode.loads.decide import LoadSpec
from gridnode.loads.settings import LoadEntry, LoadsSettings
from gridnode.node.estate_load import LoadEstimate
from gridnode.ratefeed.publisher import RateFeed, RatePublisher
from gridnode.ratefeed.state import FeedState
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.relay import MemoryRelay

HEATER = LoadSpec("heater", 1, on_below=150_000, off_above=200_000, power_w=2_500)


def _ms() -> int:
    return time.time_ns() // 1_000_000


def _settings(endpoint: str) -> LoadsSettings:
    return LoadsSettings(
        endpoint=endpoint,
        silence_ms=10_000,
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
        self.rate = 120_000

    def __call__(self) -> FeedState:
        profile = ConstantProfile(MsatPerKwh(self.rate))
        return FeedState(self.rate, "receiving", "ab" * 32, profile, _ms() + 600_000)


async def _until(check: Callable[[], bool], within_s: float = 20.0) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_agents_plan_is_the_buyers_expected_power() -> None:
    price = Price()
    load = LoadEstimate(900_000, fallback_mw=1_000_000)
    publisher = RatePublisher("tcp://127.0.0.1:0")
    publisher.start()
    feed = RateFeed(publisher, price, _ms, resend_s=0.5, on_plan=load.heard_plan)
    feed_task = asyncio.create_task(feed.run())
    drivers: dict[str, RelayDriver] = {"heater": MemoryRelay()}
    agent = LoadAgent(_settings(publisher.bound), drivers, notify=lambda s: False)
    stop = asyncio.Event()
    agent_task = asyncio.create_task(agent.run(stop))

    def expected() -> int:
        now = _ms()
        return load.expected_mw(now, now + 900_000, now)

    try:
        assert expected() == 1_000_000  # no plan yet: the recent load (here its fallback)
        await _until(lambda: expected() == 2_500_000)  # cheap: the heater is planned on
        price.rate = 250_000
        feed.changed()
        await _until(lambda: expected() == 0)  # dear: planned off
        assert agent.plans_sent >= 2
    finally:
        stop.set()
        await agent_task
        feed_task.cancel()
        await asyncio.gather(feed_task, return_exceptions=True)
        publisher.close()
