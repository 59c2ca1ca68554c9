"""A simulated house with PV is read like any meter: the real Modbus meter driver reads
its production meter and its connection meter (the SDM120's register map) over a
pseudo-terminal, and the prosumer's core finds in them the surplus the house did not
use (docs/battery.md)."""

from __future__ import annotations

from gridnode.battery.prosumer import PvReading, surplus_between
from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.house import SimHouse
from gridnode.hardware.sim.slave import Device, MeterDevice, PtySlave

SDM120 = load_profile("sdm120")


class Frozen:
    """A clock that stands still until the test moves it (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_the_surplus_is_read_from_the_two_meters_over_modbus() -> None:
    clock = Frozen()
    house = SimHouse(clock=clock)
    house.set(pv_w=3_000.0, use_w=800.0)
    devices: dict[int, Device] = {
        3: MeterDevice(house.production(), SDM120),
        4: MeterDevice(house.connection(), SDM120),
    }
    slave = PtySlave(devices)
    with slave, ModbusBus(slave.port, 9600, timeout_s=0.5, gap_s=0.0) as bus:
        pv = ModbusMeter(bus, SDM120, 3, meter_id="pv", retries=1)
        grid = ModbusMeter(bus, SDM120, 4, meter_id="grid", retries=1)
        readings = []
        for hour in range(2):
            clock.now = hour * 3_600.0
            made, connection = await pv.read(), await grid.read()
            readings.append(
                PvReading(
                    hour * 3_600_000,
                    made.export_energy_mwh,
                    connection.export_energy_mwh,
                    connection.import_energy_mwh,
                )
            )
        house.set(pv_w=0.0, use_w=1_000.0)  # the sun sets
        clock.now = 3 * 3_600.0
        night = await grid.read()
    assert not slave.device_failures
    surplus = surplus_between(readings[0], readings[1])
    assert surplus.production_mwh == 3_000_000
    assert surplus.use_mwh == 800_000
    assert surplus.surplus_mwh == 2_200_000
    assert night.power_mw == 1_000_000  # importing at night
    assert night.import_energy_mwh == 2_000_000  # two hours at 1 kW since the sunset


def test_a_house_meters_counters_reset_and_stick_as_a_meters_do() -> None:
    clock = Frozen()
    house = SimHouse(clock=clock)
    house.set(pv_w=2_000.0, use_w=500.0)
    meter = house.connection()
    clock.now = 3_600.0
    assert meter.values()[("export_energy", None)] == 1.5
    meter.stick_counters(600.0)
    clock.now = 3_900.0
    assert meter.values()[("export_energy", None)] == 1.5  # stuck while power goes on
    clock.now = 4_200.0
    meter.reset_counters()
    assert meter.values()[("export_energy", None)] == 0.0
    clock.now = 6_000.0
    assert abs(meter.values()[("export_energy", None)] - 0.75) < 1e-9
