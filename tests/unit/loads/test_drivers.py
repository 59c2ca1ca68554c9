"""The agent's relays: a GPIO load through the same driver a contactor uses (gpiozero's
mock pins here), every relay off when opened, and a switch read back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory

from gridnode.hardware.config import RelayConfig
from gridnode.hardware.relay import SimulatedRelay
from gridnode.loads.agent import LoadAgent, open_drivers
from gridnode.loads.decide import LoadSpec
from gridnode.loads.settings import LoadEntry, LoadsSettings
from gridnode.ratefeed.message import RateMessage

T0 = 1_767_225_600_000


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    f = MockFactory()
    yield f
    f.reset()


def _settings() -> LoadsSettings:
    band = {"on_below": 150, "off_above": 200}
    return LoadsSettings(
        endpoint="tcp://127.0.0.1:1",
        silence_ms=30_000,
        curve=None,
        zone="UTC",
        max_power_w=None,
        slot_ms=60_000,
        tick_ms=100,
        bus=None,
        loads=(
            LoadEntry(LoadSpec("heater", **band), RelayConfig("gpio", pin=17)),
            LoadEntry(LoadSpec("fan", **band), None),
        ),
    )


async def test_gpio_and_simulated_loads_switch_with_the_price(factory: MockFactory) -> None:
    pin = factory.pin(17)
    drivers = open_drivers(_settings(), pin_factory=factory)
    assert isinstance(drivers["fan"], SimulatedRelay)
    assert pin.state is False
    clock = [T0]
    agent = LoadAgent(_settings(), drivers, clock=lambda: clock[0], notify=lambda s: False)
    agent.core.heard(RateMessage(1, T0, 120, "receiving", "s", None, ()), T0)
    decisions = await agent.step()
    assert sorted(d.load for d in decisions if d.on) == ["fan", "heater"]
    assert pin.state is True
    clock[0] += 1_000
    agent.core.heard(RateMessage(2, clock[0], 250, "receiving", "s", None, ()), clock[0])
    await agent.step()
    assert pin.state is False
    assert not await drivers["fan"].is_on()
