"""The demo's electrical world, in a process of its own: one circuit per buyer.

``python -m gridnode.demo.circuit --buyers N`` builds N circuits (supply, loads, relay)
sharing one external watchdog, and serves them over Modbus RTU on pseudo-terminals:

- the seller's buses (``--seller-buses K``, one pty each, buyer ``i`` on bus
  ``(i - 1) mod K``): meter ``i`` (address ``i``) on circuit ``i`` and a relay board
  (address ``100 + i``, coil 0 the relay, coil 1 the watchdog kick) for each buyer;
  ``--seller-baud`` gives their lines a real line's timing;
- one bus per buyer with that buyer's own meter (address 1) on the same circuit.

The relays live here, not in the seller's process: when the seller dies they stay as they
are until the watchdog, no longer kicked, drops them (a killed seller is tested
honestly). It prints one JSON line describing the ports, then every second rewrites
``--state FILE`` with each circuit's true energy and relay timeline, for the demo's
summary and the tests. Runs until SIGTERM (or SIGINT, SIGHUP).

``--three-phase`` makes each circuit three-phase, read by SDM630 meters: the base load
spread over the phases and the cycling appliance on L1 alone (an unbalanced load, as a
single-phase appliance makes it); the state then also holds what the seller's meter
registers say for each phase and in total, and each phase's peak current. A sag names
its phase with a fourth field (``START:END:FACTOR:PHASE``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from gridnode.demo.circuit_control import ControlServer
from gridnode.demo.loadboard import DEMO_LOADS, LOAD_BOARD_ADDRESS, LoadBoardDevice, SwitchedLoad
from gridnode.hardware.codec import float32_step
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.circuit import (
    Circuit,
    MeterError,
    SimClock,
    SimMeter,
    SimWatchdog,
    Supply,
    VoltageEvent,
)
from gridnode.hardware.sim.loads import ConstantLoad, CyclingLoad, Load
from gridnode.hardware.sim.slave import Device, MeterDevice, PtySlave, RelayBoardDevice

RELAY_BASE = 100


@dataclass
class Estate:
    circuits: list[Circuit]
    #: the seller's buses, one pty each (buyer ``i`` on bus ``(i - 1) mod count``)
    seller_buses: list[PtySlave]
    buyer_buses: list[PtySlave]
    timelines: list[list[tuple[float, bool]]] = field(default_factory=list)
    #: the first buyer's smart loads and the board that switches them, if asked for
    smart_loads: list[SwitchedLoad] = field(default_factory=list)
    load_bus: PtySlave | None = None
    #: each circuit's meter on the seller's bus (its registers go into the state)
    seller_meters: list[SimMeter] = field(default_factory=list)

    def describe(self) -> dict[str, object]:
        loads = None
        if self.load_bus is not None:
            loads = {
                "port": self.load_bus.port,
                "address": LOAD_BOARD_ADDRESS,
                "loads": [
                    {"name": s.name, "watts": s.watts, "coil": i}
                    for i, s in enumerate(self.smart_loads)
                ],
            }
        return {
            "smart_loads": loads,
            "seller_port": self.seller_buses[0].port,
            "seller_ports": [b.port for b in self.seller_buses],
            "buyer_ports": [b.port for b in self.buyer_buses],
            "meters": [i + 1 for i in range(len(self.circuits))],
            "relays": [RELAY_BASE + i + 1 for i in range(len(self.circuits))],
            "watchdog": {"address": RELAY_BASE + 1, "coil": 1},
            "pid": os.getpid(),
        }

    def state(self) -> dict[str, object]:
        circuits = []
        for i, (circuit, timeline) in enumerate(zip(self.circuits, self.timelines, strict=True)):
            reading = circuit.reading()
            state: dict[str, object] = {
                "relay_on": reading.relay_on,
                "import_mwh": reading.import_mwh,
                "power_w": sum(reading.powers_w),
                "voltage_v": reading.voltages_v[0],
                "relay_timeline": timeline,
            }
            if circuit.phases == 3 and i < len(self.seller_meters):
                state["seller_meter"] = meter_registers(self.seller_meters[i])
                state["peak_current_a"] = list(circuit.peak_currents_a)
            circuits.append(state)
        smart = {s.name: s.on for s in self.smart_loads}
        return {"at": time.time(), "circuits": circuits, "smart_loads": smart}

    def named_buses(self) -> dict[str, PtySlave]:
        """The meter buses by name: ``seller`` (the first), ``seller-2``... and
        ``buyer-N`` (as the demo names them)."""
        named = {"seller": self.seller_buses[0]}
        named.update({f"seller-{i}": b for i, b in enumerate(self.seller_buses[1:], start=2)})
        named.update({f"buyer-{i}": b for i, b in enumerate(self.buyer_buses, start=1)})
        return named

    def _buses(self) -> list[PtySlave]:
        extra = [self.load_bus] if self.load_bus is not None else []
        return [*self.seller_buses, *self.buyer_buses, *extra]

    def start(self) -> None:
        for bus in self._buses():
            bus.start()

    def stop(self) -> None:
        for bus in self._buses():
            bus.stop()


def build_estate(
    buyers: int,
    *,
    load_watts: float = 2300.0,
    cycling_watts: float = 1000.0,
    time_scale: float = 1.0,
    watchdog_timeout_s: float | None = 3.0,
    seller_bias: float = 0.0,
    buyer_bias: float = 0.0,
    sags: Sequence[VoltageEvent] = (),
    accuracy_class: float = 0.0,
    smart_loads: bool = False,
    three_phase: bool = False,
    cycle: tuple[float, float, float] | None = None,
    seller_buses: int = 1,
    seller_baud: int | None = None,
) -> Estate:
    """The demo's circuits. ``cycle``: the appliance's (on_s, off_s, offset_s); by
    default 90 s on, 60 s off, each buyer's 37 s later than the one before.
    ``seller_buses``: the seller's meters and relay boards dealt over this many buses;
    ``seller_baud``: their line timing (None: as fast as the pty)."""
    clock = SimClock(time_scale)
    watchdog = SimWatchdog(watchdog_timeout_s)
    phases = 3 if three_phase else 1
    profile = load_profile("sdm630" if three_phase else "sdm120")
    circuits: list[Circuit] = []
    seller_devices: list[dict[int, Device]] = [{} for _ in range(max(1, seller_buses))]
    seller_meters: list[SimMeter] = []
    buyer_buses: list[PtySlave] = []
    timelines: list[list[tuple[float, bool]]] = []
    for i in range(buyers):
        # the base load spread over the phases; the appliance on L1 alone
        loads: list[Load] = [ConstantLoad(load_watts / phases, phase=n + 1) for n in range(phases)]
        if cycling_watts:
            on_s, off_s, offset_s = cycle or (90.0, 60.0, 37.0 * i)
            loads.append(CyclingLoad(cycling_watts, on_s=on_s, off_s=off_s, offset_s=offset_s))
        supply = Supply(noise_v=0.3, events=list(sags))
        circuit = Circuit(supply, loads, phases=phases, clock=clock, seed=i)
        circuit.watchdog = watchdog  # one external watchdog drops every relay
        timeline: list[tuple[float, bool]] = []
        circuit.relay_listeners.append(functools.partial(_note_switch, timeline))
        circuit.drop_listeners.append(functools.partial(_note_drop, timeline))
        circuits.append(circuit)
        timelines.append(timeline)
        seller_meter = SimMeter(
            circuit,
            MeterError(accuracy_class=accuracy_class, bias=seller_bias),
            serial_number=10_000 + i + 1,
            seed=10_000 + i + 1,
        )
        on_bus = seller_devices[i % len(seller_devices)]
        on_bus[i + 1] = MeterDevice(seller_meter, profile)
        seller_meters.append(seller_meter)
        on_bus[RELAY_BASE + i + 1] = RelayBoardDevice(circuit)
        buyer_meter = SimMeter(
            circuit,
            MeterError(accuracy_class=accuracy_class, bias=buyer_bias),
            serial_number=20_000 + i + 1,
            seed=20_000 + i + 1,
        )
        buyer_buses.append(PtySlave({1: MeterDevice(buyer_meter, profile)}))
    sellers = [PtySlave(devices, baud=seller_baud) for devices in seller_devices]
    estate = Estate(circuits, sellers, buyer_buses, timelines)
    estate.seller_meters = seller_meters
    if smart_loads and circuits:
        # the first buyer's appliances, switched by `gridnode loads` over Modbus coils
        estate.smart_loads = [SwitchedLoad(name, watts) for name, watts in DEMO_LOADS]
        circuits[0].loads.extend(estate.smart_loads)
        board: dict[int, Any] = {LOAD_BOARD_ADDRESS: LoadBoardDevice(estate.smart_loads)}
        estate.load_bus = PtySlave(board)
    return estate


def _write_state(estate: Estate, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(estate.state()))
    tmp.replace(path)


def _nothing(*_: object) -> None:
    pass


def serve_estate(
    estate: Estate,
    state: Path | None,
    *,
    tick: Callable[[bool], None] = _nothing,
    begin: Callable[[], Callable[[], None]] | None = None,
) -> None:
    """Serve ``estate`` until SIGTERM (or SIGINT, SIGHUP): print its ports as one JSON
    line, rewrite ``state`` (if given) every half second, and at the end once more.
    ``tick(first_or_last)`` runs before each write (the estate day keeps the battery's
    charge); ``begin`` starts what serves beside the estate and returns how it stops."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    estate.start()
    end = begin() if begin is not None else _nothing
    try:
        tick(True)
        if state:
            _write_state(estate, state)
        sys.stdout.write(json.dumps(estate.describe()) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            tick(False)
            if state:
                _write_state(estate, state)
    finally:
        tick(True)
        if state:
            state.write_text(json.dumps(estate.state()))
        end()
        estate.stop()


def _note_switch(timeline: list[tuple[float, bool]], on: bool) -> None:
    timeline.append((time.time(), on))


def _note_drop(timeline: list[tuple[float, bool]], ago_s: float) -> None:
    """The watchdog dropped the relay ``ago_s`` seconds ago."""
    timeline.append((time.time() - ago_s, False))


def meter_registers(meter: SimMeter) -> dict[str, object]:
    """What the meter's import registers say now, exactly as its float32 registers carry
    them (mWh, rounded half-even like the driver), total and per phase, with the
    register's resolution at that size (mWh)."""
    values = meter.values()
    total = _register_mwh(values[("import_energy", None)])
    each = [_register_mwh(values[("import_energy", n)]) for n in (1, 2, 3)]
    step = float32_step(values[("import_energy", None)]) * 1e6
    return {"import_mwh": total, "phase_import_mwh": each, "step_mwh": step}


def _register_mwh(kwh: float) -> int:
    carried: float = struct.unpack(">f", struct.pack(">f", kwh))[0]
    mwh = Decimal(carried) * 1_000_000
    return int(mwh.to_integral_value(rounding=ROUND_HALF_EVEN))


def _sag(text: str) -> VoltageEvent:
    """``START_S:END_S:FACTOR`` on every phase, or ``...:PHASE`` (1 to 3) on one."""
    parts = text.split(":")
    if len(parts) == 4:
        return float(parts[0]), float(parts[1]), float(parts[2]), int(parts[3])
    start, end, factor = parts
    return float(start), float(end), float(factor)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gridnode.demo.circuit",
        description="Serve the demo's circuits, meters and relays on pseudo-terminals.",
        epilog="Example: python -m gridnode.demo.circuit --buyers 2 --state /tmp/state.json",
    )
    parser.add_argument("--buyers", type=int, default=1)
    parser.add_argument("--load-watts", type=float, default=2300.0)
    parser.add_argument("--cycling-watts", type=float, default=1000.0)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--watchdog-timeout", type=float, default=3.0)
    parser.add_argument(
        "--seller-bias",
        type=float,
        default=0.0,
        help="the seller's meters read this share high (0.05)",
    )
    parser.add_argument("--buyer-bias", type=float, default=0.0)
    parser.add_argument(
        "--smart-loads",
        action="store_true",
        help="the first buyer's appliances on a Modbus load board of their own",
    )
    parser.add_argument(
        "--sag",
        type=_sag,
        action="append",
        default=[],
        help="START_S:END_S:FACTOR in simulated seconds (0.85 is a sag); :PHASE for one phase",
    )
    parser.add_argument(
        "--cycle",
        type=lambda text: tuple(float(x) for x in text.split(":")),
        default=None,
        help="ON_S:OFF_S:OFFSET_S of the cycling appliance (default 90:60, offset 37 s a buyer)",
    )
    parser.add_argument(
        "--three-phase",
        action="store_true",
        help="three-phase circuits and SDM630 meters; the cycling appliance on L1 alone",
    )
    parser.add_argument(
        "--seller-buses",
        type=int,
        default=1,
        help="the seller's meters and relays on this many buses (a pty each)",
    )
    parser.add_argument(
        "--seller-baud", type=int, default=None, help="line timing of the seller's buses"
    )
    parser.add_argument(
        "--state", type=Path, default=None, help="rewrite this JSON file every second"
    )
    parser.add_argument(
        "--control",
        type=Path,
        default=None,
        help="serve meter faults on this Unix socket (gridnode.demo.circuit_control)",
    )
    args = parser.parse_args(argv)
    estate = build_estate(
        args.buyers,
        load_watts=args.load_watts,
        cycling_watts=args.cycling_watts,
        time_scale=args.time_scale,
        watchdog_timeout_s=args.watchdog_timeout or None,
        seller_bias=args.seller_bias,
        buyer_bias=args.buyer_bias,
        sags=args.sag,
        smart_loads=args.smart_loads,
        three_phase=args.three_phase,
        cycle=args.cycle,
        seller_buses=args.seller_buses,
        seller_baud=args.seller_baud,
    )
    control = args.control

    def begin() -> Callable[[], None]:
        return ControlServer(control, estate.named_buses()).start().stop

    serve_estate(estate, args.state, begin=begin if control else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
