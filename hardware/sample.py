"""One meter sample, in integer milli-units, and its checks against physics.

Energy is integer milliwatt-hours, never a float (DESIGN.md, "Money, rates, cost").
Voltage, current, power and frequency are integer mV, mA, mW and mHz. Floats appear only
at the decoding edge (float32 registers) and in the JSON a person reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from gridnode.hardware.errors import ImplausibleReadingError
from gridnode.hardware.profile import Quantity

#: Voltages a low-voltage installation can show; anything outside is a decoding or
#: meter fault, not a reading (0 V is allowed: the supply is off).
MAX_VOLTAGE_MV = 500_000
#: Mains frequency must lie within this band when there is voltage.
FREQUENCY_BAND_MHZ = (40_000, 70_000)
#: Above this current a household meter (100 A class) cannot be reading correctly.
MAX_CURRENT_MA = 200_000


@dataclass(frozen=True, slots=True)
class PhaseSample:
    """One phase of a multi-phase meter."""

    phase: int
    voltage_mv: int
    current_ma: int
    power_mw: int
    #: The meter's own import register of this phase, where it has one (SDM630).
    import_energy_mwh: int | None = None


@dataclass(frozen=True, slots=True)
class MeterSample:
    """What a meter said at one moment (``timestamp`` is UTC, taken at the read)."""

    meter_id: str
    timestamp: datetime
    voltage_mv: int
    current_ma: int
    power_mw: int
    frequency_mhz: int
    import_energy_mwh: int
    export_energy_mwh: int
    phases: tuple[PhaseSample, ...] = field(default=())
    #: The neutral's current where the meter measures it (SDM630), else None.
    neutral_current_ma: int | None = None
    #: The energy in a battery inverter's cells (its state of charge), else None.
    stored_energy_mwh: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Field names carry their units; energy keeps the exact integer mWh too."""
        doc: dict[str, Any] = {
            "meter_id": self.meter_id,
            "timestamp": self.timestamp.isoformat(),
            "voltage_v": _milli(self.voltage_mv),
            "current_a": _milli(self.current_ma),
            "power_w": _milli(self.power_mw),
            "frequency_hz": _milli(self.frequency_mhz),
            "import_energy_wh": _milli(self.import_energy_mwh),
            "export_energy_wh": _milli(self.export_energy_mwh),
            "import_energy_mwh": self.import_energy_mwh,
            "export_energy_mwh": self.export_energy_mwh,
        }
        for ph in self.phases:
            doc[f"l{ph.phase}_voltage_v"] = _milli(ph.voltage_mv)
            doc[f"l{ph.phase}_current_a"] = _milli(ph.current_ma)
            doc[f"l{ph.phase}_power_w"] = _milli(ph.power_mw)
            if ph.import_energy_mwh is not None:
                doc[f"l{ph.phase}_import_energy_wh"] = _milli(ph.import_energy_mwh)
        if self.neutral_current_ma is not None:
            doc["neutral_current_a"] = _milli(self.neutral_current_ma)
        if self.stored_energy_mwh is not None:
            doc["stored_energy_wh"] = _milli(self.stored_energy_mwh)
            doc["stored_energy_mwh"] = self.stored_energy_mwh
        return doc

    def describe(self) -> str:
        """A few lines for a person."""
        lines = [
            f"meter {self.meter_id} at {self.timestamp.isoformat(timespec='seconds')}",
            f"  voltage   {Decimal(self.voltage_mv) / 1000:>12} V",
            f"  current   {Decimal(self.current_ma) / 1000:>12} A",
            f"  power     {Decimal(self.power_mw) / 1000:>12} W",
            f"  frequency {Decimal(self.frequency_mhz) / 1000:>12} Hz",
            f"  import    {Decimal(self.import_energy_mwh) / 1000:>12} Wh",
            f"  export    {Decimal(self.export_energy_mwh) / 1000:>12} Wh",
        ]
        for ph in self.phases:
            energy = ""
            if ph.import_energy_mwh is not None:
                energy = f", {Decimal(ph.import_energy_mwh) / 1000} Wh"
            lines.append(
                f"  L{ph.phase}: {Decimal(ph.voltage_mv) / 1000} V, "
                f"{Decimal(ph.current_ma) / 1000} A, {Decimal(ph.power_mw) / 1000} W{energy}"
            )
        if self.neutral_current_ma is not None:
            lines.append(f"  N:  {Decimal(self.neutral_current_ma) / 1000} A")
        if self.stored_energy_mwh is not None:
            lines.append(f"  stored    {Decimal(self.stored_energy_mwh) / 1000:>12} Wh")
        return "\n".join(lines)


