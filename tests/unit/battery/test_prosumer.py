"""A prosumer sells only the PV surplus it does not use, read from its production
meter and its connection's export and import registers; a meter fault is no offer."""

from __future__ import annotations

import pytest

from gridnode.battery.errors import BatterySpecError, MeterDisagreementError
from gridnode.battery.offer import PeriodOffer, StopReason, StopsOffering
from gridnode.battery.prosumer import ProsumerRule, PvReading, prosumer_offer, surplus_between

QUARTER_MS = 900_000
RULE = ProsumerRule(price_msat_per_kwh=180_000, share_ppm=800_000)
START = PvReading(at_ms=0, production_mwh=10_000_000, export_mwh=2_000_000, import_mwh=500_000)


def _after(produced: int, exported: int, imported: int = 0) -> PvReading:
    return PvReading(
        QUARTER_MS,
        START.production_mwh + produced,
        START.export_mwh + exported,
        START.import_mwh + imported,
    )


def test_the_surplus_is_what_the_house_did_not_use() -> None:
    # a quarter hour: 1 kWh produced, 0.6 kWh exported, so 0.4 kWh used at home
    surplus = surplus_between(START, _after(1_000_000, 600_000))
    assert (surplus.use_mwh, surplus.surplus_mwh) == (400_000, 600_000)
    assert surplus.power_mw == 2_400_000


def test_the_offer_is_a_share_of_the_surplus_less_what_sessions_hold() -> None:
    surplus = surplus_between(START, _after(1_000_000, 600_000))
    offer = prosumer_offer(surplus, RULE, QUARTER_MS)
    assert isinstance(offer, PeriodOffer)
    assert offer.energy_mwh == 480_000  # 80 % of 0.6 kWh
    assert offer.price_msat_per_kwh == 180_000
    held = prosumer_offer(surplus, RULE, QUARTER_MS, pledged_mwh=300_000)
    assert isinstance(held, PeriodOffer)
    assert held.energy_mwh == 180_000


def test_a_house_that_uses_all_its_pv_stops_offering() -> None:
    surplus = surplus_between(START, _after(1_000_000, 100_000, 300_000))
    assert surplus.surplus_mwh == 0
    assert surplus.use_mwh == 1_200_000
    offer = prosumer_offer(surplus, RULE, QUARTER_MS)
    assert isinstance(offer, StopsOffering)
    assert offer.reason is StopReason.NO_SURPLUS


@pytest.mark.parametrize(
    ("after", "words"),
    [
        (_after(1_000_000, 1_500_000), "exported 1500000 mWh but its PV produced 1000000"),
        (_after(-10, 0), "A register went back"),
        (PvReading(0, 0, 0, 0), "must follow each other in time"),
    ],
)
def test_a_meter_fault_is_raised_not_offered(after: PvReading, words: str) -> None:
    with pytest.raises(MeterDisagreementError, match=words):
        surplus_between(START, after, tolerance_mwh=RULE.tolerance_mwh)


def test_a_bad_rule_names_its_field() -> None:
    with pytest.raises(BatterySpecError, match="share_ppm must be above 0"):
        ProsumerRule(100_000, share_ppm=0)
