"""Two RS-485 buses polled at once (issue 17): a Modbus RTU round on two pseudo-terminals.

Each bus is its own serial port with its own thread, so a seller with several RS-485
adapters reads them at the same time; one bus's queries still go one after the other.
Concurrency is shown without a clock: the first meter of each bus answers only once the
other bus's first meter has been asked too (a rendezvous). Read one bus after the other,
the rendezvous would never happen.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Sequence

from gridnode.config.hardware import parse_hardware
from gridnode.demo.bus import seller_buses
from gridnode.demo.circuit import RELAY_BASE, build_estate
from gridnode.hardware.codec import Request
from gridnode.hardware.config import RelayConfig
from gridnode.hardware.ports import open_hardware
from gridnode.hardware.sim.slave import Exchange, MeterDevice
from gridnode.node.wiring import relay_for
from tests.support.sim_bus import BusFactory

#: Longer than any scheduling hiccup of a loaded machine; below the bus timeout.
RENDEZVOUS_S = 5.0


class Rendezvous:
    """A meter that answers its first query only when both buses' first meters are
    being asked at the same time (or says it was asked alone)."""

    def __init__(self, device: MeterDevice, barrier: threading.Barrier) -> None:
        self.device = device
        self.barrier = barrier
        self.met: bool | None = None

    def handle(self, request: Request) -> bytes:
        if self.met is None:
            try:
                self.barrier.wait(RENDEZVOUS_S)
                self.met = True
            except threading.BrokenBarrierError:
                self.met = False
        return self.device.handle(request)


def serialized(exchanges: Sequence[Exchange]) -> bool:
    """Each query on one bus began after the previous one was answered."""
    ordered = sorted(exchanges, key=lambda e: e.received_at)
    return all(
        prev.answered_at is not None and prev.answered_at <= nxt.received_at
        for prev, nxt in itertools.pairwise(ordered)
    )


async def test_a_round_reads_two_buses_at_once_each_bus_in_turn(sim_bus: BusFactory) -> None:
    east = sim_bus([("sdm120", 1), ("sdm120", 2)], baud=9600)
    west = sim_bus([("sdm120", 1), ("sdm120", 2)], baud=9600, relay_address=10)
    barrier = threading.Barrier(2)
    meeting = []
    for sim in (east, west):
        device = sim.slave.devices[1]
        assert isinstance(device, MeterDevice)
        meeting.append(Rendezvous(device, barrier))
        sim.slave.devices[1] = meeting[-1]  # type: ignore[assignment]

    def bus(port: str, *meters: str) -> dict[str, object]:
        return {
            "port": port,
            "baud": 9600,
            "gap_ms": 20,
            "timeout_ms": int(RENDEZVOUS_S * 2000),
            "meters": [{"id": m, "model": "sdm120", "address": n} for n, m in enumerate(meters, 1)],
        }

    config = parse_hardware(
        {"buses": [bus(east.slave.port, "e1", "e2"), bus(west.slave.port, "w1", "w2")]}
    )
    ports = open_hardware(config)
    try:
        assert set(ports.buses) == {east.slave.port, west.slave.port}
        samples = await asyncio.gather(*(m.read() for m in ports.meters.values()))
        assert [s.meter_id for s in samples] == ["e1", "e2", "w1", "w2"]
        assert [r.met for r in meeting] == [True, True]  # both buses were asked at once
        for sim in (east, west):
            assert sorted({e.slave for e in sim.slave.exchanges}) == [1, 2]
            assert serialized(sim.slave.exchanges)  # one bus: one query at a time
        # each meter at its own bus's pace: two meters a bus, not four
        assert ports.poll_period_s("w1") == ports.budgets[west.slave.port].poll_period_s
        assert len(ports.budgets[west.slave.port].meters) == 2
        # a buyer's relay board is switched on its own bus (the bus of its meter)
        board = RelayConfig("modbus", address=10, coil=0, bus=west.slave.port)
        async with relay_for(ports, board, "w1") as relay:
            await relay.switch_on()
            assert west.circuit.relay_on
            assert not east.circuit.relay_on
    finally:
        ports.close()


async def test_the_demo_circuit_serves_each_buyer_on_its_seller_bus() -> None:
    """The demo's circuit with two seller buses: buyer ``i`` (meter ``i``, relay board
    ``100 + i``) on bus ``(i - 1) mod 2``, as the demo's seller configuration says."""
    estate = build_estate(3, seller_buses=2, cycling_watts=0.0)
    estate.start()
    plan = seller_buses(3, baud=9600)
    ports: list[str] = [b.port for b in estate.seller_buses]
    buses = [
        {
            "port": ports[index],
            "baud": 9600,
            "gap_ms": 0,
            "meters": [
                {"id": f"seller-meter-{i}", "model": "sdm120", "address": i}
                for i in plan.buyers_on(index, 3)
            ],
        }
        for index in range(plan.count)
    ]
    hardware = open_hardware(parse_hardware({"buses": buses}))
    try:
        samples = await asyncio.gather(*(m.read() for m in hardware.meters.values()))
        assert sorted(s.meter_id for s in samples) == [f"seller-meter-{i}" for i in (1, 2, 3)]
        board = RelayConfig("modbus", address=RELAY_BASE + 2, coil=0, bus=ports[1])
        async with relay_for(hardware, board, "buyer-2") as relay:
            await relay.switch_on()
            assert [c.relay_on for c in estate.circuits] == [False, True, False]
    finally:
        hardware.close()
        estate.stop()
    assert not [f for b in estate.seller_buses for f in b.device_failures]
