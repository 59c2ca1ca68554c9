"""``python -m gridnode.hardware.sim`` serves a bus in its own process, as the demo runs it."""

from __future__ import annotations

import asyncio
import json
import select
import signal
import subprocess
import sys

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.modbus_relay import ModbusRelay
from gridnode.hardware.profile import load_profile


def test_the_simulator_runs_as_its_own_process() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gridnode.hardware.sim",
            "--meter",
            "sdm630:2",
            "--phases",
            "3",
            "--relay",
            "10",
            "--baud",
            "19200",
            "--time-scale",
            "1440",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 10)
        assert ready, "the simulator printed nothing within 10 s"
        info = json.loads(proc.stdout.readline())
        assert info["meters"] == [{"address": 2, "model": "sdm630"}]
        with ModbusBus(info["port"], 19200, timeout_s=0.3, gap_s=0.0) as bus:
            asyncio.run(ModbusRelay(bus, 10).switch_on())
            sample = ModbusMeter(bus, load_profile("sdm630"), 2, retries=0).read_blocking()
        assert [ph.voltage_mv for ph in sample.phases] == [230_000] * 3
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
