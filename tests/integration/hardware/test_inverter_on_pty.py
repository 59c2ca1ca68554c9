"""A battery inverter is read like a meter: the real Modbus meter driver reads the
simulated inverter's register map (hardware/profiles/sim_inverter.json) over a
pseudo-terminal, and its sample carries the state of charge."""

from __future__ import annotations

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.inverter import SimInverter
from gridnode.hardware.sim.slave import MeterDevice, PtySlave

INVERTER = load_profile("sim_inverter")


class Frozen:
    """A clock that stands still until the test moves it (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_the_state_of_charge_is_read_over_modbus() -> None:
    clock = Frozen()
    inverter = SimInverter(13.5, 6.75, serial_number=4_242, clock=clock)
    inverter.set_power(-2_300.0)  # discharging: 10 A at 230 V
    slave = PtySlave({1: MeterDevice(inverter, INVERTER)})
    with slave, ModbusBus(slave.port, 9600, timeout_s=0.5, gap_s=0.0) as bus:
        meter = ModbusMeter(bus, INVERTER, 1, meter_id="battery", retries=1)
        first = await meter.read()
        clock.now = 3_600.0  # an hour at 2.3 kW
        second = await meter.read()
    assert not slave.device_failures
    assert first.stored_energy_mwh == 6_750_000
    assert first.power_mw == -2_300_000
    assert first.current_ma == 10_000
    assert meter.serial_number == 4_242
    # 2.3 kWh delivered drew 2.3 / 0.95 = 2.42105 kWh from the cells (float32 resolution)
    assert second.export_energy_mwh - first.export_energy_mwh == 2_300_000
    assert second.stored_energy_mwh is not None
    assert abs(second.stored_energy_mwh - 4_328_947) < 2
    assert second.to_json()["stored_energy_mwh"] == second.stored_energy_mwh
