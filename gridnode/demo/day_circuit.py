"""The estate day's circuits (``gridnode demo --estate``): three sellers (the PV, the grid
connection, the battery) feeding three households, and the battery's own circuit fed by
the PV and the grid connection.

``python -m gridnode.demo.day_circuit --state FILE`` (the circuit process of the estate
day, beside :mod:`gridnode.demo.feeds`) serves:

- one bus per seller: meter ``i`` (address ``i``) on its feed into household ``i`` and a
  relay board (address ``100 + i``); the PV's and the grid connection's buses also carry
  meter and relay ``4``, their feed into the battery's circuit, and the battery's bus
  carries its inverter (address :data:`INVERTER_ADDRESS`, read like a meter);
- one bus per household with its own meter (address 1), and the first household's smart
  loads on a load board of their own (as ``gridnode demo --smart-loads`` has them).

The inverter is the battery in this circuit: what it imports is what its circuit draws
through the PV's and the grid's feeds (charging at :data:`CHARGE_WATTS`), what it exports
is what the households draw through the battery's feeds, and its cells hold the start
charge plus the import after the charging loss, less the export before the discharge
loss and the self-discharge. The state file adds the battery's charge over the day.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridnode.demo.circuit import RELAY_BASE, serve_estate
from gridnode.demo.feeds import FeedEstate, MultiFeedCircuit, feed_name
from gridnode.demo.loadboard import DEMO_LOADS, LOAD_BOARD_ADDRESS, LoadBoardDevice, SwitchedLoad
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.circuit import (
    Circuit,
    MeterError,
    SimClock,
    SimMeter,
    SimWatchdog,
    Supply,
)
from gridnode.hardware.sim.inverter import SimInverter
from gridnode.hardware.sim.loads import ConstantLoad, CyclingLoad, Load
from gridnode.hardware.sim.slave import Device, MeterDevice, PtySlave, RelayBoardDevice

#: The sellers, in the order of their buses and feeds.
PV, GRID, BATTERY = 1, 2, 3
#: The households, and the battery's own circuit as the fourth "buyer" of the PV and grid.
HOUSEHOLDS, BATTERY_CIRCUIT = 3, 4
#: The inverter's address on the battery's bus.
INVERTER_ADDRESS = 50
#: What the battery's circuit draws while one of its feeds is closed (W).
CHARGE_WATTS = 3000.0
#: How often the battery's charge is kept for the summary (s).
SOC_EVERY_S = 2.0


@dataclass(frozen=True)
class BatteryModel:
    """The simulated cells: capacity and start charge (mWh), efficiencies and
    self-discharge (ppm), as the battery node's [battery] table says them."""

    capacity_mwh: int = 500_000
    start_mwh: int = 250_000
    charge_ppm: int = 950_000
    discharge_ppm: int = 950_000
    leak_ppm_per_hour: int = 1_000


class DayInverter(SimInverter):
    """The battery's inverter, its counters the energy of the circuits around it."""

    def __init__(
        self,
        model: BatteryModel,
        charging: Circuit,
        selling: Sequence[Circuit],
        clock: SimClock,
    ) -> None:
        super().__init__(
            model.capacity_mwh / 1e6,
            model.start_mwh / 1e6,
            charge_efficiency=model.charge_ppm / 1e6,
            discharge_efficiency=model.discharge_ppm / 1e6,
            serial_number=77_001,
            clock=clock.now_s,
        )
        self.model = model
        self.charging = charging
        self.selling = list(selling)
        self.leak_mwh = 0.0
        self._leak_at = clock.now_s()
        self._now = clock.now_s
        self._figures = threading.Lock()
        #: (wall s, stored mWh), every SOC_EVERY_S
        self.series: list[tuple[float, int]] = []

    def flows(self) -> tuple[int, int, float, float]:
        """Import and export (mWh), the stored energy (mWh) and the power (W) now."""
        charging = self.charging.reading()
        selling = [feed.reading() for feed in self.selling]
        imported = charging.import_mwh
        exported = sum(r.import_mwh for r in selling)
        power = sum(charging.powers_w) - sum(sum(r.powers_w) for r in selling)
        with self._figures:
            model = self.model
            stored = (
                model.start_mwh
                + imported * model.charge_ppm / 1e6
                - exported * 1e6 / model.discharge_ppm
                - self.leak_mwh
            )
            now = self._now()
            hours, self._leak_at = (now - self._leak_at) / 3600, now
            self.leak_mwh += max(0.0, stored) * model.leak_ppm_per_hour / 1e6 * hours
            stored -= max(0.0, stored) * model.leak_ppm_per_hour / 1e6 * hours
        return imported, exported, stored, power

    @property
    def stored_kwh(self) -> float:
        return self.flows()[2] / 1e6

    def values(self) -> dict[tuple[str, int | None], float]:
        imported, exported, stored, power = self.flows()
        return {
            ("voltage", None): self.voltage_v,
            ("current", None): abs(power) / self.voltage_v,
            ("power", None): power,
            ("frequency", None): self.frequency_hz,
            ("import_energy", None): imported / 1e6,
            ("export_energy", None): exported / 1e6,
            ("stored_energy", None): stored / 1e6,
        }

    def keep(self) -> None:
        """Keep the charge now in :attr:`series` (every SOC_EVERY_S, by the caller)."""
        self.series.append((time.time(), round(self.flows()[2])))

    def state(self) -> dict[str, object]:
        imported, exported, stored, _ = self.flows()
        return {
            "capacity_mwh": self.model.capacity_mwh,
            "start_mwh": self.model.start_mwh,
            "stored_mwh": round(stored),
            "import_mwh": imported,
            "export_mwh": exported,
            "self_discharge_mwh": round(self.leak_mwh, 3),
            "charge_ppm": self.model.charge_ppm,
            "discharge_ppm": self.model.discharge_ppm,
            "series": list(self.series),
        }


