"""``gridnode meter read`` and ``gridnode meter budget`` against the simulated bus."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gridnode.cli.main import cli
from tests.support.sim_bus import BusFactory


def test_meter_read_json_has_unit_named_fields(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 3)], relay_on=True)
    result = CliRunner().invoke(
        cli,
        [
            "meter",
            "read",
            "--port",
            sim.slave.port,
            "--address",
            "3",
            "--baud",
            "9600",
            "--gap-ms",
            "0",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["voltage_v"] == 230.0
    assert doc["power_w"] == 2300.0
    for key in ("current_a", "import_energy_wh", "export_energy_wh", "frequency_hz"):
        assert key in doc


def test_meter_read_watch_streams_one_object_per_line(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm630", 1)], phases=3, relay_on=True)
    result = CliRunner().invoke(
        cli,
        [
            "meter",
            "read",
            "--port",
            sim.slave.port,
            "--model",
            "sdm630",
            "--gap-ms",
            "0",
            "--baud",
            "9600",
            "--watch",
            "--count",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    assert all(json.loads(line)["l3_voltage_v"] == 230.0 for line in lines)


def test_meter_read_for_a_person(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 1)])
    result = CliRunner().invoke(
        cli, ["meter", "read", "--port", sim.slave.port, "--gap-ms", "0", "--baud", "9600"]
    )
    assert result.exit_code == 0, result.output
    assert "voltage" in result.stdout
    assert " V" in result.stdout


def test_a_silent_meter_exits_3_with_a_sentence(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 1)])
    result = CliRunner().invoke(
        cli,
        [
            "meter",
            "read",
            "--port",
            sim.slave.port,
            "--address",
            "7",
            "--timeout",
            "0.1",
            "--gap-ms",
            "0",
        ],
    )
    assert result.exit_code == 3
    assert "No answer" in result.stderr


def test_a_missing_port_exits_3() -> None:
    result = CliRunner().invoke(cli, ["meter", "read", "--port", "/dev/does-not-exist"])
    assert result.exit_code == 3
    assert "Cannot open the serial port" in result.stderr


def test_unknown_model_exits_2() -> None:
    result = CliRunner().invoke(cli, ["meter", "read", "--port", "x", "--model", "abc"])
    assert result.exit_code == 2
    assert "sdm120" in result.stderr


def test_budget_json() -> None:
    result = CliRunner().invoke(
        cli, ["meter", "budget", "--model", "sdm120", "--baud", "2400", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert 0.7 < doc["poll_period_s"] < 1.1


def test_budget_says_how_many_buses_fifty_meters_need_for_a_round() -> None:
    # issue 17: fifty SDM120 on one bus take 1.74 s a round; four buses keep 0.5 s
    argv = ["meter", "budget", "--meters", "50", "--baud", "38400", "--gap-ms", "2"]
    result = CliRunner().invoke(cli, [*argv, "--round-ms", "500", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["meters"]) == 50
    assert doc["buses_needed"] == 4
    said = CliRunner().invoke(cli, [*argv, "--round-ms", "500"]).stdout
    assert "a round within 500 ms needs 4 bus(es)" in said


def test_meter_scan_finds_the_meters_on_the_bus(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 2), ("sdm120", 4)], baud=None)
    result = CliRunner().invoke(
        cli,
        [
            "meter",
            "scan",
            "--port",
            sim.slave.port,
            "--baud",
            "19200",
            "--last",
            "5",
            "--timeout",
            "0.05",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["found"]
    assert found == [
        {"address": 2, "serial_number": 10_002},
        {"address": 4, "serial_number": 10_004},
    ]
