"""A household with PV in virtual time: its production meter and its connection meter.

The PV makes ``pv_mw``, the house uses ``use_mw``; what the house does not use leaves
through the connection (its export register). What it lacks comes in through the
connection too (its import register): from the grid wire while a seller's relay
supplies it (the wire's own energy: the seller's meter and the house's read the same),
otherwise from the utility. The production meter counts what the PV makes on its
export register (docs/battery.md). Both are :class:`gridnode.hardware.meter.Meter`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

from gridnode.clock import Clock
from gridnode.hardware.errors import NoAnswerError
from gridnode.hardware.sample import MeterSample
from tests.support.wire import MW_MS_PER_MWH, Wire


@dataclass
class House:
    clock: Clock
    #: The wire a seller's relay supplies the house on (its load is the house's use).
    grid: Wire
    pv_mw: int = 0
    use_mw: int = 0
    #: The production meter reads this much too much (a fault: more export than made).
    production_gain: Fraction = Fraction(1)
    _produced_mwh: Fraction = Fraction(0)
    _exported_mwh: Fraction = Fraction(0)
    _utility_mwh: Fraction = Fraction(0)
    _at_s: float = 0.0

    def set(self, *, pv_mw: int | None = None, use_mw: int | None = None) -> None:
        """A change of the sun or of the house's use, from now on."""
        self._advance()
        self.grid.energy_mwh()  # the wire's energy so far at its old load
        if pv_mw is not None:
            self.pv_mw = pv_mw
        if use_mw is not None:
            self.use_mw = use_mw
        self.grid.load_mw = max(1, self.use_mw - self.pv_mw)

    def _advance(self) -> None:
        now = self.clock.monotonic()
        hours = Fraction(now - self._at_s) * 1000 / MW_MS_PER_MWH
        self._produced_mwh += self.pv_mw * hours
        self._exported_mwh += max(0, self.pv_mw - self.use_mw) * hours
        if not self.grid.relay_on:
            self._utility_mwh += max(0, self.use_mw - self.pv_mw) * hours
        self._at_s = now

    def production_meter(self, meter_id: str = "pv") -> ProductionMeter:
        return ProductionMeter(self, meter_id)

    def connection_meter(self, meter_id: str = "grid") -> ConnectionMeter:
        return ConnectionMeter(self, meter_id)


@dataclass
class ProductionMeter:
    house: House
    meter_id: str
    #: The meter does not answer (its bus cut).
    failing: bool = False

    async def read(self) -> MeterSample:
        if self.failing:
            raise NoAnswerError(f"meter {self.meter_id} did not answer (test)")
        house = self.house
        house._advance()
        power = house.pv_mw
        return MeterSample(
            meter_id=self.meter_id,
            timestamp=datetime.fromtimestamp(house.clock.now_ms() / 1000, tz=UTC),
            voltage_mv=230_000,
            current_ma=power * 1000 // 230_000,
            power_mw=power,
            frequency_mhz=50_000,
            import_energy_mwh=0,
            export_energy_mwh=int(house._produced_mwh * house.production_gain),
        )


@dataclass
class ConnectionMeter:
    house: House
    meter_id: str

    async def read(self) -> MeterSample:
        house = self.house
        house._advance()
        sample = await house.grid.meter(self.meter_id).read()
        return dataclasses.replace(
            sample,
            import_energy_mwh=sample.import_energy_mwh + int(house._utility_mwh),
            export_energy_mwh=int(house._exported_mwh),
        )
