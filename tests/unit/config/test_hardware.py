"""The [hardware] configuration: typed at load, every mistake of every hardware table one
sentence naming its field and the fix, all of them together (exit 2); typos such as
``gapms`` or ``slave`` are mistakes, and a Modbus relay names its coil."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from gridnode.config.hardware import read_hardware, read_relay
from gridnode.config.reader import ConfigError, Problems, Table
from gridnode.config.settings import SellerSettings, load_settings
from gridnode.hardware.config import HardwareConfig, RelayConfig
from tests.support.node_config import SELLER, write

HARDWARE = """
[hardware.bus]
port = "/dev/gridnode-rs485"
baud = 9600

[[hardware.meters]]
id = "tenant-1"
model = "sdm120"
address = 1

[[hardware.meters]]
id = "tenant-2"
model = "sdm630"
address = 2

[hardware.relay]
kind = "gpio"
pin = 17

[hardware.watchdog]
kind = "gpio"
pin = 27
"""


def _doc(text: str = HARDWARE) -> dict[str, Any]:
    hardware: dict[str, Any] = tomllib.loads(text)["hardware"]
    return hardware


def _read(doc: dict[str, Any], base: Path = Path()) -> tuple[HardwareConfig | None, list[str]]:
    problems = Problems("node.toml")
    config = read_hardware(Table(doc, "hardware", problems), base)
    return config, problems.items


def test_a_seller_configuration_reads_into_typed_values() -> None:
    config, problems = _read(_doc())
    assert problems == []
    assert config is not None
    assert config.bus.gap_ms == 100
    assert [m.address for m in config.meters] == [1, 2]
    assert config.relay == RelayConfig("gpio", pin=17, active_high=True)
    assert config.watchdog.kind == "gpio"
    assert config.watchdog.pin == 27


def test_without_a_watchdog_table_a_node_has_none() -> None:
    doc = _doc()
    del doc["watchdog"]
    config, problems = _read(doc)
    assert problems == []
    assert config is not None
    assert config.watchdog.kind == "none"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["meters"][0].update(address=0), r"hardware.meters\[0\].address is 0"),
        (lambda d: d["meters"][1].update(address=1), "share a slave address"),
        (lambda d: d["meters"][1].update(id="tenant-1"), "the id 'tenant-1' is used twice"),
        (lambda d: d["meters"][0].update(model="sdm9"), "no meter profile 'sdm9'"),
        (lambda d: d["bus"].update(baud=1234), "hardware.bus.baud is 1234"),
        (lambda d: d["bus"].pop("port"), "hardware.bus.port is missing"),
        (lambda d: d["bus"].update(gap_ms="100"), "hardware.bus.gap_ms must be a whole number"),
        (
            lambda d: d["relay"].update(kind="ssr"),
            r'hardware.relay.kind must be "gpio" \(pin\) or "modbus" \(address, coil\)',
        ),
        (lambda d: d["relay"].update(pin=True), "hardware.relay.pin must be a whole number"),
        (lambda d: d["relay"].update(pin=40), "hardware.relay.pin is 40; a Raspberry Pi's"),
        (lambda d: d["watchdog"].update(kind="dog"), "hardware.watchdog.kind must be"),
        (lambda d: d["watchdog"].update(period_ms=0), "hardware.watchdog.period_ms must be above"),
    ],
)
def test_mistakes_name_the_field(change: Any, message: str) -> None:
    doc = _doc()
    change(doc)
    config, problems = _read(doc)
    assert config is None
    assert len(problems) == 1, problems
    assert re.search(message, problems[0]), problems


@pytest.mark.parametrize(
    ("table", "typo", "sentence"),
    [
        ("bus", "gapms", "hardware.bus.gapms is not a setting gridnode knows"),
        ("meters", "slave", "hardware.meters[0].slave is not a setting gridnode knows"),
        ("relay", "coil", 'hardware.relay.coil is not a setting of a "gpio" relay'),
        ("watchdog", "period", 'hardware.watchdog.period is not a setting of a "gpio" watchdog'),
        ("", "relays", "hardware.relays is not a setting gridnode knows"),
    ],
)
def test_typos_in_any_hardware_table_are_reported(table: str, typo: str, sentence: str) -> None:
    doc = _doc()
    target = doc if not table else doc[table][0] if table == "meters" else doc[table]
    target[typo] = 1
    config, problems = _read(doc)
    assert config is None
    assert len(problems) == 1, problems
    assert problems[0].startswith(sentence), problems


def test_a_modbus_relay_without_a_coil_is_a_mistake_not_coil_0() -> None:
    doc = _doc()
    doc["relay"] = {"kind": "modbus", "address": 10}
    doc["watchdog"] = {"kind": "modbus", "address": 11}
    _, problems = _read(doc)
    assert problems == [
        "hardware.relay.coil is missing (the relay board's coil that switches it, from 0)",
        "hardware.watchdog.coil is missing (the relay board's coil that switches it, from 0)",
    ]


def test_every_hardware_mistake_is_reported_at_once() -> None:
    doc = _doc()
    doc["bus"]["gapms"] = 20
    doc["meters"][0]["slave"] = 3
    doc["meters"][1]["address"] = 300
    doc["relay"] = {"kind": "modbus", "address": 10}
    _, problems = _read(doc)
    assert len(problems) == 4, problems


def test_a_tenant_relay_table_is_checked_under_its_own_name() -> None:
    problems = Problems("node.toml")
    relay = read_relay(
        Table({"kind": "modbus", "address": 10, "coil": 3}, "buyers[2].relay", problems)
    )
    assert relay is not None
    assert (relay.address, relay.coil) == (10, 3)
    assert (
        read_relay(
            Table({"kind": "modbus", "address": 300, "coil": 0}, "buyers[2].relay", problems)
        )
        is None
    )
    assert problems.items[0].startswith("buyers[2].relay.address is 300")


def test_a_profile_file_is_found_next_to_the_configuration(tmp_path: Path) -> None:
    from importlib import resources

    shipped = resources.files("gridnode.hardware") / "profiles" / "sdm120.json"
    (tmp_path / "my-meter.json").write_text(shipped.read_text())
    doc = _doc()
    doc["meters"][0]["model"] = "my-meter.json"
    config, problems = _read(doc, tmp_path)
    assert problems == []
    assert config is not None
    assert config.meters[0].model == str(tmp_path / "my-meter.json")


def test_a_seller_without_a_watchdog_is_refused_at_load(tmp_path: Path) -> None:
    text = SELLER.replace(
        '[hardware.watchdog]\nkind = "gpio"\npin = 27', '[hardware.watchdog]\nkind = "none"'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    (problem,) = caught.value.problems
    assert problem.startswith('hardware.watchdog.kind is "none", but a seller needs the external')
    assert "keeps its state when the node is killed" in problem
    assert caught.value.exit_code == 2


def test_a_seller_without_a_relay_for_a_buyer_is_refused(tmp_path: Path) -> None:
    text = SELLER.replace('relay = { kind = "modbus", address = 10, coil = 0 }\n', "")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.problems == ["[buyers[0].relay] is missing"]


def test_a_buyers_relay_is_typed_at_load(tmp_path: Path) -> None:
    text = SELLER.replace(
        'relay = { kind = "modbus", address = 10, coil = 0 }',
        'relay = { kind = "gpio", pin = 17, active_high = false }',
    )
    settings = load_settings(write(tmp_path, text), env={})
    assert isinstance(settings, SellerSettings)
    assert settings.selling.buyers[0].relay == RelayConfig("gpio", pin=17, active_high=False)
