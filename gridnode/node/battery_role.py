"""A battery node's two sides on one book (issue 22, docs/battery.md).

:class:`BatterySellerRole` is the seller role whose every period is priced by the
charge: a session's offer and each renewal come from the book
(:meth:`~gridnode.node.battery_desk.BatteryDesk.sale_terms`, which pledges the period's
energy); at the reserve no session starts (the slot's refusal says why) and a running one
is not renewed (it closes at the end of its period, as a removed buyer's does). What each
buyer's meter counts settles its pledges; a session whose pledges are used up is cut.

:class:`BatteryRole` is the part of the runtime that belongs to the battery itself: the
inverter, read as the buying side's own meter, sets the book's charge
(``stored_energy_mwh``) and settles the purchases (its import register), and before each
market period the buying side's limits are set from the bid (never above what the energy
sells for after losses) with the room below the maximum pledged; at the maximum, or
once a period's pledge is used up, buying pauses until the next period. A pause by hand
(MQTT's buying switch) is the person's: the battery never resumes buying over it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from gridnode.battery.book import BatteryBook
from gridnode.battery.offer import PeriodOffer, StopsOffering
from gridnode.money import Msat
from gridnode.node.battery_desk import BUYING, BatteryDesk, Settled
from gridnode.node.battery_view import book_view
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import NodeContext
from gridnode.node.own_meter_role import OwnMeterRole
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.snapshot import BatteryView
from gridnode.trade.events import MeterSample
from gridnode.trade.terms import BuyerLimits, OfferTemplate
from gridnode.trade.units import MWH_PER_KWH

log = logging.getLogger("gridnode.node")


class SaleDesk(Protocol):
    """What the seller role asks of its desk: a battery's book
    (:class:`~gridnode.node.battery_desk.BatteryDesk`) or a household's PV surplus
    (:class:`~gridnode.node.prosumer_desk.ProsumerDesk`)."""

    #: Who offers ("the battery"), for the log and the dashboard.
    name: str
    #: Why a session whose pledges are used up is cut.
    used_up_reason: str
    owners: dict[str, list[str]]
    not_offering: StopsOffering | None

    def offer(self, period_ms: int) -> PeriodOffer | StopsOffering: ...

    def sale_terms(
        self, owner: str, pledge_id: str, template: OfferTemplate, until_ms: int | None = None
    ) -> OfferTemplate | None: ...

    def expire(self, owner: str, now_ms: int) -> None: ...

    def delivered(self, owner: str, energy_mwh: int) -> Settled: ...

    def release(self, owner: str) -> None: ...


class BatterySellerRole(SellerRole):
    """The seller role of a battery node (or a prosumer): its periods priced and pledged
    by its desk."""

    def __init__(self, ctx: NodeContext, *, desk: SaleDesk, **kwargs: Any) -> None:
        self.desk = desk  # before the base hooks the slots
        #: each buyer meter's last import register (what it took since is delivered)
        self.registers: dict[str, int] = {}
        #: the slots whose session is being launched: pledged, not live yet
        self.launching: set[str] = set()
        super().__init__(ctx, **kwargs)

    async def _launch(self, slot: BuyerSlot) -> None:
        self.launching.add(slot.name)
        try:
            await super()._launch(slot)
        finally:
            self.launching.discard(slot.name)

    def _hook(self, slot: BuyerSlot) -> None:
        super()._hook(slot)
        inner = slot.poller.sink

        def sink(event: MeterSample) -> None:
            inner(event)
            self.metered(slot, event)

        slot.poller.sink = sink

    def period_terms(self, slot: BuyerSlot, session_id: str, start_ms: int) -> OfferTemplate | None:
        """The period's terms from the book, its energy pledged; None at the reserve."""
        pledge_id = f"sale:{slot.name}:{session_id}:{start_ms}"
        template = self.terms_of(slot)
        until_ms = start_ms + template.period_ms
        return self.desk.sale_terms(slot.name, pledge_id, template, until_ms)

    def _refusal(self, slot: BuyerSlot) -> str | None:
        reason = super()._refusal(slot)
        if reason is not None:
            return reason
        offer = self.desk.offer(self.terms_of(slot).period_ms)
        if not isinstance(offer, StopsOffering):
            return None
        self.desk.not_offering = offer  # on the dashboard until an offer is made
        return offer.message

    def metered(self, slot: BuyerSlot, event: MeterSample) -> None:
        """A reading of ``slot``'s buyer meter: what it took since the last one settles
        the session's pledges; a session with none left is cut."""
        last = self.registers.get(slot.name)
        self.registers[slot.name] = event.register_mwh
        if slot.live is None and slot.name not in self.launching:
            if slot.name in self.desk.owners:  # its session ended: its pledges go
                self.desk.release(slot.name)
            return
        if slot.live is None:
            return  # launching: its first period is pledged
        # a period that ended lets its pledge go; energy just after the boundary goes to
        # the next period's (the meter is read once a round)
        self.desk.expire(slot.name, event.at_ms)
        if last is None or event.register_mwh <= last:
            return
        settled = self.desk.delivered(slot.name, event.register_mwh - last)
        if settled.used_up:
            slot.request_close(self.desk.used_up_reason)

    def warnings(self) -> list[str]:
        found = super().warnings()
        if self.desk.not_offering is not None:
            found.append(f"{self.desk.name} offers nothing: {self.desk.not_offering.message}")
        return found


