"""Energy counters over time: a reset or a meter swap is detected, never billed; fine
energy between the register's steps comes from integrating active power.

Pure: fed samples, no I/O, no clock of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.hardware.errors import CounterWentBackwardsError, MeterSwappedError
from gridnode.hardware.sample import MeterSample

#: mW x ms in one mWh.
MW_MS_PER_MWH = 3_600_000


class CounterGuard:
    """Raises when an energy counter goes backwards or the meter's serial number changes.

    After a raise the guard keeps the old baseline, so every later sample of the reset
    meter raises too, until :meth:`accept_new_baseline` is called by a person's decision
    (or a new session), never silently.
    """

    def __init__(self) -> None:
        self._import_mwh: int | None = None
        self._export_mwh: int | None = None
        self._serial: int | None = None

    def check(self, sample: MeterSample, serial_number: int | None = None) -> None:
        if serial_number is not None:
            if self._serial is not None and serial_number != self._serial:
                raise MeterSwappedError(
                    f"Meter {sample.meter_id} now reports serial number {serial_number}, "
                    f"not {self._serial}: the meter was swapped. Its energy is not billed "
                    "until a new session starts from its new counters."
                )
            self._serial = serial_number
        for name, previous, current in (
            ("import", self._import_mwh, sample.import_energy_mwh),
            ("export", self._export_mwh, sample.export_energy_mwh),
        ):
            if previous is not None and current < previous:
                raise CounterWentBackwardsError(
                    f"Meter {sample.meter_id}'s {name} energy counter went back from "
                    f"{previous} mWh to {current} mWh: a counter reset or a swapped meter. "
                    "The difference is not billed; start a new session from the new counter.",
                    register=name,
                    previous_mwh=previous,
                    current_mwh=current,
                )
        self._import_mwh = sample.import_energy_mwh
        self._export_mwh = sample.export_energy_mwh

    def accept_new_baseline(self, sample: MeterSample) -> None:
        """Start over from this sample's counters (after a confirmed reset or swap)."""
        self._import_mwh = sample.import_energy_mwh
        self._export_mwh = sample.export_energy_mwh


@dataclass(frozen=True, slots=True)
class FineEnergy:
    """Import energy finer than the register: the register plus integrated power."""

    register_mwh: int
    fine_mwh: int


class PowerIntegrator:
    """Import energy between the register's steps, from active power (trapezoids).

    The register is the truth: each time it steps, the estimate is reconciled to it.
    Between steps the estimate adds integrated power, capped at ``max_step_mwh`` above
    the register (the register's own resolution), and never goes backwards.
    """

    def __init__(self, max_step_mwh: int) -> None:
        self._max_step_mwh = max_step_mwh
        self._last: MeterSample | None = None
        self._integral_mw_ms = 0
        self._fine_mwh = 0

    def feed(self, sample: MeterSample) -> FineEnergy:
        last = self._last
        self._last = sample
        if last is None or sample.import_energy_mwh != last.import_energy_mwh:
            self._integral_mw_ms = 0
            self._fine_mwh = max(self._fine_mwh, sample.import_energy_mwh)
            return FineEnergy(sample.import_energy_mwh, self._fine_mwh)
        dt_ms = int((sample.timestamp - last.timestamp).total_seconds() * 1000)
        mean_mw = (max(last.power_mw, 0) + max(sample.power_mw, 0)) // 2
        self._integral_mw_ms += mean_mw * max(dt_ms, 0)
        added = min(self._integral_mw_ms // MW_MS_PER_MWH, self._max_step_mwh)
        self._fine_mwh = max(self._fine_mwh, sample.import_energy_mwh + added)
        return FineEnergy(sample.import_energy_mwh, self._fine_mwh)
