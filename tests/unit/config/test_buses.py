"""Several RS-485 buses on one seller (issue 17): ``[[hardware.buses]]``, each its own
serial port with the meters wired to it; ``[hardware.bus]`` stays valid and means one.
Every mistake names the user's keys."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest

from gridnode.config import checks
from gridnode.config.hardware import parse_hardware
from gridnode.config.reader import ConfigError, Problems
from gridnode.config.settings import load_settings
from gridnode.hardware.config import HardwareConfig
from gridnode.trade.terms import DEMO_POLICY
from tests.support.node_config import SELLER, seller_settings, write

SINGLE = """
[hardware.bus]
port = "/dev/gridnode-rs485"

[hardware.watchdog]
kind = "gpio"
pin = 27

[[hardware.meters]]
id = "tenant-1"
model = "sdm120"
address = 1
"""

TWO_BUSES = """
[[hardware.buses]]
port = "/dev/rs485-a"
baud = 38400
gap_ms = 20

[[hardware.buses.meters]]
id = "flat-1"
model = "sdm120"
address = 1

[[hardware.buses.meters]]
id = "flat-2"
model = "sdm120"
address = 2

[[hardware.buses]]
port = "/dev/rs485-b"

[[hardware.buses.meters]]
id = "tenant-1"
model = "sdm120"
address = 1

[hardware.watchdog]
kind = "gpio"
pin = 27
"""


def hardware(text: str) -> HardwareConfig:
    return parse_hardware(tomllib.loads(text)["hardware"])


def mistakes(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        hardware(text)
    return caught.value.problems


def test_each_bus_has_its_port_baud_and_meters() -> None:
    config = hardware(TWO_BUSES)
    assert [b.port for b in config.buses] == ["/dev/rs485-a", "/dev/rs485-b"]
    assert [(b.baud, b.gap_ms) for b in config.buses] == [(38400, 20), (9600, 100)]
    assert [m.id for m in config.meters_on(config.buses[1])] == ["tenant-1"]
    tenant = config.meter("tenant-1")
    assert tenant is not None
    assert config.bus_of(tenant).port == "/dev/rs485-b"
    # the same slave address on two buses is two devices
    assert [m.address for m in config.meters] == [1, 2, 1]


def test_the_single_bus_form_is_one_bus() -> None:
    config = hardware(SINGLE)
    assert [b.port for b in config.buses] == ["/dev/gridnode-rs485"]
    assert config.bus.port == "/dev/gridnode-rs485"
    assert config.meters_on(config.bus) == config.meters


def test_a_meter_address_used_twice_on_one_bus_names_that_bus() -> None:
    text = TWO_BUSES.replace("address = 2", "address = 1")
    (problem,) = mistakes(text)
    assert problem.startswith("hardware.buses[0].meters share a slave address ([1, 1])")


def test_two_buses_on_one_port_and_a_meter_id_twice_are_both_reported() -> None:
    text = TWO_BUSES.replace('"/dev/rs485-b"', '"/dev/rs485-a"').replace('"flat-2"', '"flat-1"')
    problems = mistakes(text)
    assert len(problems) == 2
    assert any(
        p.startswith("hardware.buses[1].port: /dev/rs485-a is the port of an earlier bus")
        for p in problems
    )
    assert "hardware.buses.meters: the id 'flat-1' is used twice; give each meter its own" in (
        problems
    )


def test_the_single_bus_tables_beside_buses_are_a_mistake() -> None:
    text = TWO_BUSES + '\n[hardware.bus]\nport = "/dev/x"\n'
    (problem,) = mistakes(text)
    assert problem.startswith("hardware.bus is given beside [[hardware.buses]]")
    text = TWO_BUSES + '\n[[hardware.meters]]\nid = "x"\nmodel = "sdm120"\naddress = 9\n'
    (problem,) = mistakes(text)
    assert problem.startswith("hardware.meters is given beside [[hardware.buses]]")


def test_an_unknown_key_of_a_bus_is_named() -> None:
    (problem,) = mistakes(TWO_BUSES.replace("gap_ms = 20", "gapms = 20"))
    assert problem == "hardware.buses[0].gapms is not a setting gridnode knows (a typo?)"


def _seller(buses: str, relay_address: int = 10) -> str:
    start = SELLER.index("[hardware.bus]")
    end = SELLER.index("[[buyers]]")
    text = SELLER[:start] + buses + "\n" + SELLER[end:]
    return text.replace("address = 10,", f"address = {relay_address},")


def test_a_buyers_relay_board_is_on_the_bus_of_its_meter(tmp_path: Path) -> None:
    settings = seller_settings(tmp_path, _seller(TWO_BUSES))
    (buyer,) = settings.selling.buyers
    assert buyer.relay.bus == "/dev/rs485-b"
    # address 1 on bus a is meter flat-1, not this relay board's bus: no clash
    assert seller_settings(tmp_path, _seller(TWO_BUSES, relay_address=2)).selling.buyers


def test_a_relay_board_on_its_meters_address_is_refused_naming_the_bus(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, _seller(TWO_BUSES, relay_address=1)), env={})
    (problem,) = caught.value.problems
    assert problem == (
        "buyers[0].relay.address is 1, the slave address of meter 'tenant-1' on the bus "
        "/dev/rs485-b; give the relay board its own address"
    )


def test_a_buyer_whose_meter_is_on_no_bus_is_refused(tmp_path: Path) -> None:
    text = _seller(TWO_BUSES.replace('id = "tenant-1"', 'id = "tenant-9"'))
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    (problem,) = caught.value.problems
    assert problem == (
        "buyers[0].meter names meter 'tenant-1', which is not in [[hardware.buses.meters]] "
        "of any bus; add it there or fix the name"
    )


def _crowded(meters: int) -> str:
    lines = ['[[hardware.buses]]\nport = "/dev/rs485-a"\nbaud = 9600\ngap_ms = 20\n']
    for n in range(1, meters + 1):
        lines.append(f'[[hardware.buses.meters]]\nid = "m{n}"\nmodel = "sdm120"\naddress = {n}\n')
    lines.append('[[hardware.buses]]\nport = "/dev/rs485-b"\nbaud = 9600\ngap_ms = 20\n')
    lines.append('[[hardware.buses.meters]]\nid = "b1"\nmodel = "sdm120"\naddress = 1\n')
    return "\n".join(lines) + '\n[hardware.watchdog]\nkind = "none"\n'


def test_each_bus_is_held_to_the_freshness_limit_alone_and_told_how_many_buses() -> None:
    # eight SDM120 at 9600 baud, 20 ms: a 1.39 s round; the other bus (one meter) is fine
    problems = Problems("seller.toml")
    checks.require_fresh_readings(hardware(_crowded(8)), DEMO_POLICY, problems)
    (problem,) = problems.items
    assert "the RS-485 bus on /dev/rs485-a (8 meter(s) at 9600 baud" in problem
    assert "spread its 8 meters over 4 buses ([[hardware.buses]]" in problem


def test_a_bus_with_no_room_for_a_missed_read_warns_how_many_buses_would_do(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # three SDM120 at 9600 baud, 20 ms: 0.52 s a round, 1.56 s for three, over 1.5 s
    problems = Problems("seller.toml")
    with caplog.at_level(logging.WARNING, logger="gridnode.config"):
        checks.require_fresh_readings(hardware(_crowded(3)), DEMO_POLICY, problems)
    assert problems.items == []
    assert "/dev/rs485-a" in caplog.text
    assert "/dev/rs485-b" not in caplog.text
    assert "spread its 3 meters over 2 buses" in caplog.text
