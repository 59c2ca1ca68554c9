"""A sample is one moment of the meter, never blocks of two moments (issue 17).

An SDM120's voltage, current and power are three separate register blocks (the
registers between them are unmapped), read as three queries. The seller's relay board
sits on the same bus, and a switch was written between two of a sample's queries: on
slow lines (2400 baud, 0.45 s a sample) a reading came back at 0 V (read while the relay
was open; the meter is on its load side) with 14 A (read after it closed), and the
seller's protection cut that buyer for a second as a brown-out drawing current. The
meter now holds the bus for its whole sample, so a relay write waits for the sample's
end: every sample shows the relay either open (0 V, 0 A) or closed (230 V, its current).
Over a real pty with a real line's timing; the relay is switched from another thread
all the while, as the node's relay task does.
"""

from __future__ import annotations

import asyncio
import threading

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.modbus_relay import ModbusRelay
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sample import MeterSample
from tests.support.sim_bus import BusFactory

SDM120 = load_profile("sdm120")
BAUD = 9600
SAMPLES = 12


def _consistent(sample: MeterSample) -> bool:
    """Open: no voltage, no current; closed: the supply's voltage and the load's current."""
    if sample.voltage_mv == 0:
        return sample.current_ma == 0 and sample.power_mw == 0
    return sample.voltage_mv == 230_000 and sample.current_ma == 10_000


async def test_a_relay_switched_during_a_sample_never_tears_it(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 1)], baud=BAUD, relay_address=10, load_watts=2300.0)
    with ModbusBus(sim.slave.port, BAUD, timeout_s=0.5, gap_s=0.0) as bus:
        meter = ModbusMeter(bus, SDM120, 1, retries=0)
        relay = ModbusRelay(bus, 10)
        stop = threading.Event()
        switches = 0

        async def toggle() -> None:
            nonlocal switches
            on = True
            while not stop.is_set():
                await (relay.switch_on() if on else relay.switch_off())
                switches += 1
                on = not on

        toggling = asyncio.create_task(toggle())
        try:
            samples = [await meter.read() for _ in range(SAMPLES)]
        finally:
            stop.set()
            await toggling
    torn = [s.describe() for s in samples if not _consistent(s)]
    assert torn == []
    assert switches >= SAMPLES  # the relay did switch all the while
    # and both states were sampled: the relay's writes got their turn between samples
    assert {s.voltage_mv for s in samples} == {0, 230_000}
