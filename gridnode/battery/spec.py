"""What a battery is, in integer units, and the energy conversions across its losses.

Energy is in mWh, power in mW, shares in parts per million (1 % = 10_000 ppm). Two
energies are told apart everywhere: *stored* energy is what the cells hold (the state of
charge), *metered* energy is what the AC meter counts at the inverter's terminals. A
charge of ``m`` metered mWh stores ``m * charge_efficiency``; a sale of ``m`` metered mWh
draws ``m / discharge_efficiency`` from the cells.

Roundings always lean to safety: what a sale draws and what a purchase may add are
rounded up when they bound a pledge (so the reserve and the maximum hold), what a
charge really adds is rounded down (the cells never hold more than the book says).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gridnode.battery.errors import BatterySpecError
from gridnode.trade.units import PPM, MilliWatt, Mwh

#: The reserve floor when none is configured: 10 % of the capacity.
DEFAULT_RESERVE_PPM = 100_000


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True, slots=True)
class BatterySpec:
    """A battery's fixed facts, and the reserve floor it keeps (raisable on demand)."""

    #: Usable capacity of the cells.
    capacity_mwh: Mwh
    #: The most one session, or all running together, may draw or push: one inverter
    #: limit shared by charging and discharging.
    power_limit_mw: MilliWatt
    #: Stored energy per metered energy charged, in ppm (950_000: 95 % reaches the cells).
    charge_efficiency_ppm: int
    #: Metered energy delivered per stored energy drawn, in ppm.
    discharge_efficiency_ppm: int
    #: Share of the stored energy lost per hour at rest, in ppm.
    self_discharge_ppm_per_hour: int = 0
    #: Never sell below this share of the capacity (kept for the estate's own needs).
    reserve_ppm: int = DEFAULT_RESERVE_PPM
    #: Never charge above this share of the capacity (cell life).
    max_charge_ppm: int = PPM

    def __post_init__(self) -> None:
        if self.capacity_mwh <= 0:
            raise BatterySpecError(
                f"capacity_mwh must be above 0 (the usable capacity), not {self.capacity_mwh}."
            )
        if self.power_limit_mw <= 0:
            raise BatterySpecError(
                f"power_limit_mw must be above 0 (the inverter's rating), not "
                f"{self.power_limit_mw}."
            )
        for name in ("charge_efficiency_ppm", "discharge_efficiency_ppm"):
            value = getattr(self, name)
            if not 0 < value <= PPM:
                raise BatterySpecError(
                    f"{name} must be above 0 and at most {PPM} (100 %), not {value}."
                )
        if not 0 <= self.self_discharge_ppm_per_hour < PPM:
            raise BatterySpecError(
                "self_discharge_ppm_per_hour must be from 0 to below 1000000 (a share per "
                f"hour), not {self.self_discharge_ppm_per_hour}."
            )
        if not 0 <= self.reserve_ppm < self.max_charge_ppm <= PPM:
            raise BatterySpecError(
                "The reserve must lie below the maximum charge level, both from 0 to 1000000 "
                f"ppm; got reserve_ppm {self.reserve_ppm} and max_charge_ppm "
                f"{self.max_charge_ppm}: lower the reserve or raise the maximum."
            )

    # -- levels ---------------------------------------------------------------------
    @property
    def reserve_mwh(self) -> int:
        """The reserve floor in stored mWh (rounded up: the floor is never undercut)."""
        return _ceil_div(self.capacity_mwh * self.reserve_ppm, PPM)

    @property
    def max_mwh(self) -> int:
        """The maximum charge level in stored mWh (rounded down)."""
        return self.capacity_mwh * self.max_charge_ppm // PPM

    @property
    def round_trip_ppm(self) -> int:
        """Metered energy out per metered energy in, in ppm (rounded down)."""
        return self.charge_efficiency_ppm * self.discharge_efficiency_ppm // PPM

    def with_reserve(self, reserve_ppm: int) -> BatterySpec:
        """The same battery keeping another reserve (raised on demand: a storm warning)."""
        return dataclasses.replace(self, reserve_ppm=reserve_ppm)

    # -- conversions across the losses ----------------------------------------------
    def drawn_for_sale(self, metered_mwh: int) -> int:
        """Stored mWh a sale of ``metered_mwh`` draws from the cells (rounded up)."""
        return _ceil_div(metered_mwh * PPM, self.discharge_efficiency_ppm)

    def sale_from_stored(self, stored_mwh: int) -> int:
        """The most metered mWh ``stored_mwh`` can deliver: the largest ``m`` whose
        :meth:`drawn_for_sale` is at most ``stored_mwh``."""
        return max(0, stored_mwh) * self.discharge_efficiency_ppm // PPM

    def stored_by_charge(self, metered_mwh: int) -> int:
        """Stored mWh a charge of ``metered_mwh`` adds (rounded down: what the cells
        surely hold)."""
        return metered_mwh * self.charge_efficiency_ppm // PPM

    def room_for_charge(self, metered_mwh: int) -> int:
        """The most stored mWh a charge of ``metered_mwh`` may add (rounded up: what a
        pledge to buy reserves below the maximum)."""
        return _ceil_div(metered_mwh * self.charge_efficiency_ppm, PPM)

    def charge_from_room(self, stored_mwh: int) -> int:
        """The most metered mWh whose :meth:`room_for_charge` fits in ``stored_mwh``."""
        return max(0, stored_mwh) * PPM // self.charge_efficiency_ppm

    def energy_at_power(self, power_mw: int, duration_ms: int) -> int:
        """Metered mWh at ``power_mw`` over ``duration_ms`` (rounded down)."""
        return power_mw * duration_ms // 3_600_000
