"""A sample is one moment of the meter, never blocks of two moments (issue 17).

An SDM120's voltage, current and power are three separate register blocks (the
registers between them are unmapped), read as three queries. The seller's relay board
sits on the same bus, and a switch was written between two of a sample's queries: on
slow lines (2400 baud, 0.45 s a sample) a reading came back at 0 V (read while the relay
was open; the meter is on its load side) with 14 A (read after it closed), and the
seller's protection cut that buyer for a second as a brown-out drawing current. The
relay is never held back for a meter's sample (it waits for one query at most), so the
bus counts such switches and a meter reads again the blocks it read before one:
every sample shows the relay either open (0 V, 0 A) or closed (230 V, its current).
Over a real pty with a real line's timing; the relay is switched from another task
between two blocks of a read, as the node's relay task may.
"""

from __future__ import annotations

import asyncio

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.modbus_relay import ModbusRelay
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sample import MeterSample
from gridnode.hardware.sim.slave import Exchange
from tests.support.sim_bus import BusFactory

SDM120 = load_profile("sdm120")
BAUD = 9600
SAMPLES = 12


def _consistent(sample: MeterSample) -> bool:
    """Open: no voltage, no current; closed: the supply's voltage and the load's current."""
    if sample.voltage_mv == 0:
        return sample.current_ma == 0 and sample.power_mw == 0
    return sample.voltage_mv == 230_000 and sample.current_ma == 10_000


def _sample_starts(exchanges: list[Exchange]) -> int:
    """How many reads of the meter's first block (its voltage) the slave has seen."""
    return sum(1 for e in exchanges if e.slave == 1 and e.address == 0)


async def test_a_relay_switched_during_a_sample_never_tears_it(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 1)], baud=BAUD, relay_address=10, load_watts=2300.0)
    with ModbusBus(sim.slave.port, BAUD, timeout_s=0.5, gap_s=0.0) as bus:
        meter = ModbusMeter(bus, SDM120, 1, retries=0)
        relay = ModbusRelay(bus, 10)
        stop = asyncio.Event()
        switches = 0

        async def toggle() -> None:
            """Switch the relay as soon as a sample's first block was read, every other
            read: the switch lands between two blocks of that read."""
            nonlocal switches
            seen = 0
            while not stop.is_set():
                await asyncio.sleep(0.001)
                started = _sample_starts(sim.slave.exchanges)
                if started < seen + 2:
                    continue
                seen = started
                await (relay.switch_off() if switches % 2 else relay.switch_on())
                switches += 1

        toggling = asyncio.create_task(toggle())
        try:
            samples = [await meter.read() for _ in range(SAMPLES)]
        finally:
            stop.set()
            await toggling
    torn = [s.describe() for s in samples if not _consistent(s)]
    assert torn == []
    assert bus.switches == switches >= SAMPLES // 2  # the relay did switch all the while
    # every switch landed in a read, whose first block was read again: more reads of the
    # first block than samples
    assert _sample_starts(sim.slave.exchanges) > SAMPLES
    assert {s.voltage_mv for s in samples} == {0, 230_000}  # both states were sampled