@dataclass
class DayEstate(FeedEstate):
    inverter: DayInverter | None = None
    extra_circuits: list[MultiFeedCircuit] = field(default_factory=list)

    def describe(self) -> dict[str, object]:
        described = super().describe()
        described["inverter"] = {"address": INVERTER_ADDRESS}
        return described

    def state(self) -> dict[str, object]:
        state = super().state()
        state["smart_loads"] = {s.name: s.on for s in self.smart_loads}
        if self.inverter is not None:
            state["battery"] = self.inverter.state()
        return state


def build_day_estate(
    model: BatteryModel,
    *,
    load_watts: float = 1000.0,
    cycling_watts: float = 500.0,
    smart_loads: bool = True,
    watchdog_timeout_s: float | None = 3.0,
) -> DayEstate:
    """The households' circuits (each with a feed from each seller), the battery's
    circuit (a feed from the PV and one from the grid) and the buses."""
    clock = SimClock()
    profile = load_profile("sdm120")
    watchdogs = [SimWatchdog(watchdog_timeout_s) for _ in range(BATTERY)]
    devices: list[dict[int, Device]] = [{} for _ in range(BATTERY)]
    switched = [SwitchedLoad(name, watts) for name, watts in DEMO_LOADS] if smart_loads else []
    circuits: list[Circuit] = []
    buyer_buses: list[PtySlave] = []
    battery_feeds: list[Circuit] = []

    def feed(seller: int, buyer: int, loads: list[Load]) -> Circuit:
        circuit = Circuit(Supply(noise_v=0.3), loads, clock=clock, seed=100 * seller + buyer)
        circuit.watchdog = watchdogs[seller - 1]
        meter = SimMeter(circuit, MeterError(), serial_number=10_000 * seller + buyer)
        devices[seller - 1][buyer] = MeterDevice(meter, profile)
        devices[seller - 1][RELAY_BASE + buyer] = RelayBoardDevice(circuit)
        return circuit

    for i in range(1, HOUSEHOLDS + 1):
        loads: list[Load] = [ConstantLoad(load_watts)]
        if i == 1 and switched:
            loads += switched  # the smart loads take the cycling appliance's room
        elif cycling_watts:
            loads.append(CyclingLoad(cycling_watts, on_s=40.0, off_s=30.0, offset_s=17.0 * i))
        feeds = {feed_name(s): feed(s, i, loads) for s in (PV, GRID, BATTERY)}
        battery_feeds.append(feeds[feed_name(BATTERY)])
        circuits.append(MultiFeedCircuit(f"household-{i}", feeds))
        own = SimMeter(circuits[-1], MeterError(), serial_number=90_000 + i, seed=90_000 + i)
        buyer_buses.append(PtySlave({1: MeterDevice(own, profile)}))
    charge: list[Load] = [ConstantLoad(CHARGE_WATTS)]
    charging = MultiFeedCircuit(
        "battery", {feed_name(s): feed(s, BATTERY_CIRCUIT, charge) for s in (PV, GRID)}
    )
    circuits.append(charging)
    inverter = DayInverter(model, charging, battery_feeds, clock)
    devices[BATTERY - 1][INVERTER_ADDRESS] = MeterDevice(inverter, load_profile("sim_inverter"))
    estate = DayEstate(
        circuits, [PtySlave(d) for d in devices], buyer_buses, [[] for _ in circuits]
    )
    estate.inverter = inverter
    if switched:
        estate.smart_loads = switched
        board: dict[int, Any] = {LOAD_BOARD_ADDRESS: LoadBoardDevice(switched)}
        estate.load_bus = PtySlave(board)
    return estate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gridnode.demo.day_circuit",
        description="Serve the estate day's circuits (PV, grid, battery, three households).",
        epilog="Example: python -m gridnode.demo.day_circuit --state /tmp/circuit.json",
    )
    parser.add_argument("--state", type=Path, default=None, help="rewrite this JSON every 0.5 s")
    parser.add_argument("--model", default="{}", help="the BatteryModel's fields as JSON")
    parser.add_argument("--no-smart-loads", action="store_true")
    args = parser.parse_args(argv)
    model = BatteryModel(**json.loads(args.model))
    estate = build_day_estate(model, smart_loads=not args.no_smart_loads)
    inverter = estate.inverter
    assert inverter is not None
    kept = [0.0]  # when the charge was last kept (monotonic)

    def keep(first_or_last: bool) -> None:
        if first_or_last or time.monotonic() - kept[0] >= SOC_EVERY_S:
            kept[0] = time.monotonic()
            inverter.keep()

    serve_estate(estate, args.state, tick=keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
