"""Integer value types with their units in their names.

Money is :class:`gridnode.money.Msat`. Everything else is an integer in a milli-unit,
typed with :func:`typing.NewType` so mypy keeps the units apart at no run-time cost, and
named with the unit as a suffix wherever it is stored (``energy_mwh``, ``voltage_mv``).
"""

from __future__ import annotations

from typing import NewType

#: Milliseconds since 1970-01-01T00:00:00Z. The clock is always passed in as one.
UnixMs = NewType("UnixMs", int)
#: A duration in milliseconds.
DurationMs = NewType("DurationMs", int)
#: Energy in milliwatt-hours.
Mwh = NewType("Mwh", int)
#: Power in milliwatts.
MilliWatt = NewType("MilliWatt", int)
#: Voltage in millivolts (RMS).
MilliVolt = NewType("MilliVolt", int)
#: Current in milliamperes (RMS).
MilliAmp = NewType("MilliAmp", int)
#: A price in millisatoshi per kilowatt-hour.
MsatPerKwh = NewType("MsatPerKwh", int)

MS_PER_SECOND = 1_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
#: Milliwatt-hours in one kilowatt-hour.
MWH_PER_KWH = 1_000_000
#: Parts per million, used for percentages (1 % = 10_000 ppm).
PPM = 1_000_000


def energy_at_power_mwh(power_mw: int, duration_ms: int) -> Mwh:
    """Energy delivered at a constant power over a duration, rounded up to a whole mWh.

    Rounded up because every use of it in the core is a bound on exposure.
    """
    return Mwh(-(-power_mw * duration_ms // MS_PER_HOUR))


def max_power_mw(voltage_mv: int, current_ma: int, phases: int = 1) -> MilliWatt:
    """Apparent power at the given voltage and current, per phase times phases (mW)."""
    return MilliWatt(voltage_mv * current_ma * phases // 1_000)
