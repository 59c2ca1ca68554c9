"""Properties of a battery's trading over many periods, driven as the runtime drives it
(issue 22): random buyers' demand, random supply from its sellers (PV, the grid), random
prices and batteries; each buyer's sessions run periods of their own length, interleaved
with the buying side's market periods, on one :class:`BatteryDesk` (the book, the offer
and the bid, as :class:`~gridnode.node.battery_role.BatteryRole` and
:class:`~gridnode.node.battery_role.BatterySellerRole` call them).

At every tick:

- the state of charge stays within the reserve and the maximum (only self-discharge,
  which no session controls, may take it below the reserve, and then nothing is sold);
- no stored kWh is sold below its cost after losses: what each sale's buyer pays at the
  period's price covers the cost the book takes out for it (the weighted average cost
  over the discharge efficiency), plus the margin, within the book's rounding (a sale
  draws whole stored mWh, and its cost is whole msat);
- no bid exceeds what the energy sells for after both losses and the margin.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hypothesis import example, given
from hypothesis import strategies as st

from gridnode.battery.book import BatteryBook, Direction
from gridnode.battery.pricing import Margin, MarginMethod, PricingRule, floor_price
from gridnode.battery.spec import BatterySpec
from gridnode.money import Msat
from gridnode.node.battery_desk import BUYING, BatteryDesk
from gridnode.trade.units import MS_PER_HOUR, MWH_PER_KWH, PPM, MilliWatt, Mwh
from tests.support.battery_strategies import battery_specs
from tests.support.node_parts import demo_terms, harness_limits

SPECS = battery_specs(
    capacity_mwh=(100_000, 30_000_000),
    least_power_mw=1_000_000,
    least_ppm=600_000,
    most_self_discharge_ppm=20_000,
)


@st.composite
def rules(draw: st.DrawFn) -> PricingRule:
    full = draw(st.integers(0, 500_000))
    empty = draw(st.integers(full, 1_000_000))
    method = draw(st.sampled_from(MarginMethod))
    value = draw(st.integers(0, 200_000))
    bid = draw(st.none() | st.integers(0, 500_000))
    return PricingRule(empty, full, Margin(method, value), bid, draw(st.integers(1, 20_000)))


#: The tick: the meters are read once a round.
TICK_MS = 30_000


@dataclass(frozen=True)
class Buyer:
    """One of the battery's buyers: its sessions' period, when its first one starts,
    and the power it draws in each tick (cycled)."""

    name: str
    period_ms: int
    start_ms: int
    demand_mw: tuple[int, ...]


@dataclass(frozen=True)
class Day:
    spec: BatterySpec
    rule: PricingRule
    soc_share_ppm: int
    stored_cost_msat_per_kwh: int
    market_period_ms: int
    buyers: tuple[Buyer, ...]
    #: what the battery's sellers push in each tick (PV by day, the grid at night)
    supply_mw: tuple[int, ...]
    ticks: int


PERIODS = st.sampled_from([60_000, 120_000, 300_000, 600_000, 900_000])
POWERS = st.integers(0, 8_000_000)


@st.composite
def days(draw: st.DrawFn) -> Day:
    buyers = tuple(
        Buyer(
            f"buyer-{index}",
            draw(PERIODS),
            draw(st.integers(0, 20)) * TICK_MS,
            tuple(draw(st.lists(POWERS, min_size=1, max_size=12))),
        )
        for index in range(draw(st.integers(1, 3)))
    )
    return Day(
        spec=draw(SPECS),
        rule=draw(rules()),
        soc_share_ppm=draw(st.integers(0, PPM)),
        stored_cost_msat_per_kwh=draw(st.integers(0, 800_000)),
        market_period_ms=draw(PERIODS),
        buyers=buyers,
        supply_mw=tuple(draw(st.lists(POWERS, min_size=1, max_size=12))),
        ticks=draw(st.integers(10, 160)),
    )


def _energy(power_mw: int, duration_ms: int) -> int:
    return power_mw * duration_ms // MS_PER_HOUR


@dataclass
class Sale:
    """One period's sale pledge: the price its session pays, what it delivered and
    what the book took out of the stored cost for it."""

    price_msat_per_kwh: int
    delivered_mwh: int = 0
    cost_msat: int = 0
    #: the book's rounding: a sale draws whole stored mWh (rounded up over the pledge),
    #: and its cost is taken out in whole msat: one stored mWh's cost and one msat
    rounding_msat: int = 1


class Run:
    """A day on one desk, as the runtime's roles drive it."""

    def __init__(self, day: Day) -> None:
        self.day = day
        spec = day.spec
        soc = spec.reserve_mwh + (spec.max_mwh - spec.reserve_mwh) * day.soc_share_ppm // PPM
        cost = -(-soc * day.stored_cost_msat_per_kwh // MWH_PER_KWH)
        self.desk = BatteryDesk(BatteryBook(spec, soc, cost_msat=cost), day.rule)
        self.limits = harness_limits()
        self.templates = {
            b.name: dataclasses.replace(demo_terms(), period_ms=b.period_ms) for b in day.buyers
        }
        self.live: set[str] = set()
        self.sales: dict[str, Sale] = {}
        self.bid_msat_per_kwh = 0

    def boundaries(self, now_ms: int) -> None:
        """What starts at ``now_ms``: the buying side's market period, and each buyer's
        next session period (its renewal: the book prices and pledges it, or not)."""
        desk = self.desk
        if now_ms % self.day.market_period_ms == 0:
            desk.release(BUYING)
            limits = desk.purchase_limits(f"buy:{now_ms}", self.limits, self.day.market_period_ms)
            bid = desk.last_bid
            self.bid_msat_per_kwh = bid.price_msat_per_kwh if limits and bid else 0
        for buyer in self.day.buyers:
            since = now_ms - buyer.start_ms
            if since < 0 or since % buyer.period_ms:
                continue
            desk.expire(buyer.name, now_ms)
            pledge_id = f"sale:{buyer.name}:{now_ms}"
            template = self.templates[buyer.name]
            terms = desk.sale_terms(buyer.name, pledge_id, template, now_ms + buyer.period_ms)
            if terms is None:  # at the reserve: not renewed, the session ends
                desk.release(buyer.name)
                self.live.discard(buyer.name)
                continue
            self.live.add(buyer.name)
            self.sales[pledge_id] = Sale(int(terms.profile.price_at(now_ms)))

    def tick(self, index: int) -> None:
        desk, day = self.desk, self.day
        for buyer in day.buyers:
            if buyer.name not in self.live:
                continue
            demand = _energy(buyer.demand_mw[index % len(buyer.demand_mw)], TICK_MS)
            before = {p.pledge_id: p.settled_mwh for p in desk.book.pledges}
            cost_before, soc_before = desk.book.cost_msat, desk.book.soc_mwh
            settled = desk.delivered(buyer.name, demand)
            for pledge in desk.book.pledges:
                if pledge.settled_mwh != before[pledge.pledge_id]:  # one open per buyer
                    sale = self.sales[pledge.pledge_id]
                    sale.delivered_mwh += pledge.settled_mwh - before[pledge.pledge_id]
                    sale.cost_msat += cost_before - desk.book.cost_msat
                    one_mwh = -(-cost_before // soc_before) if soc_before else 0
                    sale.rounding_msat = max(sale.rounding_msat, one_mwh + 1)
            if settled.taken_mwh:
                assert desk.book.soc_mwh >= min(soc_before, day.spec.reserve_mwh)
            if settled.used_up:  # the seller cuts: the session's pledges go
                desk.release(buyer.name)
                self.live.discard(buyer.name)
        supply = _energy(day.supply_mw[index % len(day.supply_mw)], TICK_MS)
        if supply and desk.owners.get(BUYING):
            paid = Msat(self.bid_msat_per_kwh * supply // MWH_PER_KWH)
            desk.received(supply, paid)
        desk.rest(TICK_MS)


def _check_bounds(book: BatteryBook) -> None:
    spec = book.spec
    assert book.soc_mwh <= spec.max_mwh
    assert book.soc_mwh + book.pledged_in_mwh <= spec.max_mwh
    if book.pledged_out_mwh:
        assert book.soc_mwh - book.pledged_out_mwh >= spec.reserve_mwh


@given(days())
def test_the_charge_stays_within_reserve_and_maximum_at_every_tick(day: Day) -> None:
    run = Run(day)
    for index in range(day.ticks):
        run.boundaries(index * TICK_MS)
        run.tick(index)
        _check_bounds(run.desk.book)
        # below the reserve only by self-discharge, and then nothing is sold
        if run.desk.book.soc_mwh < day.spec.reserve_mwh:
            assert run.desk.book.pledged_out_mwh == 0


#: Self-discharge while the floor binds: the price is fixed for the period while the
#: average cost of what is left rises (the floor once ignored it and sold below cost).
LEAKY = Day(
    spec=BatterySpec(Mwh(10_000_000), MilliWatt(10_000_000), 1_000_000, 1_000_000, 20_000, 100_000),
    rule=PricingRule(300_000, 100_000, Margin(MarginMethod.PPM, 0), None, 1_000),
    soc_share_ppm=500_000,
    stored_cost_msat_per_kwh=600_000,
    market_period_ms=900_000,
    buyers=(Buyer("buyer-0", 900_000, 0, (3_000_000,)),),
    supply_mw=(0,),
    ticks=60,
)


@given(days())
@example(LEAKY)
def test_no_stored_kwh_is_sold_below_its_cost_after_losses(day: Day) -> None:
    run = Run(day)
    for index in range(day.ticks):
        run.boundaries(index * TICK_MS)
        run.tick(index)
    for pledge_id, sale in run.sales.items():
        # in msat per 1000: what the buyer pays, exactly (before the invoice's rounding)
        paid = sale.price_msat_per_kwh * sale.delivered_mwh
        assert paid >= (sale.cost_msat - sale.rounding_msat) * MWH_PER_KWH, (pledge_id, sale)


@given(SPECS, rules())
def test_a_bid_never_exceeds_what_the_energy_sells_for_after_losses(
    spec: BatterySpec, rule: PricingRule
) -> None:
    desk = BatteryDesk(BatteryBook(spec, spec.reserve_mwh), rule)
    limits = desk.purchase_limits("buy", harness_limits(), 900_000)
    bid = desk.last_bid
    if limits is None or bid is None:
        return
    # bought at the bid, a kWh reaching a buyer after both losses costs, with the
    # margin, no more than the cheapest the battery ever asks
    losses = spec.charge_efficiency_ppm * spec.discharge_efficiency_ppm
    cost = -(-bid.price_msat_per_kwh * PPM * PPM // losses)
    assert rule.margin.above(cost) <= rule.price_full_msat_per_kwh
    # and a book holding only energy bought at the bid asks at most the full price (a
    # big one: the book's whole-mWh roundings stay within the cap's msat to spare)
    empty = BatteryBook(dataclasses.replace(spec, capacity_mwh=Mwh(100_000_000)), 0)
    energy = empty.buyable_mwh
    book = empty.pledge("in", Direction.PURCHASE, energy, 1)
    paid = Msat(bid.price_msat_per_kwh * energy // MWH_PER_KWH)
    book = book.settle_purchase("in", energy, paid)
    assert floor_price(book, rule) <= rule.price_full_msat_per_kwh
