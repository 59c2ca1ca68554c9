"""``python -m gridnode.hardware.sim`` serves a bus in its own process, as the demo runs it,
and with ``--house`` a simulated house with PV beside it, as a prosumer node reads one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.modbus_relay import ModbusRelay
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sample import MeterSample


@contextlib.contextmanager
def _simulator(*args: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """``python -m gridnode.hardware.sim ARGS`` and the JSON line it printed; killed at
    the end if it is still running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridnode.hardware.sim", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 10)
        assert ready, "the simulator printed nothing within 10 s"
        yield proc, json.loads(proc.stdout.readline())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_simulator_runs_as_its_own_process() -> None:
    args = ("--meter", "sdm630:2", "--phases", "3", "--relay", "10", "--baud", "19200")
    with _simulator(*args, "--time-scale", "1440") as (proc, info):
        assert info["meters"] == [{"address": 2, "model": "sdm630"}]
        with ModbusBus(info["port"], 19200, timeout_s=0.3, gap_s=0.0) as bus:
            asyncio.run(ModbusRelay(bus, 10).switch_on())
            sample = ModbusMeter(bus, load_profile("sdm630"), 2, retries=0).read_blocking()
        assert [ph.voltage_mv for ph in sample.phases] == [230_000] * 3
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0


def _read_until(meter: ModbusMeter, done: Callable[[MeterSample], bool]) -> MeterSample:
    """Read ``meter`` until ``done`` holds of its sample (the house runs an hour a
    second: a few reads at most)."""
    for _ in range(100):
        sample = meter.read_blocking()
        if done(sample):
            return sample
        time.sleep(0.05)
    raise AssertionError(f"the meter never showed it: {sample}")


def test_the_simulator_serves_a_house_with_pv_beside_the_circuit() -> None:
    house = ("--house", "3:4", "--pv-watts", "3000", "--use-watts", "800")
    sdm120 = load_profile("sdm120")
    args = ("--relay", "10", "--relay-on", *house, "--time-scale", "3600")
    with _simulator(*args) as (proc, info):
        assert info["meters"] == [{"address": 1, "model": "sdm120"}]  # the circuit's, as ever
        assert info["house"] == {
            "production": 3,
            "connection": 4,
            "model": "sdm120",
            "pv_w": 3000.0,
            "use_w": 800.0,
        }
        with ModbusBus(info["port"], 9600, timeout_s=0.3, gap_s=0.0) as bus:
            pv = ModbusMeter(bus, sdm120, 3, meter_id="pv", retries=1)
            grid = ModbusMeter(bus, sdm120, 4, meter_id="grid", retries=1)
            made = _read_until(pv, lambda s: s.export_energy_mwh > 0)
            assert made.power_mw == 3_000_000  # the PV's production, on its export register
            assert made.import_energy_mwh == 0
            day = _read_until(grid, lambda s: s.export_energy_mwh > 0)
            assert day.power_mw == -2_200_000  # the surplus leaves the house
            assert day.import_energy_mwh == 0
            circuit = ModbusMeter(bus, sdm120, 1, retries=1).read_blocking()
            assert circuit.voltage_mv == 230_000  # the circuit's meter beside the house's
            proc.send_signal(signal.SIGUSR1)  # the sun sets
            night = _read_until(grid, lambda s: s.import_energy_mwh > 0)
            assert night.power_mw == 800_000  # the house buys what it uses
            assert _read_until(pv, lambda s: True).power_mw == 0
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
