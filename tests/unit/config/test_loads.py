"""loads.toml: typed settings, one sentence per bad field, exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.config.loads import load_loads_settings
from gridnode.config.reader import ConfigError
from gridnode.ratefeed.keys import new_pair, write_pair

DOCS = Path(__file__).resolve().parents[3] / "docs" / "loads.md"

GOOD = """
zone = "Europe/Berlin"
max_power_w = 11000

[feed]
endpoint = "tcp://127.0.0.1:5556"
silence_s = 30

[bus]
port = "/dev/gridnode-rs485"

[[loads]]
name = "water heater"
relay = { kind = "gpio", pin = 17 }
priority = 2
on_below_msat_per_kwh = 150000
off_above_msat_per_kwh = 200000
min_on_s = 300
min_off_s = 300
power_w = 3000
daily_energy_wh = 6000
need_by = "07:00"

[[loads]]
name = "ev charger"
relay = { kind = "modbus", address = 2, coil = 0 }
power_w = 7400
daily_run_minutes = 120
min_on_s = 600
min_off_s = 600

[[loads]]
name = "dehumidifier"
relay = { kind = "simulated" }
on_below_msat_per_kwh = 100000
off_above_msat_per_kwh = 120000
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "loads.toml"
    path.write_text(text)
    return path


def test_a_good_file_reads_into_typed_settings(tmp_path: Path) -> None:
    settings = load_loads_settings(_write(tmp_path, GOOD), env={})
    heater, ev, dry = settings.loads
    assert heater.spec.need_ms == 2 * 3_600_000  # 6 kWh at 3 kW
    assert heater.spec.need_by_minute == 7 * 60
    assert heater.relay is not None
    assert heater.relay.pin == 17
    assert ev.spec.need_ms == 120 * 60_000
    assert ev.relay is not None
    assert ev.relay.kind == "modbus"
    assert dry.relay is None  # simulated
    assert settings.silence_ms == 30_000
    assert settings.max_power_w == 11000


def test_environment_overrides(tmp_path: Path) -> None:
    env = {"GRIDNODE_FEED__SILENCE_S": "12"}
    assert load_loads_settings(_write(tmp_path, GOOD), env=env).silence_ms == 12_000


BAD = """
zone = "Mars/Olympus"
colour = "red"

[feed]
endpoint = "http://example.org"
silence_s = 2
server_key = "feed.key"

[[loads]]
name = "heater"
relay = { kind = "relay" }
on_below_msat_per_kwh = 200
off_above_msat_per_kwh = 100

[[loads]]
name = "heater"
relay = { kind = "modbus", address = 3 }
daily_energy_wh = 100
need_by = "25:00"

[[loads]]
name = "pump"
relay = { kind = "simulated" }
on_below_msat_per_kwh = 5
"""


def test_every_bad_field_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_loads_settings(_write(tmp_path, BAD), env={})
    problems = caught.value.problems
    expected = [
        r"^zone: 'Mars/Olympus' is not an IANA",
        r"^colour is not a setting",
        r"^feed\.endpoint must be a ZeroMQ endpoint",
        r"^feed\.silence_s is 2",
        r"^feed\.server_key and feed\.secret_key go together",
        r"^loads\[0\]\.relay\.kind must be",
        r"^loads\[0\]\.on_below_msat_per_kwh \(200\) must be below",
        r"^loads\[1\]\.daily_energy_wh needs",
        r"^loads\[1\]\.relay\.coil is missing",  # a coil left out is not coil 0
        r"^loads\[1\]\.need_by must be a local time",
        r"^loads\[2\]: give both on_below",
        r"^loads: the name 'heater' is used twice",
        r"^\[bus\] is missing",
    ]
    for pattern in expected:
        assert any(re.search(pattern, p) for p in problems), (pattern, problems)
    assert len(problems) == len(expected), problems


def test_curve_keys_from_files(tmp_path: Path) -> None:
    server, client = new_pair(), new_pair()
    write_pair(server, tmp_path, "feed")
    write_pair(client, tmp_path, "loads")
    text = GOOD.replace(
        "silence_s = 30",
        'silence_s = 30\nserver_key = "feed.key"\nsecret_key = "loads.key_secret"',
    )
    curve = load_loads_settings(_write(tmp_path, text), env={}).curve
    assert curve is not None
    assert curve.server_public == server.public
    assert curve.pair == client


def test_the_cli_exits_2_naming_the_field(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["loads", "--config", str(_write(tmp_path, BAD))])
    assert result.exit_code == 2
    assert "feed.silence_s is 2" in result.output


def test_the_cli_checks_a_good_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    result = CliRunner().invoke(cli, ["loads", "--config", str(path), "--check", "--json"])
    assert result.exit_code == 0, result.output
    assert '"water heater"' in result.output


def test_the_example_in_docs_reads(tmp_path: Path) -> None:
    """docs/loads.md's loads.toml (a water heater and an EV charger) is a working file."""
    text = DOCS.read_text()
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    settings = load_loads_settings(_write(tmp_path, block), env={})
    assert [e.spec.name for e in settings.loads] == ["water heater", "ev charger"]
