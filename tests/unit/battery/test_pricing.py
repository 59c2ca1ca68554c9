"""Prices that follow the charge: dearer near empty, cheaper near full, never below the
stored energy's cost after losses plus the margin; the bid never above what the energy
sells for after both losses; at the reserve, no offer but a reason."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gridnode.battery.book import BatteryBook, Direction, PledgeRefusedError
from gridnode.battery.offer import (
    PeriodBid,
    PeriodOffer,
    StopReason,
    StopsBuying,
    StopsOffering,
    bid_for_period,
    limits_for_period,
    offer_for_period,
    terms_for_period,
)
from gridnode.battery.pricing import (
    Margin,
    MarginMethod,
    PricingRule,
    bid_cap,
    curve_price,
    floor_price,
    quote,
)
from gridnode.battery.spec import BatterySpec
from gridnode.money import Msat
from gridnode.trade.profiles import ConstantProfile, cost
from gridnode.trade.terms import DEMO_POLICY, OfferTemplate
from gridnode.trade.units import PPM, MilliWatt, Mwh
from tests.support.terms import ELECTRICAL, PAYMENTS, PRICE, TOLERANCE, demo_limits

SPEC = BatterySpec(
    capacity_mwh=Mwh(10_000_000),
    power_limit_mw=MilliWatt(5_000_000),
    charge_efficiency_ppm=950_000,
    discharge_efficiency_ppm=950_000,
    reserve_ppm=100_000,
    max_charge_ppm=900_000,
)
RULE = PricingRule(400_000, 150_000, Margin(MarginMethod.PPM, 50_000))
HOUR_MS = 3_600_000
TEMPLATE = OfferTemplate(
    HOUR_MS, ConstantProfile(PRICE), PAYMENTS, ELECTRICAL, TOLERANCE, DEMO_POLICY
)


def _bought(soc_mwh: int, paid_msat: int) -> BatteryBook:
    """A book holding what a purchase of ``soc_mwh`` metered energy stored, paid so."""
    book = BatteryBook(SPEC, 0).pledge("b", Direction.PURCHASE, soc_mwh, 1)
    return book.settle_purchase("b", soc_mwh, Msat(paid_msat)).release("b")


def test_the_price_falls_as_the_charge_rises() -> None:
    prices = [curve_price(BatteryBook(SPEC, soc), RULE) for soc in range(0, 10_000_001, 500_000)]
    assert prices == sorted(prices, reverse=True)
    assert curve_price(BatteryBook(SPEC, SPEC.reserve_mwh), RULE) == 400_000
    assert curve_price(BatteryBook(SPEC, SPEC.max_mwh), RULE) == 150_000
    assert curve_price(BatteryBook(SPEC, 5_000_000), RULE) == 275_000


def test_pledged_sales_count_as_gone_in_the_price() -> None:
    book = BatteryBook(SPEC, 5_000_000)
    pledged = book.pledge("s", Direction.SALE, 1_000_000, 1_000)
    assert curve_price(pledged, RULE) > curve_price(book, RULE)


def test_the_floor_is_the_cost_after_the_discharge_loss_plus_the_margin() -> None:
    # 5 kWh bought at 300,000 msat/kWh: 4.75 kWh stored at 315,790 msat each (rounded up)
    book = _bought(5_000_000, 1_500_000)
    assert book.average_cost_msat_per_kwh == 315_790
    # / 0.95 = 332,411; + 5 % = 349,032 (each rounded up)
    assert floor_price(book, RULE) == 349_032
    fixed = PricingRule(400_000, 150_000, Margin(MarginMethod.MSAT_PER_KWH, 10_000))
    assert floor_price(book, fixed) == 342_411


def test_the_floor_binds_when_the_energy_cost_more_than_the_curve_asks() -> None:
    book = _bought(9_000_000, 3_600_000)  # nearly full, bought dear
    price = quote(book, RULE)
    assert price.floor_binds
    assert price.price_msat_per_kwh == price.floor_msat_per_kwh > price.curve_msat_per_kwh


def test_the_bid_cap_sells_at_the_cheapest_price_after_both_losses() -> None:
    cap = bid_cap(SPEC, RULE)
    # 150,000 / 1.05 = 142,857; * 0.95 * 0.95 = 128,928, less one step so the floor's
    # roundings up (and the book's msat to spare) stay within the cheapest price
    assert cap == 128_927
    # bought at the cap into an empty battery, the floor is within the cheapest price
    book = _bought(1_000_000, cap)
    assert floor_price(book, RULE) <= RULE.price_full_msat_per_kwh


@given(
    buys=st.lists(st.tuples(st.integers(1_000, 3_000_000), st.integers(0, 1_000_000)), max_size=8),
    sales=st.lists(st.integers(1_000, 3_000_000), max_size=8),
    rest_ms=st.integers(0, 48 * HOUR_MS),
)
def test_no_stored_kwh_is_offered_below_its_cost_after_losses(
    buys: list[tuple[int, int]], sales: list[int], rest_ms: int
) -> None:
    """Over random purchases (at random prices), sales and rests, every offer asks at
    least the stored energy's average cost after the discharge loss, plus the margin."""
    book = BatteryBook(SPEC, SPEC.reserve_mwh, cost_msat=30_000)
    for step, (energy, price) in enumerate(buys):
        try:
            book = book.pledge(f"b{step}", Direction.PURCHASE, energy, 1)
        except PledgeRefusedError:
            continue
        paid = energy * price // PPM
        book = book.settle_purchase(f"b{step}", energy, Msat(paid)).release(f"b{step}")
    for step, energy in enumerate(sales):
        try:
            book = book.pledge(f"s{step}", Direction.SALE, energy, 1)
        except PledgeRefusedError:
            continue
        book = book.settle_sale(f"s{step}", energy).release(f"s{step}")
    book, _ = book.rest(rest_ms)
    offer = offer_for_period(book, RULE, HOUR_MS)
    if isinstance(offer, PeriodOffer):
        stored_cost = Fraction(book.cost_msat * 1_000_000, book.soc_mwh)
        delivered_cost = stored_cost * PPM / SPEC.discharge_efficiency_ppm
        assert offer.price_msat_per_kwh >= delivered_cost * Fraction(105, 100)
        assert book.soc_mwh >= SPEC.reserve_mwh
    else:
        assert offer.reason in (StopReason.AT_RESERVE, StopReason.POWER_PLEDGED)


