"""Run a simulated bus: a circuit, its meters and relay board, on one pseudo-terminal.

``python -m gridnode.hardware.sim`` starts one, prints one JSON line naming the port
(for the demo, the benchmark and the subprocess tests), and serves until SIGTERM.
``--house PV:GRID`` serves a simulated house with PV on the same bus too
(:mod:`gridnode.hardware.sim.house`: its production meter at address ``PV`` and its
connection meter at ``GRID``, SDM120s), so a prosumer node runs against the simulator as
a seller does; SIGUSR1 sets the sun (the PV gives nothing) and raises it again.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.circuit import Circuit, MeterError, SimClock, SimMeter, Supply
from gridnode.hardware.sim.house import SimHouse
from gridnode.hardware.sim.loads import ConstantLoad, CyclingLoad
from gridnode.hardware.sim.slave import Device, MeterDevice, PtySlave, RelayBoardDevice


@dataclass
class SimulatedBus:
    """What :func:`build` made: the circuit, the meters by address, the running slave."""

    circuit: Circuit
    meters: dict[int, SimMeter]
    slave: PtySlave
    relay_address: int | None
    models: dict[int, str] = field(default_factory=dict)
    #: a simulated house with PV on this bus (:func:`add_house`), and its meters'
    #: addresses (production, connection)
    house: SimHouse | None = None
    house_addresses: tuple[int, int] = (0, 0)

    def describe(self) -> dict[str, object]:
        described: dict[str, object] = {
            "port": self.slave.port,
            "baud": self.slave.baud,
            "meters": [{"address": a, "model": m} for a, m in sorted(self.models.items())],
            "relay_board": self.relay_address,
            "time_scale": self.circuit.clock.time_scale,
        }
        if self.house is not None:
            production, connection = self.house_addresses
            described["house"] = {
                "production": production,
                "connection": connection,
                "model": HOUSE_MODEL,
                "pv_w": self.house.pv_w,
                "use_w": self.house.use_w,
            }
        return described


#: The register map of the house's two meters.
HOUSE_MODEL = "sdm120"


class HouseAddressError(ValueError):
    """A house meter's address is taken on the bus."""


def add_house(
    sim: SimulatedBus, production: int, connection: int, *, pv_w: float, use_w: float
) -> SimHouse:
    """Serve a simulated house with PV on ``sim``'s bus too (before it starts): its
    production meter at address ``production``, its connection meter at ``connection``
    (SDM120 register maps), on the circuit's clock (its time scale), the sun giving
    ``pv_w`` and the house using ``use_w``."""
    if production == connection:
        raise HouseAddressError(
            f"the house's two meters need two addresses, not {production} for both; "
            "give two with --house PV:GRID, like 3:4"
        )
    taken = [str(a) for a in (production, connection) if a in sim.slave.devices]
    if taken:
        raise HouseAddressError(
            f"address {' and '.join(taken)} on the bus is a meter's or the relay board's "
            "already; give the house others with --house PV:GRID"
        )
    house = SimHouse(clock=sim.circuit.clock.now_s)
    house.set(pv_w=pv_w, use_w=use_w)
    profile = load_profile(HOUSE_MODEL)
    devices = sim.slave.devices
    devices[production] = MeterDevice(house.production(30_000 + production), profile)
    devices[connection] = MeterDevice(house.connection(30_000 + connection), profile)
    sim.house, sim.house_addresses = house, (production, connection)
    return house


def build(
    meters: Sequence[tuple[str, int]],
    *,
    baud: int | None = None,
    relay_address: int | None = None,
    load_watts: float = 2300.0,
    cycling_watts: float = 0.0,
    phases: int = 1,
    time_scale: float = 1.0,
    watchdog_timeout_s: float | None = None,
    relay_on: bool = False,
    noise_v: float = 0.0,
    bias: dict[int, float] | None = None,
    accuracy_class: float = 0.0,
    voltage_events: Sequence[tuple[float, float, float]] = (),
) -> SimulatedBus:
    """Make (but do not start) a simulated bus; ``meters`` are (model, address) pairs.

    ``voltage_events`` are sags and swells: (start_s, end_s, factor) in simulated time.
    """
    loads: list[ConstantLoad | CyclingLoad] = [
        ConstantLoad(load_watts / phases, phase=n) for n in range(1, phases + 1)
    ]
    if cycling_watts:
        loads.append(CyclingLoad(cycling_watts, on_s=600, off_s=1200))
    circuit = Circuit(
        Supply(noise_v=noise_v, events=list(voltage_events)),
        loads,
        phases=phases,
        clock=SimClock(time_scale),
        watchdog_timeout_s=watchdog_timeout_s,
    )
    if relay_on:
        circuit.set_relay(True)
    return attach_bus(
        circuit,
        meters,
        baud=baud,
        relay_address=relay_address,
        bias=bias,
        accuracy_class=accuracy_class,
    )


