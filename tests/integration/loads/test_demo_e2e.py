"""End to end with the demo: the first buyer (real LND on regtest, paying the seller over
the pinned link) publishes its live rate, and a load agent switches a simulated load
as the demo's price moves. Needs the regtest binaries (scripts/setup)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
from fractions import Fraction
from pathlib import Path

import pytest

from gridnode.demo.run import DemoHarness, DemoOptions
from gridnode.hardware.relay import RelayDriver
from gridnode.loads.agent import LoadAgent
from gridnode.loads.decide import LoadSpec
from gridnode.loads.settings import LoadEntry, LoadsSettings
from gridnode.ratefeed.message import RateMessage
from gridnode.ratefeed.subscriber import RateSubscriber
from tests.support.relay import MemoryRelay

pytestmark = [pytest.mark.regtest, pytest.mark.timeout(240)]


def _free_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{sock.getsockname()[1]}"


def _price_at(points: tuple[tuple[int, int], ...], t: int) -> Fraction:
    for (a, pa), (b, pb) in itertools.pairwise(points):
        if a <= t < b:
            return pa + Fraction(pb - pa, b - a) * (t - a)
    return Fraction(points[-1][1])


def _band(message: RateMessage) -> LoadSpec:
    """A band the price crosses in the next seconds, by the message's own forecast: a
    falling price switches the load on, a rising one on then off."""
    soon = [int(_price_at(message.forecast, message.at_ms + s * 1000)) for s in (3, 6, 9)]
    if soon[0] > soon[1]:  # falling: above the band now, below it in about 6 s
        return LoadSpec("boiler", on_below=soon[1], off_above=soon[0])
    # rising: below the band now, above it in about 9 s
    return LoadSpec("boiler", on_below=soon[1], off_above=soon[2])


async def _follow_the_live_price(endpoint: str, seller: str) -> list[tuple[bool, int | None]]:
    watcher = RateSubscriber(endpoint)
    try:
        while True:
            message = await asyncio.wait_for(watcher.receive(), 60)
            forecast = message.forecast
            # a straight stretch of price for the next 12 s (no knot, no period end)
            if (
                message.session_state == "receiving"
                and len(forecast) >= 2
                and forecast[1][0] > message.at_ms + 12_000
            ):
                break
    finally:
        watcher.close()
    assert message.seller == seller
    assert message.period_end_ms is not None
    assert message.forecast[-1][0] <= message.period_end_ms
    settings = LoadsSettings(
        endpoint=endpoint,
        silence_ms=10_000,
        curve=None,
        zone="UTC",
        max_power_w=None,
        slot_ms=60_000,
        tick_ms=100,
        bus=None,
        loads=(LoadEntry(_band(message), None),),
    )
    relay = MemoryRelay()
    drivers: dict[str, RelayDriver] = {"boiler": relay}
    both_ways = asyncio.Event()
    agent = LoadAgent(
        settings,
        drivers,
        notify=lambda s: False,
        on_decision=lambda d: both_ways.set() if len(agent.decisions) >= 2 else None,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run(stop))
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_ways.wait(), 20)
    finally:
        stop.set()
        await task
    print("band:", settings.loads[0].spec, "first:", message, "last:", agent.core.latest)
    return [(d.on, d.price_msat_per_kwh) for d in agent.decisions]


def test_a_simulated_load_switches_with_the_demo_buyers_live_price(tmp_path: Path) -> None:
    endpoint = _free_endpoint()
    demo = DemoHarness(
        DemoOptions(root=tmp_path / "demo", rate_feed=endpoint, cycling_watts=0.0),
        lambda m: None,
    )
    parts = demo.start()
    try:

        async def both() -> list[tuple[bool, int | None]]:
            watch = asyncio.create_task(demo.watch(None))
            try:
                return await _follow_the_live_price(endpoint, parts.seller.identity.fingerprint)
            finally:
                watch.cancel()
                await asyncio.gather(watch, return_exceptions=True)

        switches = asyncio.run(both())
    finally:
        demo.stop()
    assert switches, "the load never switched"
    # every switch names the live price that caused it
    assert all(price is not None for _, price in switches)
    assert any(on for on, _ in switches)
