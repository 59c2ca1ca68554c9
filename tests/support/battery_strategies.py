"""Hypothesis strategies for the battery's property tests (issue 22): batteries drawn
over the ranges each test needs (the book's interleavings take wider ones than the
pricing properties)."""

from __future__ import annotations

from hypothesis import strategies as st

from gridnode.battery.spec import BatterySpec
from gridnode.trade.units import MilliWatt, Mwh


def battery_specs(
    *,
    capacity_mwh: tuple[int, int],
    least_power_mw: int,
    least_ppm: int,
    most_self_discharge_ppm: int,
) -> st.SearchStrategy[BatterySpec]:
    """Batteries of a capacity within ``capacity_mwh``, a power limit from
    ``least_power_mw`` to 20 kW, efficiencies and a maximum charge from ``least_ppm`` to
    all, self-discharge up to ``most_self_discharge_ppm`` an hour, a reserve up to 40 %."""
    return st.builds(
        BatterySpec,
        capacity_mwh=st.integers(*capacity_mwh).map(Mwh),
        power_limit_mw=st.integers(least_power_mw, 20_000_000).map(MilliWatt),
        charge_efficiency_ppm=st.integers(least_ppm, 1_000_000),
        discharge_efficiency_ppm=st.integers(least_ppm, 1_000_000),
        self_discharge_ppm_per_hour=st.integers(0, most_self_discharge_ppm),
        reserve_ppm=st.integers(0, 400_000),
        max_charge_ppm=st.integers(least_ppm, 1_000_000),
    )