def test_at_the_reserve_the_battery_stops_offering_and_says_why() -> None:
    offer = offer_for_period(BatteryBook(SPEC, SPEC.reserve_mwh + 500), RULE, HOUR_MS)
    assert isinstance(offer, StopsOffering)
    assert offer.reason is StopReason.AT_RESERVE
    assert "at its reserve" in offer.message


def test_the_offer_is_the_free_energy_at_the_free_power() -> None:
    book = BatteryBook(SPEC, 5_000_000)
    offer = offer_for_period(book, RULE, HOUR_MS, "Europe/Berlin")
    assert isinstance(offer, PeriodOffer)
    assert offer.energy_mwh == book.sellable_mwh == 3_800_000
    assert offer.power_mw == 5_000_000
    # a quarter hour at 5 kW is 1.25 kWh: the power binds
    short = offer_for_period(book, RULE, HOUR_MS // 4)
    assert isinstance(short, PeriodOffer)
    assert short.energy_mwh == 1_250_000
    assert offer.profile.zone_name == "Europe/Berlin"
    busy = book.pledge("s", Direction.SALE, 1_000, 5_000_000)
    stopped = offer_for_period(busy, RULE, HOUR_MS)
    assert isinstance(stopped, StopsOffering)
    assert stopped.reason is StopReason.POWER_PLEDGED


def test_the_offer_rides_on_the_sellers_terms() -> None:
    offer = offer_for_period(BatteryBook(SPEC, 5_000_000), RULE, HOUR_MS)
    assert isinstance(offer, PeriodOffer)
    terms = terms_for_period(TEMPLATE, offer)
    sale = terms.offer(0, "battery-meter")
    assert cost(sale.profile, 1_000_000, 0, HOUR_MS) == Msat(offer.price_msat_per_kwh)
    assert terms.payments == TEMPLATE.payments


def test_the_bid_rides_on_the_buyers_limits_and_stops_at_the_maximum() -> None:
    bid = bid_for_period(BatteryBook(SPEC, 5_000_000), RULE, HOUR_MS)
    assert isinstance(bid, PeriodBid)
    assert bid.price_msat_per_kwh == bid_cap(SPEC, RULE)
    assert limits_for_period(demo_limits(), bid).ceiling == bid.ceiling
    low = PricingRule(400_000, 150_000, RULE.margin, bid_msat_per_kwh=90_000)
    lower = bid_for_period(BatteryBook(SPEC, 5_000_000), low, HOUR_MS)
    assert isinstance(lower, PeriodBid)
    assert lower.price_msat_per_kwh == 90_000
    full = bid_for_period(BatteryBook(SPEC, SPEC.max_mwh), RULE, HOUR_MS)
    assert isinstance(full, StopsBuying)
    assert full.reason is StopReason.AT_MAXIMUM
    free = PricingRule(400_000, 5, Margin(MarginMethod.MSAT_PER_KWH, 10))
    none = bid_for_period(BatteryBook(SPEC, 5_000_000), free, HOUR_MS)
    assert isinstance(none, StopsBuying)
    assert none.reason is StopReason.NO_MARGIN