class BatteryRole(OwnMeterRole):
    """The battery's own part of the runtime: the inverter and the buying side's bid."""

    name = "battery"
    who = "the battery"

    def __init__(
        self,
        ctx: NodeContext,
        desk: BatteryDesk,
        buyer: BuyerRole,
        *,
        limits: BuyerLimits,
        limits_for: Callable[[BuyerLimits, int], BuyerLimits],
        period_ms: int,
        fresh: Callable[[int], BatteryBook] | None = None,
    ) -> None:
        """``limits``: the buying side's configured limits; ``limits_for(limits, i)``:
        those of its ``i``-th seller (its meter id); ``period_ms``: the market period;
        ``fresh``: the book at the inverter's first reading (the desk's book until then
        is empty: nothing is offered or bid before the charge is known)."""
        self.desk = desk
        self.limits = limits
        self.limits_for = limits_for
        self.fresh = fresh
        #: the inverter's last import register (what it took since is bought)
        self.register: int | None = None
        #: the bid's price this period (what a purchase is booked at), or None
        self.bid_msat_per_kwh: int | None = None
        #: when the book last rested (self-discharge), while the inverter tells no charge
        self.rested_at_ms: int | None = None
        self.periods = 0
        super().__init__(ctx, buyer, period_ms=period_ms)

    # -- the runtime's hooks (the rest are the base's) ------------------------------------
    async def prepare(self) -> None:
        self.next_period()

    async def start(self) -> None:
        self.ctx.tasks.keep_running(self._periods, name="battery bid", sleep=self.ctx.clock.sleep)

    def battery_view(self, now_ms: int) -> BatteryView:
        """The book for the dashboard (the runtime's snapshot asks)."""
        return book_view(
            self.desk, self.period_ms, self.bid_msat_per_kwh, charge_known=self.fresh is None
        )

    def warnings(self) -> list[str]:
        stop = self.desk.not_buying
        return [f"the battery bids nothing: {stop.message}"] if stop is not None else []

    # -- the bid, period by period -------------------------------------------------------
    def next_period(self) -> None:
        """The bid for the coming period: the previous one's pledge goes, the room
        below the maximum is pledged, and the sellers are told the ceiling. Nothing is
        bid before the inverter's first reading."""
        self.desk.release(BUYING)
        if self.fresh is not None:
            self._buy(False)
            return
        self.periods += 1
        pledge_id = f"buy:{self.ctx.clock.now_ms()}:{self.periods}"
        limits = self.desk.purchase_limits(pledge_id, self.limits, self.period_ms)
        if limits is None:
            self.bid_msat_per_kwh = None
            self._buy(False)
            return
        bid = self.desk.last_bid
        self.bid_msat_per_kwh = bid.price_msat_per_kwh if bid is not None else None
        for index, partner in enumerate(self.buyer.partners):
            partner.limits = self.limits_for(limits, index)
        self._buy(True)

    def own_reading(self, event: MeterSample) -> None:
        """A reading of the inverter: its stored energy is the book's charge, and what it
        took in since the last reading settles the period's purchase (booked at the bid:
        the cost is never understated)."""
        last, self.register = self.register, event.register_mwh
        if last is not None and event.register_mwh > last and self.desk.owners.get(BUYING):
            energy = event.register_mwh - last
            price = self.bid_msat_per_kwh or 0
            settled = self.desk.received(energy, Msat(price * energy // MWH_PER_KWH))
            if settled.used_up:
                self._buy(False)  # until the next period's bid
        sample = self.poller.last  # the reading's truth last: it corrects the arithmetic
        if sample is None or sample.stored_energy_mwh is None:
            self._rest(event.at_ms)
            return
        if self.fresh is not None and not self.desk.book.pledges:
            # the first reading: the charge is known, costed as configured
            self.desk.book, self.fresh = self.fresh(sample.stored_energy_mwh), None
            log.info("the battery holds %d mWh", sample.stored_energy_mwh)
            self.next_period()
        else:
            self.desk.observe(sample.stored_energy_mwh)

    def _rest(self, now_ms: int) -> None:
        """An inverter that tells no stored energy leaves the book's arithmetic alone:
        self-discharge since the last reading is taken from it (one that tells the
        charge has the loss in its reading already)."""
        if self.fresh is None and self.rested_at_ms is not None and now_ms > self.rested_at_ms:
            self.desk.rest(now_ms - self.rested_at_ms)
        self.rested_at_ms = now_ms


def partner_limits(
    limits: BuyerLimits, seller_meter_ids: Sequence[str]
) -> Callable[[BuyerLimits, int], BuyerLimits]:
    """``limits_for`` of :class:`BatteryRole`: each seller's limits name its meter."""

    def limits_for(period: BuyerLimits, index: int) -> BuyerLimits:
        meter = seller_meter_ids[index] if index < len(seller_meter_ids) else ""
        return dataclasses.replace(period, expected_meter_id=meter) if meter else period

    return limits_for
