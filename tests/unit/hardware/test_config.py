"""The [hardware] configuration: every mistake names its field and the fix (exit 2)."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from gridnode.errors import UsageError
from gridnode.hardware.config import parse_hardware

SELLER = """
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


def _doc(text: str = SELLER) -> dict[str, Any]:
    hardware: dict[str, Any] = tomllib.loads(text)["hardware"]
    return hardware


def test_a_seller_configuration_parses() -> None:
    config = parse_hardware(_doc())
    assert config.bus.gap_ms == 100
    assert [m.address for m in config.meters] == [1, 2]
    assert config.relay is not None
    assert config.relay.pin == 17
    assert config.relay.active_high
    config.require_seller_safety()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["meters"][0].update(address=0), r"hardware.meters\[0\].address is 0"),
        (lambda d: d["meters"][1].update(address=1), "share a slave address"),
        (lambda d: d["meters"][0].update(model="sdm9"), "no meter profile 'sdm9'"),
        (lambda d: d["bus"].update(baud=1234), "hardware.bus.baud is 1234"),
        (lambda d: d["bus"].pop("port"), "hardware.bus.port is missing"),
        (lambda d: d["bus"].update(gap_ms="100"), "hardware.bus.gap_ms must be a whole number"),
        (lambda d: d["relay"].update(kind="ssr"), 'hardware.relay.kind is "ssr"'),
        (lambda d: d["relay"].update(pin=True), "hardware.relay.pin must be a whole number"),
    ],
)
def test_mistakes_name_the_field(change: Any, message: str) -> None:
    doc = _doc()
    change(doc)
    with pytest.raises(UsageError, match=message) as info:
        parse_hardware(doc)
    assert info.value.exit_code == 2


def test_a_seller_without_a_watchdog_is_refused() -> None:
    doc = _doc()
    doc["watchdog"] = {"kind": "none"}
    with pytest.raises(UsageError, match="keeps its level"):
        parse_hardware(doc).require_seller_safety()


def test_a_seller_without_a_relay_is_refused() -> None:
    doc = _doc()
    del doc["relay"]
    with pytest.raises(UsageError, match=r"hardware\.relay is missing"):
        parse_hardware(doc).require_seller_safety()


def test_a_tenant_relay_table_is_checked_under_its_own_name() -> None:
    from gridnode.hardware.config import parse_relay

    relay = parse_relay({"kind": "modbus", "address": 10, "coil": 3}, "buyers[2].relay")
    assert (relay.address, relay.coil) == (10, 3)
    with pytest.raises(UsageError, match=r"buyers\[2\]\.relay\.address is 300"):
        parse_relay({"kind": "modbus", "address": 300}, "buyers[2].relay")
