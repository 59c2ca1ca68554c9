"""Whatever the interleaving of pledges, settlements, releases, self-discharge, inverter
readings and a raised reserve, the battery never sells below its reserve nor buys above
its maximum: the charge less every sale still to come stays at or above the reserve,
plus every purchase still to come at or below the maximum, and no settlement moves the
charge past a bound it was within."""

from __future__ import annotations

import contextlib

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from gridnode.battery.book import BatteryBook, Direction, PledgeRefusedError
from gridnode.battery.spec import BatterySpec
from gridnode.money import Msat
from tests.support.battery_strategies import battery_specs

SPECS = battery_specs(
    capacity_mwh=(1_000, 50_000_000),
    least_power_mw=1_000,
    least_ppm=500_000,
    most_self_discharge_ppm=50_000,
)


class Interleavings(RuleBasedStateMachine):
    pledges = Bundle("pledges")

    def __init__(self) -> None:
        super().__init__()
        self.book: BatteryBook | None = None
        self.count = 0

    @rule(spec=SPECS, share=st.integers(0, 1_000_000))
    def start(self, spec: BatterySpec, share: int) -> None:
        if self.book is None:
            self.book = BatteryBook(spec, spec.capacity_mwh * share // 1_000_000)

    @rule(
        target=pledges,
        sale=st.booleans(),
        energy=st.integers(1, 20_000_000),
        power=st.integers(1, 20_000_000),
    )
    def pledge(self, sale: bool, energy: int, power: int) -> str:
        self.count += 1
        name = f"p{self.count}"
        if self.book is not None:
            way = Direction.SALE if sale else Direction.PURCHASE
            with contextlib.suppress(PledgeRefusedError):
                self.book = self.book.pledge(name, way, energy, power)
        return name

    @rule(name=pledges, share=st.integers(0, 1_000_000))
    def settle(self, name: str, share: int) -> None:
        book = self.book
        if book is None or not any(p.pledge_id == name for p in book.pledges):
            return
        pledge = book.pledge_of(name)
        amount = (pledge.energy_mwh - pledge.settled_mwh) * share // 1_000_000
        if pledge.direction is Direction.SALE:
            self.book = book.settle_sale(name, amount)
            assert self.book.soc_mwh >= min(book.soc_mwh, book.spec.reserve_mwh)
        else:
            self.book = book.settle_purchase(name, amount, Msat(amount * 300 // 1000))
            assert self.book.soc_mwh <= max(book.soc_mwh, book.spec.max_mwh)

    @rule(name=consumes(pledges))
    def release(self, name: str) -> None:
        if self.book is not None and any(p.pledge_id == name for p in self.book.pledges):
            self.book = self.book.release(name)

    @rule(duration_ms=st.integers(0, 7_200_000))
    def rest(self, duration_ms: int) -> None:
        if self.book is not None:
            self.book, _ = self.book.rest(duration_ms)

    @rule(share=st.integers(0, 1_000_000))
    def observe(self, share: int) -> None:
        if self.book is not None:
            self.book, _ = self.book.observe(self.book.spec.capacity_mwh * share // 1_000_000)

    @rule(extra=st.integers(0, 300_000))
    def raise_reserve(self, extra: int) -> None:
        if self.book is not None:
            spec = self.book.spec
            reserve = min(spec.reserve_ppm + extra, spec.max_charge_ppm - 1)
            self.book, _ = self.book.with_reserve(reserve)

    @invariant()
    def sales_keep_the_reserve(self) -> None:
        book = self.book
        if book is not None and book.pledged_out_mwh:
            assert book.soc_mwh - book.pledged_out_mwh >= book.spec.reserve_mwh

    @invariant()
    def purchases_keep_the_maximum(self) -> None:
        book = self.book
        if book is not None and book.pledged_in_mwh:
            assert book.soc_mwh + book.pledged_in_mwh <= book.spec.max_mwh

    @invariant()
    def power_is_within_the_limit(self) -> None:
        book = self.book
        if book is not None:
            assert book.pledged_power_mw <= book.spec.power_limit_mw

    @invariant()
    def settlements_stay_within_pledges(self) -> None:
        if self.book is not None:
            assert all(0 <= p.settled_mwh <= p.energy_mwh for p in self.book.pledges)


TestInterleavings = Interleavings.TestCase
