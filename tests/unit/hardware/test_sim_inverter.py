"""The simulated battery inverter moves energy at its set power across its losses,
stops at empty and full, and its register map decodes to a sample with the charge."""

from __future__ import annotations

import pytest

from gridnode.hardware.profile import Quantity, load_profile
from gridnode.hardware.sim.inverter import SimInverter


class Steps:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_charging_stores_the_energy_less_the_charge_loss() -> None:
    clock = Steps()
    inverter = SimInverter(10.0, 2.0, charge_efficiency=0.9, clock=clock)
    inverter.set_power(2_000.0)
    clock.now = 3_600.0  # an hour at 2 kW
    values = inverter.values()
    assert values[("import_energy", None)] == pytest.approx(2.0)
    assert values[("stored_energy", None)] == pytest.approx(3.8)
    assert values[("power", None)] == 2_000.0


def test_discharging_draws_the_energy_and_the_discharge_loss() -> None:
    clock = Steps()
    inverter = SimInverter(10.0, 5.0, discharge_efficiency=0.8, clock=clock)
    inverter.set_power(-4_000.0)
    clock.now = 1_800.0  # half an hour at 4 kW: 2 kWh out, 2.5 kWh from the cells
    assert inverter.values()[("export_energy", None)] == pytest.approx(2.0)
    assert inverter.stored_kwh == pytest.approx(2.5)


def test_the_inverter_stops_at_empty_and_at_full() -> None:
    clock = Steps()
    inverter = SimInverter(10.0, 1.0, discharge_efficiency=1.0, clock=clock)
    inverter.set_power(-5_000.0)
    clock.now = 3_600.0
    values = inverter.values()
    assert values[("stored_energy", None)] == 0.0
    assert values[("export_energy", None)] == pytest.approx(1.0)
    assert values[("power", None)] == 0.0
    inverter.set_power(20_000.0)
    clock.now = 7_200.0
    assert inverter.stored_kwh == 10.0


def test_the_inverter_map_holds_the_stored_energy() -> None:
    profile = load_profile("sim_inverter")
    assert {r.quantity for r in profile.registers} >= {Quantity.STORED_ENERGY, Quantity.POWER}


def test_a_stuck_or_reset_counter_leaves_the_charge_alone() -> None:
    clock = Steps()
    inverter = SimInverter(10.0, 5.0, charge_efficiency=1.0, clock=clock)
    inverter.set_power(1_000.0)
    clock.now = 3_600.0
    inverter.stick_counters(3_600.0)
    clock.now = 5_400.0
    values = inverter.values()
    assert values[("import_energy", None)] == pytest.approx(1.0)
    assert values[("stored_energy", None)] == pytest.approx(6.5)
    inverter.reset_counters()
    clock.now = 7_200.1
    assert inverter.values()[("import_energy", None)] == pytest.approx(0.5, abs=1e-3)
    assert inverter.stored_kwh == pytest.approx(7.0, abs=1e-3)
