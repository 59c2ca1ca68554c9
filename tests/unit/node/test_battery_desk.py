"""The battery node's desk: pledges per owner, settlements oldest first and cut when used
up, purchases booked at what was paid; and the battery's role setting the book from the
inverter's first reading, then correcting it with each one (issue 22)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from gridnode.battery.book import BatteryBook
from gridnode.battery.offer import StopReason
from gridnode.hardware.sample import MeterSample as HardwareSample
from gridnode.money import Msat
from gridnode.node.battery_desk import BUYING, BatteryDesk
from gridnode.node.battery_role import BatteryRole, partner_limits
from gridnode.trade.events import MeterSample
from gridnode.trade.units import MilliWatt
from tests.support.battery_parts import FLAT_RULE, LOSSLESS_SPEC
from tests.support.node_parts import demo_terms, harness_limits

SPEC = dataclasses.replace(LOSSLESS_SPEC, power_limit_mw=MilliWatt(5_000_000))
RULE = FLAT_RULE


def _desk(soc_mwh: int) -> BatteryDesk:
    return BatteryDesk(BatteryBook(SPEC, soc_mwh), RULE)


def test_a_period_pledges_what_it_offers_and_the_reserve_stops_the_next() -> None:
    desk = _desk(SPEC.reserve_mwh + 50_000)
    terms = desk.sale_terms("flat-2", "p1", demo_terms())
    assert terms is not None
    assert desk.owners == {"flat-2": ["p1"]}
    assert desk.book.pledge_of("p1").energy_mwh == 50_000
    assert desk.sale_terms("flat-3", "p2", demo_terms()) is None
    assert desk.not_offering is not None
    assert desk.not_offering.reason is StopReason.AT_RESERVE


def test_settlements_take_the_pledge_to_its_end_and_say_when_used_up() -> None:
    desk = _desk(SPEC.reserve_mwh + 100_000)
    nothing = desk.delivered("flat-3", 10)
    assert nothing.taken_mwh == 0  # nothing pledged: nothing booked, and cut
    assert nothing.used_up
    assert desk.sale_terms("flat-2", "p1", demo_terms()) is not None
    settled = desk.delivered("flat-2", 60_000)
    assert settled.taken_mwh == 60_000
    assert not settled.used_up
    settled = desk.delivered("flat-2", 60_000)
    assert settled.taken_mwh == 40_000  # the rest of the pledge; the rest is not booked
    assert settled.used_up
    assert desk.book.soc_mwh == SPEC.reserve_mwh
    desk.release("flat-2")
    assert desk.book.pledges == ()


def test_a_periods_pledge_ends_with_its_period() -> None:
    desk = _desk(SPEC.reserve_mwh + 100_000)
    assert desk.sale_terms("flat-2", "p1", demo_terms(), until_ms=600_000) is not None
    desk.delivered("flat-2", 30_000)
    desk.expire("flat-2", 599_999)
    assert desk.owners == {"flat-2": ["p1"]}
    desk.expire("flat-2", 600_000)
    assert desk.owners == {"flat-2": []}
    # what the buyer did not take is free to offer again
    assert desk.book.sellable_mwh == 70_000


def test_a_purchase_is_booked_at_what_it_paid() -> None:
    desk = _desk(500_000)
    limits = desk.purchase_limits("b1", harness_limits(), 600_000)
    assert limits is not None
    assert desk.last_bid is not None
    assert limits.ceiling == desk.last_bid.ceiling
    settled = desk.received(100_000, Msat(15_000))
    assert settled.taken_mwh == 100_000
    assert desk.book.soc_mwh == 600_000
    assert desk.book.cost_msat == 15_000


def _sample(stored_mwh: int, import_mwh: int) -> HardwareSample:
    at = datetime(2026, 12, 7, tzinfo=UTC)
    return HardwareSample(
        "inverter", at, 230_000, 0, 0, 50_000, import_mwh, 0, (), None, stored_mwh
    )


def _event(import_mwh: int) -> MeterSample:
    return MeterSample(0, import_mwh, import_mwh, 0, (230_000,), (0,))


class _Poller:
    def __init__(self) -> None:
        self.sink: Any = lambda event: None
        self.last: HardwareSample | None = None
        self.name = "inverter"


class _Buyer:
    def __init__(self) -> None:
        self.poller = _Poller()
        self.partners: list[Any] = []
        self.buying: list[bool] = []

    def set_buying(self, buying: bool) -> bool:
        self.buying.append(buying)
        return True


class _Ctx:
    def __init__(self) -> None:
        self.clock = type("Clock", (), {"now_ms": staticmethod(lambda: 0)})()
        self.changed = lambda: None


def test_the_inverters_first_reading_sets_the_book_and_the_next_ones_correct_it() -> None:
    desk = BatteryDesk(BatteryBook(SPEC, 0), RULE)
    buyer = _Buyer()
    limits = harness_limits()
    fresh_cost = 100_000  # msat per kWh of what the cells hold at first start

    def fresh(soc_mwh: int) -> BatteryBook:
        return BatteryBook(SPEC, soc_mwh, cost_msat=soc_mwh * fresh_cost // 1_000_000)

    ctx: Any = _Ctx()
    role = BatteryRole(
        ctx,
        desk,
        buyer,  # type: ignore[arg-type]
        limits=limits,
        limits_for=partner_limits(limits, []),
        period_ms=60_000,
        fresh=fresh,
    )
    role.next_period()
    assert buyer.buying == [False]  # nothing is bid before the charge is known
    buyer.poller.last = _sample(400_000, 1_000)
    buyer.poller.sink(_event(1_000))
    assert desk.book.soc_mwh == 400_000
    assert desk.book.cost_msat == 40_000
    assert buyer.buying == [False, True]  # the first reading starts the bid
    assert desk.owners[BUYING]
    buyer.poller.last = _sample(450_000, 51_000)
    buyer.poller.sink(_event(51_000))
    assert desk.book.soc_mwh == 450_000  # the inverter's reading is the truth
    assert desk.book.cost_msat > 40_000  # the purchase was booked at the bid
