"""Ports built from configuration work against the simulated bus."""

from __future__ import annotations

from gpiozero.pins.mock import MockFactory

from gridnode.config import checks
from gridnode.config.hardware import parse_hardware, parse_relay
from gridnode.config.reader import Problems
from gridnode.hardware.ports import open_hardware
from tests.support.sim_bus import BusFactory


async def test_modbus_relay_and_watchdog_from_configuration(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 1), ("sdm630", 2)], relay_address=10, watchdog_timeout_s=5)
    config = parse_hardware(
        {
            "bus": {"port": sim.slave.port, "baud": 19200, "gap_ms": 0, "timeout_ms": 300},
            "meters": [
                {"id": "flat-a", "model": "sdm120", "address": 1},
                {"id": "flat-b", "model": "sdm630", "address": 2},
            ],
            "relay": {"kind": "modbus", "address": 10, "coil": 0},
            "watchdog": {"kind": "modbus", "address": 10, "coil": 1},
        }
    )
    problems = Problems("seller.toml")
    checks.require_watchdog(config, problems)  # what a seller's configuration must have
    checks.require_separate_outputs(config, [], problems)
    assert problems.items == []
    ports = open_hardware(config)
    try:
        assert ports.relay is not None
        assert ports.watchdog is not None
        assert ports.budget is not None
        assert ports.budget.poll_period_s > 0
        async with ports.relay as relay:
            ports.watchdog.kick()
            await relay.switch_on()
            assert sim.circuit.relay_on
            sample = await ports.meters["flat-a"].read()
            assert sample.meter_id == "flat-a"
            assert sample.power_mw == 2_300_000
    finally:
        ports.close()
    assert not sim.circuit.relay_on


async def test_gpio_relay_from_configuration(sim_bus: BusFactory) -> None:
    sim = sim_bus([("sdm120", 1)])
    factory = MockFactory()
    config = parse_hardware(
        {
            "bus": {"port": sim.slave.port},
            "relay": {"kind": "gpio", "pin": 17, "active_high": False},
            "watchdog": {"kind": "gpio", "pin": 27},
        }
    )
    ports = open_hardware(config, pin_factory=factory)
    try:
        assert factory.pin(17).state is True  # active low: idle high, relay off
        assert ports.relay is not None
        async with ports.relay as relay:
            await relay.switch_on()
            assert factory.pin(17).state is False
    finally:
        ports.close()
    assert factory.pin(17).state is True
    factory.reset()


async def test_one_relay_per_tenant_on_one_relay_board(sim_bus: BusFactory) -> None:
    from gridnode.hardware.bus import ModbusBus
    from gridnode.hardware.ports import open_relay

    sim = sim_bus([("sdm120", 1)], relay_address=10)
    with ModbusBus(sim.slave.port, 19200, timeout_s=0.3, gap_s=0.0) as bus:
        relay = open_relay(
            parse_relay({"kind": "modbus", "address": 10, "coil": 0}), bus, name="flat 1"
        )
        async with relay:
            await relay.switch_on()
            assert sim.circuit.relay_on
        assert not sim.circuit.relay_on
