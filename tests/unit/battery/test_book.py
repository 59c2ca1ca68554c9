"""The battery book: pledges within the bounds, settlements across the losses, the
average cost of the stored energy, and the trims when the charge moves on its own."""

from __future__ import annotations

import pytest

from gridnode.battery.book import BatteryBook, Direction, PledgeRefusedError, Refusal
from gridnode.battery.errors import BatterySpecError, PledgeError
from gridnode.battery.spec import BatterySpec
from gridnode.money import Msat
from gridnode.trade.units import MilliWatt, Mwh

#: 10 kWh, 5 kW, 95 % each way, 10 % reserve, 90 % maximum.
SPEC = BatterySpec(
    capacity_mwh=Mwh(10_000_000),
    power_limit_mw=MilliWatt(5_000_000),
    charge_efficiency_ppm=950_000,
    discharge_efficiency_ppm=950_000,
    self_discharge_ppm_per_hour=1_000,
    reserve_ppm=100_000,
    max_charge_ppm=900_000,
)


def test_the_levels_are_shares_of_the_capacity() -> None:
    assert SPEC.reserve_mwh == 1_000_000
    assert SPEC.max_mwh == 9_000_000
    assert SPEC.round_trip_ppm == 902_500


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"capacity_mwh": 0}, "capacity_mwh must be above 0"),
        ({"power_limit_mw": -1}, "power_limit_mw must be above 0"),
        ({"charge_efficiency_ppm": 1_000_001}, "charge_efficiency_ppm must be above 0"),
        ({"discharge_efficiency_ppm": 0}, "discharge_efficiency_ppm must be above 0"),
        ({"self_discharge_ppm_per_hour": -1}, "self_discharge_ppm_per_hour must be"),
        ({"reserve_ppm": 900_000}, "lower the reserve or raise the maximum"),
    ],
)
def test_an_inconsistent_battery_is_refused_with_its_field(
    changes: dict[str, int], words: str
) -> None:
    fields = {
        "capacity_mwh": 10_000_000,
        "power_limit_mw": 5_000_000,
        "charge_efficiency_ppm": 950_000,
        "discharge_efficiency_ppm": 950_000,
        "self_discharge_ppm_per_hour": 0,
        "reserve_ppm": 100_000,
        "max_charge_ppm": 900_000,
    } | changes
    with pytest.raises(BatterySpecError, match=words):
        BatterySpec(**fields)  # type: ignore[arg-type]


def test_a_sale_may_not_reach_below_the_reserve() -> None:
    book = BatteryBook(SPEC, 3_000_000)
    # 2 kWh stored above the reserve deliver 1.9 kWh after the discharge loss
    assert book.sellable_mwh == 1_900_000
    book = book.pledge("s1", Direction.SALE, 1_500_000, 2_000_000)
    with pytest.raises(PledgeRefusedError) as refused:
        book.pledge("s2", Direction.SALE, 500_000, 1_000_000)
    assert refused.value.reason is Refusal.BELOW_RESERVE
    # 421,052 stored mWh left deliver 399,999.4: rounded in the reserve's favour
    assert "at most 399999 mWh is free to sell" in str(refused.value)


def test_a_purchase_may_not_reach_above_the_maximum() -> None:
    book = BatteryBook(SPEC, 8_000_000)
    with pytest.raises(PledgeRefusedError) as refused:
        book.pledge("b1", Direction.PURCHASE, 1_100_000, 1_000_000)
    assert refused.value.reason is Refusal.ABOVE_MAXIMUM
    book.pledge("b1", Direction.PURCHASE, book.buyable_mwh, 1_000_000)


def test_one_power_limit_is_shared_by_charging_and_discharging() -> None:
    book = BatteryBook(SPEC, 5_000_000).pledge("s1", Direction.SALE, 100_000, 3_000_000)
    with pytest.raises(PledgeRefusedError) as refused:
        book.pledge("b1", Direction.PURCHASE, 100_000, 2_500_000)
    assert refused.value.reason is Refusal.POWER_LIMIT
    assert book.release("s1").pledge("b1", Direction.PURCHASE, 100_000, 2_500_000)


