"""A simulated battery inverter: a battery's cells behind an inverter, read like a meter.

The runtime reads a battery's state the way it reads any meter: a register map as data
(``hardware/profiles/sim_inverter.json``) over Modbus, decoded by the one meter reader.
This device answers those registers from a small model of the cells: a power set by the
test (positive charging, negative discharging), energy moved at that power over the
time since the last look (a clock it is given), the charge and discharge losses, and
the cells' limits (empty and full stop the flow). Its import and export registers count
the metered energy at its AC terminals, as a meter's do; its stored-energy register is
the energy in the cells.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_SECONDS_PER_HOUR = 3_600.0


class SimInverter:
    """A battery behind an inverter; :meth:`values` is what its registers hold now."""

    def __init__(
        self,
        capacity_kwh: float,
        stored_kwh: float,
        *,
        charge_efficiency: float = 0.95,
        discharge_efficiency: float = 0.95,
        voltage_v: float = 230.0,
        frequency_hz: float = 50.0,
        serial_number: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 <= stored_kwh <= capacity_kwh:
            raise ValueError(f"stored_kwh must be from 0 to {capacity_kwh}, not {stored_kwh}")
        self.capacity_kwh = capacity_kwh
        self.charge_efficiency = charge_efficiency
        self.discharge_efficiency = discharge_efficiency
        self.voltage_v = voltage_v
        self.frequency_hz = frequency_hz
        self.serial_number = serial_number
        self._clock = clock
        self._lock = threading.Lock()
        self._stored_kwh = stored_kwh
        self._import_kwh = 0.0
        self._export_kwh = 0.0
        self._power_w = 0.0
        self._at = clock()
        #: a stuck counter: (until, on the clock; the import and export kWh it shows)
        self._stuck: tuple[float, float, float] | None = None

    def set_power(self, power_w: float) -> None:
        """Charge (above 0) or discharge (below 0) at ``power_w`` from now on."""
        with self._lock:
            self._advance()
            self._power_w = power_w

    def reset_counters(self) -> None:
        """What a counter reset on the inverter's display does: import and export
        restart at 0 (the cells keep their charge)."""
        with self._lock:
            self._advance()
            self._import_kwh = self._export_kwh = 0.0

    def stick_counters(self, seconds: float) -> None:
        """A stuck counter: import and export keep showing their present value for
        ``seconds`` on the inverter's clock while power and charge go on."""
        with self._lock:
            self._advance()
            self._stuck = (self._clock() + seconds, self._import_kwh, self._export_kwh)

    @property
    def stored_kwh(self) -> float:
        with self._lock:
            self._advance()
            return self._stored_kwh

    def _advance(self) -> None:
        now = self._clock()
        hours, self._at = (now - self._at) / _SECONDS_PER_HOUR, now
        metered = abs(self._power_w) * hours / 1_000  # kWh at the AC terminals
        if self._power_w > 0:
            room = (self.capacity_kwh - self._stored_kwh) / self.charge_efficiency
            if metered >= room:  # full: the inverter stops charging
                metered, self._power_w = room, 0.0
            self._import_kwh += metered
            self._stored_kwh = min(
                self.capacity_kwh, self._stored_kwh + metered * self.charge_efficiency
            )
        elif self._power_w < 0:
            left = self._stored_kwh * self.discharge_efficiency
            if metered >= left:  # empty: the inverter stops discharging
                metered, self._power_w = left, 0.0
            self._export_kwh += metered
            self._stored_kwh = max(0.0, self._stored_kwh - metered / self.discharge_efficiency)

    def values(self) -> dict[tuple[str, int | None], float]:
        """Values by (quantity, phase) in the profile's units (V, A, W, Hz, kWh)."""
        with self._lock:
            self._advance()
            power = self._power_w
            current = abs(power) / self.voltage_v
            out: dict[tuple[str, int | None], float] = {
                ("voltage", None): self.voltage_v,
                ("current", None): current,
                ("power", None): power,
                ("frequency", None): self.frequency_hz,
                ("import_energy", None): self._import_kwh,
                ("export_energy", None): self._export_kwh,
                ("stored_energy", None): self._stored_kwh,
            }
            if self._stuck is not None:
                until, imported, exported = self._stuck
                if self._clock() < until:
                    out[("import_energy", None)] = imported
                    out[("export_energy", None)] = exported
                else:
                    self._stuck = None
            return out
