"""Relay fail-safe across a process boundary, as on a real node.

The simulated relay lives in the circuit (this test's process); the seller is a child
process. SIGTERM makes the seller open the relay before it exits. SIGKILL gives it no
chance: the relay stays closed until the external watchdog, no longer kicked, drops it.
"""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

from tests.support.sim_bus import BusFactory

RELAY_ADDRESS = 10

SELLER = textwrap.dedent(
    """
    import asyncio, sys
    from gridnode.hardware.bus import ModbusBus
    from gridnode.hardware.modbus_relay import ModbusRelay, ModbusWatchdogOutput
    from gridnode.hardware.relay import FailSafeRelay
    from gridnode.hardware.watchdog import run_watchdog

    async def main() -> None:
        bus = ModbusBus(sys.argv[1], 9600, timeout_s=0.3, gap_s=0.0)
        async with FailSafeRelay(ModbusRelay(bus, 10)) as relay:
            await relay.switch_on()
            dog = asyncio.create_task(
                run_watchdog(ModbusWatchdogOutput(bus, 10), lambda: True, period_s=0.05)
            )
            print("on", flush=True)
            await dog

    asyncio.run(main())
    """
)

GPIO_SELLER = textwrap.dedent(
    """
    import asyncio, atexit
    from gpiozero.pins.mock import MockFactory
    from gridnode.hardware.gpio import GpioRelay
    from gridnode.hardware.relay import FailSafeRelay

    factory = MockFactory()
    pin = factory.pin(17)
    atexit.register(lambda: print(f"final {pin.state}", flush=True))

    async def main() -> None:
        async with FailSafeRelay(GpioRelay(17, pin_factory=factory)) as relay:
            await relay.switch_on()
            print(f"on {pin.state}", flush=True)
            await asyncio.sleep(30)

    asyncio.run(main())
    """
)


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)


def _spawn(procs: list[subprocess.Popen[str]], code: str, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    procs.append(proc)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    line = proc.stdout.readline() if ready else "(nothing within 10 s)"
    assert line.startswith("on"), (
        f"child did not switch on: {line!r} {proc.stderr.read() if proc.stderr else ''}"
    )
    return proc


def test_sigterm_opens_the_relay_before_the_seller_exits(
    sim_bus: BusFactory, children: list[subprocess.Popen[str]]
) -> None:
    sim = sim_bus([("sdm120", 1)], relay_address=RELAY_ADDRESS)
    seller = _spawn(children, SELLER, sim.slave.port)
    assert sim.circuit.relay_on
    seller.send_signal(signal.SIGTERM)
    assert seller.wait(timeout=5) == 128 + signal.SIGTERM
    assert not sim.circuit.relay_on


def test_a_killed_seller_leaves_the_relay_on_until_the_watchdog_drops_it(
    sim_bus: BusFactory, children: list[subprocess.Popen[str]]
) -> None:
    sim = sim_bus([("sdm120", 1)], relay_address=RELAY_ADDRESS, watchdog_timeout_s=1.0)
    seller = _spawn(children, SELLER, sim.slave.port)
    time.sleep(1.2)  # longer than the watchdog timeout: the kicks keep it closed
    assert sim.circuit.relay_on
    seller.send_signal(signal.SIGKILL)
    seller.wait(timeout=5)
    assert sim.circuit.relay_on  # a dead process cannot open anything
    deadline = time.monotonic() + 3.0
    while sim.circuit.relay_on and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not sim.circuit.relay_on


def test_gpio_relay_is_off_after_sigterm(children: list[subprocess.Popen[str]]) -> None:
    seller = _spawn(children, GPIO_SELLER)
    seller.send_signal(signal.SIGTERM)
    out, _ = seller.communicate(timeout=5)
    assert seller.returncode == 128 + signal.SIGTERM
    assert "final False" in out