def attach_bus(
    circuit: Circuit,
    meters: Sequence[tuple[str, int]],
    *,
    baud: int | None = None,
    relay_address: int | None = None,
    bias: dict[int, float] | None = None,
    accuracy_class: float = 0.0,
    serial_base: int = 10_000,
) -> SimulatedBus:
    """Another bus on the same circuit, on its own pty: the buyer's meter beside the
    seller's. Each meter gets its own error; the relay board, if any, is the circuit's."""
    devices: dict[int, Device] = {}
    sim_meters: dict[int, SimMeter] = {}
    models: dict[int, str] = {}
    for model, address in meters:
        error = MeterError(accuracy_class=accuracy_class, bias=(bias or {}).get(address, 0.0))
        meter = SimMeter(
            circuit, error, serial_number=serial_base + address, seed=serial_base + address
        )
        sim_meters[address] = meter
        models[address] = model
        devices[address] = MeterDevice(meter, load_profile(model))
    if relay_address is not None:
        devices[relay_address] = RelayBoardDevice(circuit)
    return SimulatedBus(circuit, sim_meters, PtySlave(devices, baud=baud), relay_address, models)


def _meter_arg(text: str) -> tuple[str, int]:
    model, _, address = text.partition(":")
    return model, int(address or "1")


def _bias_arg(text: str) -> tuple[int, float]:
    address, _, fraction = text.partition(":")
    return int(address), float(fraction)


def _house_arg(text: str) -> tuple[int, int]:
    production, _, connection = text.partition(":")
    return int(production), int(connection)


def _event_arg(text: str) -> tuple[float, float, float]:
    start, end, factor = (float(part) for part in text.split(":"))
    return start, end, factor


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gridnode.hardware.sim",
        description="Serve simulated SDM meters and a relay board (and a house with PV) on a "
        "pseudo-terminal.",
        epilog="Example: python -m gridnode.hardware.sim --meter sdm120:1 --relay 10 --baud 9600",
    )
    parser.add_argument(
        "--meter",
        action="append",
        type=_meter_arg,
        default=[],
        help="MODEL:ADDRESS, repeatable (default sdm120:1)",
    )
    parser.add_argument("--relay", type=int, default=None, help="slave address of a relay board")
    parser.add_argument("--baud", type=int, default=None, help="emulate line timing at this baud")
    parser.add_argument("--load-watts", type=float, default=2300.0)
    parser.add_argument("--phases", type=int, default=1, choices=[1, 2, 3])
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="simulated seconds per wall second (1440 runs a day in a minute)",
    )
    parser.add_argument(
        "--watchdog-timeout",
        type=float,
        default=None,
        help="drop the relay when its watchdog coil is not written this long",
    )
    parser.add_argument("--relay-on", action="store_true", help="start with the relay closed")
    parser.add_argument(
        "--noise-v", type=float, default=0.0, help="supply voltage noise (V, 1 sigma)"
    )
    parser.add_argument(
        "--accuracy-class",
        type=float,
        default=0.0,
        help="each meter's gain error is drawn within this many percent",
    )
    parser.add_argument(
        "--bias",
        action="append",
        type=_bias_arg,
        default=[],
        help="ADDRESS:FRACTION, a meter reading high (0.05) or low (-0.05)",
    )
    parser.add_argument(
        "--sag",
        action="append",
        type=_event_arg,
        default=[],
        help="START_S:END_S:FACTOR, a sag (0.8) or swell (1.1) in simulated time",
    )
    parser.add_argument(
        "--house",
        type=_house_arg,
        default=None,
        metavar="PV:GRID",
        help="serve a simulated house with PV too: its production meter at address PV and "
        "its connection meter at GRID (SDM120s), like 3:4; SIGUSR1 sets and raises the sun",
    )
    parser.add_argument("--pv-watts", type=float, default=3000.0, help="the house's PV (W)")
    parser.add_argument("--use-watts", type=float, default=800.0, help="the house's use (W)")
    args = parser.parse_args(argv)
    sim = build(
        args.meter or [("sdm120", 1)],
        baud=args.baud,
        relay_address=args.relay,
        load_watts=args.load_watts,
        phases=args.phases,
        time_scale=args.time_scale,
        watchdog_timeout_s=args.watchdog_timeout,
        relay_on=args.relay_on,
        noise_v=args.noise_v,
        accuracy_class=args.accuracy_class,
        bias=dict(args.bias),
        voltage_events=args.sag,
    )
    if args.house is not None:
        try:
            house = add_house(sim, *args.house, pv_w=args.pv_watts, use_w=args.use_watts)
        except HouseAddressError as exc:
            parser.error(str(exc))

        def sun(*_: object) -> None:
            house.set(pv_w=0.0 if house.pv_w else args.pv_watts)

        signal.signal(signal.SIGUSR1, sun)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with sim.slave:
        sys.stdout.write(json.dumps(sim.describe()) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    return 0