def test_partial_settlements_add_up_to_the_pledged_whole() -> None:
    book = BatteryBook(SPEC, 5_000_000).pledge("s1", Direction.SALE, 1_000, 1_000)
    for _ in range(3):
        book = book.settle_sale("s1", 333)
    book = book.settle_sale("s1", 1)
    # 1000 mWh delivered at 95 % drew ceil(1000 / 0.95) = 1053 mWh: no more, no less
    assert book.soc_mwh == 5_000_000 - 1_053
    assert book.pledged_out_mwh == 0


def test_settling_more_than_pledged_is_refused() -> None:
    book = BatteryBook(SPEC, 5_000_000).pledge("s1", Direction.SALE, 1_000, 1_000)
    with pytest.raises(PledgeError, match="must cut when its pledge is used up"):
        book.settle_sale("s1", 1_001)
    with pytest.raises(PledgeError, match="is a sale: settle it as one"):
        book.settle_purchase("s1", 1, Msat(1))
    with pytest.raises(PledgeError, match="exists already"):
        book.pledge("s1", Direction.SALE, 1, 1)
    with pytest.raises(PledgeError, match="No pledge 'x'"):
        book.release("x")


def test_the_average_cost_follows_purchases_and_sales() -> None:
    book = BatteryBook(SPEC, 0).pledge("b1", Direction.PURCHASE, 2_000_000, 2_000_000)
    # 2 kWh bought for 200,000 msat: 1.9 kWh reach the cells
    book = book.settle_purchase("b1", 2_000_000, Msat(200_000))
    assert book.soc_mwh == 1_900_000
    assert book.average_cost_msat_per_kwh == 105_264  # 200,000 / 1.9, rounded up
    book = book.pledge("s1", Direction.SALE, 500_000, 1_000_000).settle_sale("s1", 500_000)
    # a sale takes its share at the average cost: the average stays
    assert book.average_cost_msat_per_kwh in (105_263, 105_264)
    rested, _ = book.rest(3_600_000)
    # self-discharge loses energy, not cost: the average rises
    assert rested.soc_mwh < book.soc_mwh
    assert rested.cost_msat == book.cost_msat
    assert rested.average_cost_msat_per_kwh > book.average_cost_msat_per_kwh


def test_short_rests_add_up_to_the_hourly_self_discharge() -> None:
    book = BatteryBook(SPEC, 5_000_000)
    one_hour, _ = book.rest(3_600_000)
    for _ in range(3_600):
        book, _ = book.rest(1_000)
    assert one_hour.soc_mwh == 5_000_000 - 5_000
    # second by second the loss is taken from what is left, so it compounds: a few mWh
    # less over the hour, never a loss rounded away to nothing
    assert 0 <= book.soc_mwh - one_hour.soc_mwh <= 5


def test_a_raised_reserve_trims_the_newest_sale() -> None:
    book = BatteryBook(SPEC, 3_000_000)
    book = book.pledge("old", Direction.SALE, 500_000, 1_000).pledge(
        "new", Direction.SALE, 500_000, 1_000
    )
    book, trims = book.with_reserve(200_000)  # 2 kWh: 1 kWh stored left above it
    assert [t.pledge_id for t in trims] == ["new"]
    assert trims[0].energy_after_mwh < 500_000
    assert book.soc_mwh - book.pledged_out_mwh >= book.spec.reserve_mwh
    assert book.pledge_of("old").energy_mwh == 500_000


def test_a_low_reading_of_the_inverter_ends_every_sale() -> None:
    book = BatteryBook(SPEC, 3_000_000).pledge("s1", Direction.SALE, 500_000, 1_000)
    book, trims = book.observe(900_000)
    assert [(t.pledge_id, t.energy_after_mwh) for t in trims] == [("s1", 0)]
    assert book.pledged_out_mwh == 0
    assert book.sellable_mwh == 0
