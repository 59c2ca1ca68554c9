"""``gridnode doctor`` on the simulated circuit: a real pty, a real Modbus meter and relay
board, a watchdog that drops the relay when not kicked; LND is left unreachable, which
the doctor must say (and fail on) without stopping the hardware checks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gridnode.cli.main import cli
from tests.support.node_config import SELLER, write
from tests.support.sim_bus import BusFactory


def _seller_on(port: str, folder: Path) -> Path:
    text = (
        SELLER.replace('port = "/dev/gridnode-rs485"', f'port = "{port}"\ngap_ms = 20')
        .replace('kind = "gpio"\npin = 27', 'kind = "modbus"\naddress = 10\ncoil = 1')
        # port 1 on loopback: nothing listens there, so LND is unreachable at once
        .replace('host = "127.0.0.1:10009"', 'host = "127.0.0.1:1"')
        .replace('role = "seller"', 'role = "seller"\nrequire_clock_sync = false')
    )
    return write(folder, text, "seller.toml")


def test_the_click_test_sees_the_relay_switch_and_the_watchdog_drop_it(
    sim_bus: BusFactory, tmp_path: Path
) -> None:
    sim = sim_bus([("sdm120", 1)], relay_address=10, watchdog_timeout_s=1.5)
    config = _seller_on(sim.slave.port, tmp_path)
    result = CliRunner().invoke(
        cli,
        ["doctor", "--config", str(config), "--json", "--click", "tenant-1", "--watchdog-s", "8"],
    )
    doc = json.loads(result.stdout)
    checks = {c["name"]: c for c in doc["checks"]}
    assert checks["serial port"]["outcome"] == "ok"
    assert checks["meter tenant-1"]["outcome"] == "ok", checks["meter tenant-1"]
    assert "serial number 10001" in checks["meter tenant-1"]["detail"]
    assert checks["relay tenant-1"]["outcome"] == "ok", checks["relay tenant-1"]
    assert checks["watchdog"]["outcome"] == "ok", checks["watchdog"]
    assert checks["macaroon"]["outcome"] == "ok"
    # LND is down: a failure with its fix, and the exit code says a check failed
    assert checks["lnd"]["outcome"] == "failure"
    assert "Start LND" in checks["lnd"]["fix"]
    assert doc["passed"] is False
    assert result.exit_code == 1
    assert not sim.circuit.relay_on  # the relay ends off


def test_without_click_no_relay_moves_and_the_text_has_a_line_per_check(
    sim_bus: BusFactory, tmp_path: Path
) -> None:
    sim = sim_bus([("sdm120", 1)], relay_address=10, watchdog_timeout_s=1.5)
    switched: list[bool] = []
    sim.circuit.relay_listeners.append(switched.append)
    config = _seller_on(sim.slave.port, tmp_path)
    result = CliRunner().invoke(cli, ["doctor", "--config", str(config)])
    lines = result.stdout.splitlines()
    assert any(line.startswith("ok") and "meter tenant-1" in line for line in lines)
    assert any(line.startswith("skipped") and "relay tenant-1" in line for line in lines)
    assert lines[-1].startswith("FAILED:")
    assert result.exit_code == 1
    assert True not in switched  # opening a relay switches it off, never on


def test_a_port_held_by_another_process_is_a_failure_with_the_fix(
    sim_bus: BusFactory, tmp_path: Path
) -> None:
    from gridnode.hardware.bus import ModbusBus

    sim = sim_bus([("sdm120", 1)], relay_address=10)
    config = _seller_on(sim.slave.port, tmp_path)
    with ModbusBus(sim.slave.port, 9600):  # a node holding the port, with no status socket
        result = CliRunner().invoke(cli, ["doctor", "--config", str(config), "--json"])
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["serial port"]["outcome"] == "failure"
    assert "in use by another process" in checks["serial port"]["detail"]
    assert result.exit_code == 1
