"""The agent's switching step with in-process relays: a relay that fails to switch is
held off (and logged), never retried at once; the JSON decision line."""

from __future__ import annotations

import json
import logging

import pytest

from gridnode.hardware.relay import RelayDriver
from gridnode.loads.agent import LoadAgent
from gridnode.loads.decide import LoadSpec
from gridnode.loads.runtime import decision_line
from gridnode.loads.settings import LoadEntry, LoadsSettings
from gridnode.ratefeed.message import RateMessage
from tests.support.relay import MemoryRelay

T0 = 1_767_225_600_000


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


def _agent(relay: MemoryRelay, clock: Clock) -> LoadAgent:
    spec = LoadSpec("heater", on_below=150, off_above=200, min_off_ms=60_000)
    settings = LoadsSettings(
        endpoint="tcp://127.0.0.1:1",
        silence_ms=30_000,
        curve=None,
        zone="UTC",
        max_power_w=None,
        slot_ms=60_000,
        tick_ms=100,
        bus=None,
        loads=(LoadEntry(spec, None),),
    )
    drivers: dict[str, RelayDriver] = {"heater": relay}
    return LoadAgent(settings, drivers, clock=clock, notify=lambda s: False)


async def test_a_relay_that_fails_is_held_off_for_its_minimum_off_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    relay, clock = MemoryRelay(fail=True), Clock()
    agent = _agent(relay, clock)
    agent.core.heard(RateMessage(1, T0, 100, "receiving", "s", None, ()), T0)
    with caplog.at_level(logging.ERROR, logger="gridnode.loads"):
        await agent.step()
    assert "could not be switched on" in caplog.text
    assert not relay.on
    assert agent.decisions == []
    relay.fail = False
    clock.now += 10_000
    agent.core.heard(RateMessage(2, clock.now, 100, "receiving", "s", None, ()), clock.now)
    assert await agent.step() == []  # resting
    clock.now += 60_000
    agent.core.heard(RateMessage(3, clock.now, 100, "receiving", "s", None, ()), clock.now)
    (decision,) = await agent.step()
    assert decision.on
    assert relay.on


async def test_decisions_are_logged_with_their_price(caplog: pytest.LogCaptureFixture) -> None:
    relay, clock = MemoryRelay(), Clock()
    agent = _agent(relay, clock)
    agent.core.heard(RateMessage(1, T0, 120, "receiving", "s", None, ()), T0)
    with caplog.at_level(logging.INFO, logger="gridnode.loads"):
        (decision,) = await agent.step()
    assert "heater on at 120 msat/kWh" in caplog.text
    line = json.loads(decision_line(decision))
    assert line == {
        "time": "2026-01-01T00:00:00.000Z",
        "load": "heater",
        "on": True,
        "rate_msat_per_kwh": 120,
        "reason": "price at or below 150",
    }
