"""Dual metering: the seller's and the buyer's meters, each on its own bus, measure the
same circuit; a biased meter shows up as a steady disagreement in energy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.serve import SimulatedBus
from tests.support.sim_bus import BusFactory

SDM120 = load_profile("sdm120")


async def test_a_dishonest_seller_meter_reads_5_percent_high(
    sim_bus: BusFactory, second_bus: Callable[..., SimulatedBus]
) -> None:
    seller = sim_bus([("sdm120", 1)], time_scale=3600.0, bias={1: 0.05})
    buyer = second_bus(seller.circuit, [("sdm120", 1)], serial_base=20_000)
    assert seller.slave.port != buyer.slave.port
    # Deliver for a while, then stop, so both meters are read over the same energy.
    seller.circuit.set_relay(True)
    await asyncio.sleep(0.3)  # the circuit runs an hour per second
    seller.circuit.set_relay(False)
    with (
        ModbusBus(seller.slave.port, 19200, timeout_s=0.3, gap_s=0.0) as seller_bus,
        ModbusBus(buyer.slave.port, 19200, timeout_s=0.3, gap_s=0.0) as buyer_bus,
    ):
        seller_meter = ModbusMeter(seller_bus, SDM120, 1, retries=0)
        buyer_meter = ModbusMeter(buyer_bus, SDM120, 1, retries=0)
        seller_sample = await seller_meter.read()
        buyer_sample = await buyer_meter.read()
    assert buyer_sample.import_energy_mwh > 100_000  # a few hundred Wh went through
    ratio = seller_sample.import_energy_mwh / buyer_sample.import_energy_mwh
    assert ratio == pytest.approx(1.05, rel=1e-4)
    assert buyer_meter.serial_number != seller_meter.serial_number
