"""The payment cadence: exposure budgets both ways and the step between them.

Property tests hold the rules of gridnode.trade.cadence under any power, price and
budget: the step never breaks either budget, payments never come less often as power
rises, and neither budget exceeds its msat cap or its seconds at maximum power.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from gridnode.money import Msat
from gridnode.trade.actions import PayInvoice
from gridnode.trade.cadence import (
    BYTES_PER_PAYMENT,
    Budgets,
    PowerWindow,
    budgets,
    cadence,
    min_interval_ms,
    msat_per_ms,
    payment_step,
    window_budget,
)
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import Offer, PaymentTerms
from gridnode.trade.units import DurationMs, MsatPerKwh, energy_at_power_mwh
from tests.support.terms import MINUTE, T0, demo_offer
from tests.support.trade.sim import BUYER
from tests.support.trade.worlds import MSAT_PER_SECOND_AT_MAX, actions_of, breaches, make_world

MAX_POWER_MW = 3_680_000  # the demo supply: 230 V, 16 A
msats: st.SearchStrategy[Msat] = st.integers(min_value=0, max_value=10_000_000).map(Msat)
powers: st.SearchStrategy[int] = st.integers(min_value=0, max_value=MAX_POWER_MW)
prices: st.SearchStrategy[Fraction] = st.integers(min_value=1_000, max_value=2_000_000).map(
    Fraction
)
seconds_ms: st.SearchStrategy[int] = st.integers(min_value=0, max_value=3_600_000)


@given(msats, msats, msats, msats, msats)
def test_the_step_never_breaks_either_budget_when_the_smallest_payment_fits(
    ahead: Msat, unpaid: Msat, lead: Msat, smallest: Msat, largest: Msat
) -> None:
    assume(Msat(0) < smallest <= largest)
    step = payment_step(ahead=ahead, unpaid=unpaid, lead=lead, smallest=smallest, largest=largest)
    assert smallest <= step <= largest
    room = min(ahead, ahead + unpaid - lead)
    if smallest <= room:
        # paid at credit ahead - step: the buyer is never more than `ahead` ahead...
        assert step <= ahead
        # ...and the energy used while it settles stays within the unpaid budget
        assert ahead.msat - step.msat - lead.msat >= -unpaid.msat
        # it is the largest such step
        assert step in (largest, room)


def budgets_at(power_mw: int, price: Fraction, pay: PaymentTerms, floor: Msat) -> Budgets:
    """Budgets for a steady power (the window has seen it for long enough)."""
    by_time = window_budget(
        pay.prepayment,
        pay.prepayment_ms,
        energy_at_power_mwh(power_mw, pay.prepayment_ms),
        MAX_POWER_MW,
        price,
    )
    unpaid = window_budget(
        pay.unpaid,
        pay.unpaid_ms,
        energy_at_power_mwh(power_mw, pay.unpaid_ms),
        MAX_POWER_MW,
        price,
    )
    return Budgets(min(max(by_time, floor), pay.prepayment), unpaid)


terms: st.SearchStrategy[PaymentTerms] = st.builds(
    lambda smallest, extra, ahead_extra, ahead_ms, unpaid, unpaid_ms: PaymentTerms(
        Msat(smallest),
        Msat(smallest + extra),
        Msat(smallest + extra + ahead_extra),
        DurationMs(ahead_ms),
        Msat(0),
        Msat(unpaid),
        DurationMs(unpaid_ms),
    ),
    st.integers(1, 10_000),
    st.integers(0, 100_000),
    st.integers(0, 200_000),
    st.integers(1, 3_600_000),
    st.integers(0, 200_000),
    st.integers(0, 3_600_000),
)


@given(terms, prices, powers, powers, st.integers(0, 10_000))
def test_payments_never_come_less_often_as_power_rises(
    pay: PaymentTerms, price: Fraction, p1: int, p2: int, lead_ms: int
) -> None:
    low, high = sorted((p1, p2))
    assume(low > 0)
    floor = pay.min_payment
    slow = cadence(
        power_mw=low,
        price_msat_per_kwh=price,
        budgets=budgets_at(low, price, pay, floor),
        smallest=pay.min_payment,
        largest=pay.max_payment,
        lead_ms=lead_ms,
    )
    fast = cadence(
        power_mw=high,
        price_msat_per_kwh=price,
        budgets=budgets_at(high, price, pay, floor),
        smallest=pay.min_payment,
        largest=pay.max_payment,
        lead_ms=lead_ms,
    )
    assert slow.interval_ms is not None
    assert fast.interval_ms is not None
    # in exact arithmetic fast <= slow; the budgets are rounded to whole mWh and msat
    rounding_msat = 2 + price / 1_000_000
    # (the slow step may be rounded down by that much)
    assert fast.interval_ms <= slow.interval_ms + rounding_msat / msat_per_ms(low, price) + 1


@given(terms, prices, powers, powers)
def test_the_step_grows_with_power_while_the_unpaid_budget_covers_the_lead(
    pay: PaymentTerms, price: Fraction, p1: int, p2: int
) -> None:
    """Above the power where the energy used during the payment lead no longer fits in
    the unpaid budget the step must shrink (the seller asks earlier); below it, a
    larger power never gets a smaller step."""
    low, high = sorted((p1, p2))
    lead_ms = 2_000
    floor = pay.min_payment
    at_low, at_high = budgets_at(low, price, pay, floor), budgets_at(high, price, pay, floor)
    for power, b in ((low, at_low), (high, at_high)):
        lead = -(-(msat_per_ms(power, price) * lead_ms) // 1)
        assume(b.unpaid.msat >= lead)
    steps = [
        cadence(
            power_mw=power,
            price_msat_per_kwh=price,
            budgets=b,
            smallest=pay.min_payment,
            largest=pay.max_payment,
            lead_ms=lead_ms,
        ).step
        for power, b in ((low, at_low), (high, at_high))
    ]
    assert steps[0] <= steps[1]


@given(terms, prices, st.integers(0, 10**9), st.integers(0, 10**9))
def test_both_budgets_stay_within_the_msat_cap_and_the_seconds_at_maximum_power(
    pay: PaymentTerms, price: Fraction, ahead_energy: int, unpaid_energy: int
) -> None:
    """Whatever a meter reports (a fault, a jump), the budgets are bounded."""
    for cap, window_ms, energy in (
        (pay.prepayment, pay.prepayment_ms, ahead_energy),
        (pay.unpaid, pay.unpaid_ms, unpaid_energy),
    ):
        budget = window_budget(cap, window_ms, energy, MAX_POWER_MW, price)
        at_max = energy_at_power_mwh(MAX_POWER_MW, window_ms) * price / 1_000_000
        assert Msat(0) <= budget <= cap
        assert budget.msat <= at_max


@given(
    st.lists(st.tuples(st.integers(1, 5_000), st.integers(0, 2_000)), min_size=1, max_size=60),
    seconds_ms,
)
def test_the_window_counts_only_the_energy_of_its_own_length(
    steps: list[tuple[int, int]], window_ms: int
) -> None:
    window = PowerWindow(span_ms=window_ms)
    at, energy = T0, 0
    history = [(at, energy)]
    window.add(at, energy)
    for dt, de in steps:
        at, energy = at + dt, energy + de
        window.add(at, energy)
        history.append((at, energy))
    got = window.energy_in_last(at, window_ms)
    assert 0 <= got <= energy
    # at least all whole readings inside the window, at most those and the one before
    inside = [e for t, e in history if t >= at - window_ms]
    before = [e for t, e in history if t <= at - window_ms]
    assert energy - inside[0] <= got
    assert got <= energy - (before[-1] if before else 0)


def test_the_window_forgets_energy_once_the_supply_is_off_for_its_length() -> None:
    window = PowerWindow(span_ms=10_000)
    for s in range(0, 21):  # 3.6 kW for 20 s: 1 mWh per ms
        window.add(T0 + s * 1_000, s * 1_000)
    assert window.energy_in_last(T0 + 20_000, 10_000) == 10_000
    for s in range(21, 40):  # then off
        window.add(T0 + s * 1_000, 20_000)
    assert window.energy_in_last(T0 + 39_000, 10_000) == 0
    assert len(window.points) <= 12  # old readings are dropped


def test_the_ahead_budget_is_seconds_of_use_at_the_current_power() -> None:
    pay = PaymentTerms(
        Msat(100),
        Msat(20_000),
        Msat(40_000),
        DurationMs(60_000),
        Msat(0),
        Msat(5_000),
        DurationMs(30_000),
    )
    offer = demo_offer(payments=pay, profile=ConstantProfile(MsatPerKwh(300_000)))
    window = PowerWindow(span_ms=60_000)
    for s in range(0, 61):  # 1.2 kW for a minute: 1/3 mWh per ms
        window.add(T0 + s * 1_000, s * 1_200_000 // 3_600)
    b = budgets(offer, window, T0 + 60_000)
    # a minute at 1.2 kW is 20 Wh: 6,000 msat at 300,000 msat/kWh
    assert b.ahead == Msat(6_000)
    # 30 s at 1.2 kW is 3,000 msat, under the 5,000 msat cap
    assert b.unpaid == Msat(3_000)


def test_with_no_use_the_ahead_budget_leaves_room_to_pay_the_supply_back_on() -> None:
    offer = demo_offer()
    b = budgets(offer, PowerWindow(span_ms=5_000), T0)
    assert b.ahead == offer.payments.min_payment + offer.policy.restore
    assert b.unpaid == Msat(0)


def test_a_quiet_house_pays_rarely_and_a_charging_car_often() -> None:
    pay = PaymentTerms(
        Msat(1_000),
        Msat(50_000),
        Msat(50_000),
        DurationMs(600_000),
        Msat(0),
        Msat(20_000),
        DurationMs(120_000),
    )
    price = Fraction(300_000)

    def pace(power_mw: int) -> int:
        c = cadence(
            power_mw=power_mw,
            price_msat_per_kwh=price,
            budgets=budgets_at(power_mw, price, pay, pay.min_payment),
            smallest=pay.min_payment,
            largest=pay.max_payment,
        )
        assert c.interval_ms is not None
        return c.interval_ms

    quiet, house, car = pace(300_000), pace(2_000_000), pace(7_000_000)
    assert quiet >= 10 * 60_000 - 1_000 > house > car
    assert car >= 60_000  # still no more often than once a minute


def test_the_storage_budget_sets_the_shortest_interval() -> None:
    interval = min_interval_ms(20, BYTES_PER_PAYMENT)
    per_day = 86_400_000 // interval
    assert per_day * BYTES_PER_PAYMENT <= 20_000_000
    assert (per_day + 1) * BYTES_PER_PAYMENT > 20_000_000 - BYTES_PER_PAYMENT


def test_a_cadence_faster_than_the_storage_budget_is_flagged_not_followed() -> None:
    b = Budgets(Msat(2_000), Msat(1_000))
    c = cadence(
        power_mw=7_000_000,
        price_msat_per_kwh=Fraction(300_000),
        budgets=b,
        smallest=Msat(100),
        largest=Msat(50_000),
        min_interval_ms=60_000,
    )
    assert c.step <= Msat(2_000)  # exposure is agreed: it wins
    assert c.within_storage is False
    assert dataclasses.replace(c, within_storage=True).interval_ms == c.interval_ms


# -- the sessions: a seller enforcing the unpaid budget, both sides paying in steps ----


def unpaid_offer(unpaid_msat: int, unpaid_ms: int) -> Offer:
    pay = dataclasses.replace(
        demo_offer().payments, unpaid=Msat(unpaid_msat), unpaid_ms=DurationMs(unpaid_ms)
    )
    return demo_offer(payments=pay)


def test_a_buyer_that_stops_paying_is_cut_once_the_unpaid_budget_is_used_not_before() -> None:
    stop_paying = T0 + 2 * MINUTE
    budget = unpaid_offer(unpaid_msat=1_500, unpaid_ms=5_000)
    world = make_world(budget, drop_payments_after_ms=stop_paying)
    world.run(T0 + 4 * MINUTE)
    (_, on), (off_at, off) = world.relay_timeline[:2]
    assert (on, off) == (True, False)
    # 5 s at 3.68 kW and 200 sat/kWh is 1,022 msat (under the 1,500 msat cap): the seller
    # delivered that much unpaid, and no more than one meter sample's energy beyond it
    tick_msat = MSAT_PER_SECOND_AT_MAX * max(world.tick_ms, world.sample_ms) / 1_000
    assert 1_022 - tick_msat <= world.max_seller_unpaid_msat <= 1_022 + tick_msat
    # without an unpaid budget the same buyer is cut about 5 s sooner
    strict = make_world(drop_payments_after_ms=stop_paying)
    strict.run(T0 + 4 * MINUTE)
    assert strict.relay_timeline[1][0] + 4_000 <= off_at
    assert strict.max_seller_unpaid_msat <= tick_msat


def test_a_paying_buyer_is_never_cut_and_pays_in_larger_steps_with_an_unpaid_budget() -> None:
    world = make_world(unpaid_offer(unpaid_msat=1_500, unpaid_ms=5_000))
    world.run(T0 + 5 * MINUTE)
    assert [on for _, on in world.relay_timeline] == [True]
    assert breaches(world, BUYER) == []
    steps = {a.amount for _, a in actions_of(world, BUYER, PayInvoice)} - {Msat(50_000)}
    assert max(steps) == Msat(400)  # the agreed size: the budgets leave room for it
    assert world.max_buyer_ahead_msat <= 900
    assert world.max_seller_unpaid_msat <= 1_022


def test_the_same_sale_pays_less_often_for_a_quiet_load() -> None:
    def payments(load_mw: int) -> int:
        world = make_world(unpaid_offer(unpaid_msat=1_500, unpaid_ms=5_000))
        world.load_mw = lambda t: load_mw
        world.run(T0 + 5 * MINUTE)
        assert breaches(world, BUYER) == []
        return len(actions_of(world, BUYER, PayInvoice))

    quiet, busy = payments(300_000), payments(3_600_000)
    assert quiet * 4 < busy
