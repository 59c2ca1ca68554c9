"""A prosumer's offer: a household with PV sells only the surplus it does not use.

Two meters tell the surplus: the PV's production meter and the connection's meter,
whose export and import registers count what leaves and enters the house. Between two
readings the house used ``production - export + import``; what it did not use is
``export - import``, the net export. The offer for the coming period projects that
surplus at the last interval's rate, keeps a share back against a passing cloud
(``share_ppm``), and takes away what running sessions already hold for the period.

Registers only count up: a register that went back, or an export larger than the
production (the house has no battery to export from), is a meter fault, raised as a
:class:`MeterDisagreementError` naming both figures, never an offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gridnode.battery.errors import BatterySpecError, MeterDisagreementError
from gridnode.battery.offer import PeriodOffer, StopReason, StopsOffering
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MS_PER_HOUR, PPM, MsatPerKwh


class ProductionRegister(StrEnum):
    """Which register of the PV's production meter counts what the PV made. Installers
    wire a PV meter either way round: with the PV on the meter's load side its export
    register counts the production, with the PV on its supply side its import register
    does (the ``[pv]`` table's ``production_register``)."""

    EXPORT = "export"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class PvReading:
    """The household's registers at one instant (cumulative metered mWh)."""

    at_ms: int
    production_mwh: int
    export_mwh: int
    import_mwh: int


@dataclass(frozen=True, slots=True)
class Surplus:
    """What the house produced, used and had left over between two readings."""

    duration_ms: int
    production_mwh: int
    use_mwh: int
    #: Net export: produced and not used (0 when the house drew more than it made).
    surplus_mwh: int

    @property
    def power_mw(self) -> int:
        """The surplus's mean power (rounded down)."""
        return self.surplus_mwh * MS_PER_HOUR // self.duration_ms


@dataclass(frozen=True, slots=True)
class ProsumerRule:
    """A prosumer's price and how much of its surplus it offers (the [pv] table)."""

    price_msat_per_kwh: int
    #: The share of the projected surplus it offers, in ppm (a cloud lowers the rest).
    share_ppm: int = 800_000
    #: Below this much metered energy it stops offering.
    min_offer_mwh: int = 1_000
    #: Metered energy the meters may disagree by (their register steps).
    tolerance_mwh: int = 10_000

    def __post_init__(self) -> None:
        if self.price_msat_per_kwh < 0:
            raise BatterySpecError(
                f"price_msat_per_kwh must be 0 or more, not {self.price_msat_per_kwh}."
            )
        if not 0 < self.share_ppm <= PPM:
            raise BatterySpecError(
                f"share_ppm must be above 0 and at most {PPM} (100 %), not {self.share_ppm}."
            )
        if self.min_offer_mwh <= 0 or self.tolerance_mwh < 0:
            raise BatterySpecError(
                "min_offer_mwh must be above 0 and tolerance_mwh 0 or more; got "
                f"{self.min_offer_mwh} and {self.tolerance_mwh}."
            )


def surplus_between(before: PvReading, after: PvReading, tolerance_mwh: int = 0) -> Surplus:
    """The surplus between two readings; a meter fault raises."""
    duration = after.at_ms - before.at_ms
    if duration <= 0:
        raise MeterDisagreementError(
            f"The PV readings must follow each other in time; got {before.at_ms} then "
            f"{after.at_ms} ms: read the meters again."
        )
    produced = after.production_mwh - before.production_mwh
    exported = after.export_mwh - before.export_mwh
    imported = after.import_mwh - before.import_mwh
    if min(produced, exported, imported) < 0:
        raise MeterDisagreementError(
            f"A register went back (production {produced}, export {exported}, import "
            f"{imported} mWh): check the meters' wiring and addresses."
        )
    if exported > produced + tolerance_mwh:
        raise MeterDisagreementError(
            f"The house exported {exported} mWh but its PV produced {produced} mWh: the "
            "production meter or the export register is wrong (swapped, or a battery "
            "not configured)."
        )
    use = max(0, produced - exported + imported)
    return Surplus(duration, produced, use, max(0, exported - imported))


def prosumer_offer(
    surplus: Surplus,
    rule: ProsumerRule,
    period_ms: int,
    pledged_mwh: int = 0,
    zone_name: str = "UTC",
) -> PeriodOffer | StopsOffering:
    """The offer for a period of ``period_ms``: the surplus's share at its recent rate,
    less what running sessions hold already (``pledged_mwh``)."""
    projected = surplus.surplus_mwh * period_ms // surplus.duration_ms
    energy = projected * rule.share_ppm // PPM - pledged_mwh
    if energy < rule.min_offer_mwh:
        return StopsOffering(
            StopReason.NO_SURPLUS,
            f"the household uses what its PV makes: {max(0, energy)} mWh is left for the "
            f"period, less than the {rule.min_offer_mwh} mWh an offer needs",
        )
    return PeriodOffer(
        energy_mwh=energy,
        power_mw=surplus.power_mw * rule.share_ppm // PPM,
        price_msat_per_kwh=rule.price_msat_per_kwh,
        floor_msat_per_kwh=0,
        profile=ConstantProfile(MsatPerKwh(rule.price_msat_per_kwh), zone_name),
    )
