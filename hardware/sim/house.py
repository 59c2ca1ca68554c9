"""A simulated household with PV: its production meter and its connection meter.

A prosumer (docs/battery.md) reads two meters: the PV's, whose export register counts
what the panels made (the meter's load side is the PV inverter), and the connection's,
whose import and export registers count what entered and left the house. This model
answers both from one balance: the sun gives ``pv_w``, the house uses ``use_w`` (both
set by the demo, a test or the simulator process's ``--house``), and the difference
leaves or enters through the connection. Each view is served like any meter
(:class:`~gridnode.hardware.sim.slave.MeterDevice` with the SDM120's register map).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_SECONDS_PER_HOUR = 3_600.0


class SimHouse:
    """A house's PV and use; :meth:`production` and :meth:`connection` are its meters."""

    def __init__(
        self,
        *,
        voltage_v: float = 230.0,
        frequency_hz: float = 50.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.voltage_v = voltage_v
        self.frequency_hz = frequency_hz
        self._clock = clock
        self._lock = threading.Lock()
        self._pv_w = 0.0
        self._use_w = 0.0
        self._produced_kwh = 0.0
        self._imported_kwh = 0.0
        self._exported_kwh = 0.0
        self._at = clock()

    @property
    def pv_w(self) -> float:
        """The sun's power on the panels now (W)."""
        return self._pv_w

    @property
    def use_w(self) -> float:
        """The house's use now (W)."""
        return self._use_w

    def set(self, *, pv_w: float | None = None, use_w: float | None = None) -> None:
        """The sun's power on the panels, or the house's use, from now on."""
        with self._lock:
            self._advance()
            if pv_w is not None:
                self._pv_w = max(0.0, pv_w)
            if use_w is not None:
                self._use_w = max(0.0, use_w)

    def _advance(self) -> None:
        now = self._clock()
        hours, self._at = (now - self._at) / _SECONDS_PER_HOUR, now
        self._produced_kwh += self._pv_w * hours / 1_000
        net_w = self._pv_w - self._use_w
        if net_w > 0:
            self._exported_kwh += net_w * hours / 1_000
        else:
            self._imported_kwh += -net_w * hours / 1_000

    def production(self, serial_number: int = 1) -> HouseMeter:
        return HouseMeter(self, "production", serial_number)

    def connection(self, serial_number: int = 2) -> HouseMeter:
        return HouseMeter(self, "connection", serial_number)

    def values(self, which: str) -> dict[tuple[str, int | None], float]:
        with self._lock:
            self._advance()
            if which == "production":
                power, imported, exported = self._pv_w, 0.0, self._produced_kwh
            else:  # the connection: power positive while the house imports
                power = self._use_w - self._pv_w
                imported, exported = self._imported_kwh, self._exported_kwh
            return {
                ("voltage", None): self.voltage_v,
                ("current", None): abs(power) / self.voltage_v,
                ("power", None): power,
                ("frequency", None): self.frequency_hz,
                ("import_energy", None): imported,
                ("export_energy", None): exported,
            }


class HouseMeter:
    """One of the house's two meters, as :class:`~gridnode.hardware.sim.slave.MeterDevice`
    reads a simulated meter (with the faults a meter's keypad and firmware play)."""

    def __init__(self, house: SimHouse, which: str, serial_number: int) -> None:
        self.house = house
        self.which = which
        self.serial_number = serial_number
        #: what the counters showed at their last reset (kWh, import and export)
        self._offset = (0.0, 0.0)
        #: a stuck counter: (until, on the house's clock; the import and export it shows)
        self._stuck: tuple[float, float, float] | None = None

    def reset_counters(self) -> None:
        """A counter reset on the meter's display: import and export restart at 0."""
        values = self.house.values(self.which)
        self._offset = (values[("import_energy", None)], values[("export_energy", None)])

    def stick_counters(self, seconds: float) -> None:
        """Import and export keep showing their present value for ``seconds``."""
        values = self.values()
        now = self.house._clock()
        self._stuck = (
            now + seconds,
            values[("import_energy", None)],
            values[("export_energy", None)],
        )

    def values(self) -> dict[tuple[str, int | None], float]:
        """Values by (quantity, phase) in the profile's units (V, A, W, Hz, kWh)."""
        out = self.house.values(self.which)
        out[("import_energy", None)] -= self._offset[0]
        out[("export_energy", None)] -= self._offset[1]
        if self._stuck is not None:
            until, imported, exported = self._stuck
            if self.house._clock() < until:
                out[("import_energy", None)] = imported
                out[("export_energy", None)] = exported
            else:
                self._stuck = None
        return out
