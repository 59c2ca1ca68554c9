"""Relay fail-safe: off at start, off on error, off at shutdown; GPIO with gpiozero's
mock pin factory; the watchdog stops kicking when the node turns unhealthy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from gpiozero.pins.mock import MockFactory

from gridnode.hardware.errors import RelayError, RelayMismatchError
from gridnode.hardware.gpio import GpioRelay, GpioWatchdogOutput
from gridnode.hardware.relay import FailSafeRelay
from gridnode.hardware.watchdog import run_watchdog
from tests.support.clock import VirtualClock
from tests.support.relay import MemoryRelay


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    f = MockFactory()
    yield f
    f.reset()


async def test_relay_is_off_at_start_even_if_it_was_left_on() -> None:
    driver = MemoryRelay()
    driver.on = True
    async with FailSafeRelay(driver):
        assert not driver.on


async def test_relay_is_off_after_an_unhandled_error() -> None:
    driver = MemoryRelay()

    async def run() -> None:
        async with FailSafeRelay(driver) as relay:
            await relay.switch_on()
            assert driver.on
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await run()
    assert not driver.on


async def test_relay_is_off_at_clean_shutdown() -> None:
    driver = MemoryRelay()
    async with FailSafeRelay(driver) as relay:
        await relay.switch_on()
    assert driver.switches == [True, False]


async def test_a_failed_switch_on_leaves_it_off() -> None:
    driver = MemoryRelay(fail=True)
    async with FailSafeRelay(driver) as relay:
        with pytest.raises(RelayError):
            await relay.switch_on()
        assert not await relay.is_on()


class StuckOff(MemoryRelay):
    async def switch_on(self) -> None:
        self.switches.append(True)  # the coil clicks but the contacts never close


async def test_a_relay_that_reads_back_off_raises_a_mismatch() -> None:
    async with FailSafeRelay(StuckOff()) as relay:
        with pytest.raises(RelayMismatchError, match="reads back off"):
            await relay.switch_on()


async def test_gpio_relay_with_mock_pins(factory: MockFactory) -> None:
    driver = GpioRelay(17, pin_factory=factory)
    pin = factory.pin(17)
    assert pin.state is False
    async with FailSafeRelay(driver) as relay:
        await relay.switch_on()
        assert pin.state is True
        assert await relay.is_on()
        await relay.switch_off()
        assert pin.state is False
        await relay.switch_on()
    assert pin.state is False  # off at shutdown
    driver.close()


async def test_gpio_active_low_relay_idles_high(factory: MockFactory) -> None:
    driver = GpioRelay(27, active_high=False, pin_factory=factory)
    pin = factory.pin(27)
    assert pin.state is True  # inactive = high for an active-low board
    await driver.switch_on()
    assert pin.state is False
    driver.off_now()
    assert pin.state is True
    driver.close()


async def test_watchdog_toggles_only_while_healthy(factory: MockFactory) -> None:
    out = GpioWatchdogOutput(22, pin_factory=factory)
    pin = factory.pin(22)
    healthy = True
    notes: list[str] = []

    def notify(state: str) -> bool:
        notes.append(state)
        return True

    async def inline(kick: Callable[[], None]) -> None:
        kick()  # the mock pin answers at once: no thread needed

    clock = VirtualClock()
    task = asyncio.create_task(
        run_watchdog(
            out, lambda: healthy, period_s=0.01, notify=notify, sleep=clock.sleep, offload=inline
        )
    )
    await clock.advance(0.1)
    toggles_healthy = len(pin.states)
    assert toggles_healthy >= 4
    healthy = False
    await clock.advance(0.1)
    frozen = len(pin.states)
    await clock.advance(0.1)
    assert len(pin.states) == frozen  # no kicks: the external watchdog will drop the contactor
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert notes[0] == "READY=1"
    assert "WATCHDOG=1" in notes
    out.close()


async def test_sigterm_opens_every_relay_of_a_landlord() -> None:
    """One relay per tenant: the handlers chain, so SIGTERM opens all of them."""
    import signal

    first, second = MemoryRelay(), MemoryRelay()
    before = signal.getsignal(signal.SIGTERM)

    async def run() -> None:
        async with FailSafeRelay(first) as a, FailSafeRelay(second) as b:
            await a.switch_on()
            await b.switch_on()
            signal.raise_signal(signal.SIGTERM)

    with pytest.raises(SystemExit) as info:
        await run()
    assert info.value.code == 128 + signal.SIGTERM
    assert not first.on
    assert not second.on
    assert signal.getsignal(signal.SIGTERM) == before  # handlers restored