def _milli(value: int) -> float:
    """A milli-unit integer as a JSON number; exact in text for |value| below 2**53."""
    return value / 1000


def build_sample(
    meter_id: str,
    timestamp: datetime,
    values: dict[tuple[Quantity, int | None], int],
    phases: int,
    max_current_ma: int = MAX_CURRENT_MA,
) -> MeterSample:
    """Assemble a sample from decoded values; derive totals a multi-phase map lacks.

    A three-phase meter's voltage is the mean of its phase voltages and its current the
    sum of its line currents when the profile maps no total for them.
    """
    per_phase = tuple(
        PhaseSample(
            phase=n,
            voltage_mv=values[(Quantity.VOLTAGE, n)],
            current_ma=values[(Quantity.CURRENT, n)],
            power_mw=values[(Quantity.POWER, n)],
            import_energy_mwh=values.get((Quantity.IMPORT_ENERGY, n)),
        )
        for n in range(1, phases + 1)
        if (Quantity.VOLTAGE, n) in values
    )

    def total(quantity: Quantity, derive: str) -> int:
        if (quantity, None) in values:
            return values[(quantity, None)]
        parts = [values[(quantity, ph.phase)] for ph in per_phase]
        if not parts:
            raise KeyError(quantity.value)
        return sum(parts) // len(parts) if derive == "mean" else sum(parts)

    sample = MeterSample(
        meter_id=meter_id,
        timestamp=timestamp,
        voltage_mv=total(Quantity.VOLTAGE, "mean"),
        current_ma=total(Quantity.CURRENT, "sum"),
        power_mw=total(Quantity.POWER, "sum"),
        frequency_mhz=values[(Quantity.FREQUENCY, None)],
        import_energy_mwh=values[(Quantity.IMPORT_ENERGY, None)],
        export_energy_mwh=values[(Quantity.EXPORT_ENERGY, None)],
        phases=per_phase,
        neutral_current_ma=values.get((Quantity.NEUTRAL_CURRENT, None)),
        stored_energy_mwh=values.get((Quantity.STORED_ENERGY, None)),
    )
    check_physics(sample, max_current_ma)
    return sample


def check_physics(sample: MeterSample, max_current_ma: int = MAX_CURRENT_MA) -> None:
    """Raise :class:`ImplausibleReadingError` for a value no real installation shows."""
    volts = [sample.voltage_mv, *(ph.voltage_mv for ph in sample.phases)]
    for mv in volts:
        if not 0 <= mv <= MAX_VOLTAGE_MV:
            raise ImplausibleReadingError(
                f"Meter {sample.meter_id} reports {mv / 1000} V, outside 0 to "
                f"{MAX_VOLTAGE_MV // 1000} V; check the profile's word order and the meter."
            )
    amps = [sample.current_ma, *(ph.current_ma for ph in sample.phases)]
    if sample.neutral_current_ma is not None:
        amps.append(sample.neutral_current_ma)
    for ma in amps:
        if not 0 <= ma <= max_current_ma:
            raise ImplausibleReadingError(
                f"Meter {sample.meter_id} reports {ma / 1000} A, outside 0 to "
                f"{max_current_ma / 1000} A; the reading is not used."
            )
    low, high = FREQUENCY_BAND_MHZ
    if sample.voltage_mv > 50_000 and not low <= sample.frequency_mhz <= high:
        raise ImplausibleReadingError(
            f"Meter {sample.meter_id} reports {sample.frequency_mhz / 1000} Hz at "
            f"{sample.voltage_mv / 1000} V; mains is 45 to 65 Hz, so the reading is not used."
        )
    counters = [("import", sample.import_energy_mwh), ("export", sample.export_energy_mwh)]
    counters += [(f"L{ph.phase} import", ph.import_energy_mwh or 0) for ph in sample.phases]
    counters += [("stored", sample.stored_energy_mwh or 0)]
    for name, mwh in counters:
        if mwh < 0:
            raise ImplausibleReadingError(
                f"Meter {sample.meter_id} reports a negative {name} energy counter "
                f"({mwh} mWh); the reading is not used."
            )
