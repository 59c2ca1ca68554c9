"""The battery node's shared energy state: one :class:`~gridnode.battery.book.BatteryBook`
that the selling side and the buying side pledge against, settle on and release
(issue 22, docs/battery.md).

The desk is what both roles of a battery node hold in common. It keeps no clock and
opens nothing: the seller role asks it for each period's terms
(:meth:`BatteryDesk.sale_terms`, which pledges the period's energy), the meters tell it
what flowed (:meth:`BatteryDesk.delivered`, :meth:`BatteryDesk.received`), the inverter
tells it the charge (:meth:`BatteryDesk.observe`), and the buying side asks it for its
limits (:meth:`BatteryDesk.purchase_limits`).

Each pledge belongs to an *owner* (a buyer slot's name, or the buying side) and is named
by its period. An owner's energy settles against its oldest open pledge first; what a
pledge cannot take is refused, and the caller cuts (:class:`Settled`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gridnode.battery.book import BatteryBook, Direction, PledgeRefusedError, Trim
from gridnode.battery.offer import (
    PeriodBid,
    PeriodOffer,
    StopsBuying,
    StopsOffering,
    bid_for_period,
    limits_for_period,
    offer_for_period,
    terms_for_period,
)
from gridnode.battery.pricing import PricingRule
from gridnode.money import Msat
from gridnode.node.estate import needed_power_mw
from gridnode.trade.terms import BuyerLimits, OfferTemplate

log = logging.getLogger("gridnode.node")

#: The owner of the buying side's pledges.
BUYING = "buying"


@dataclass(frozen=True, slots=True)
class Settled:
    """What a settlement took: ``taken_mwh`` of the metered energy, and whether the
    owner's pledges are used up (the session is cut: at the reserve, or the maximum)."""

    taken_mwh: int
    used_up: bool


class BatteryDesk:
    """The one book of a battery node, and who pledged what on it."""

    #: Who offers, for the log and the dashboard.
    name = "the battery"
    #: Why a session whose pledges are used up is cut.
    used_up_reason = "the battery reached its reserve: the pledged energy is sold"

    def __init__(self, book: BatteryBook, rule: PricingRule, zone_name: str = "UTC") -> None:
        self.book = book
        self.rule = rule
        self.zone_name = zone_name
        #: each owner's open pledge ids, oldest first
        self.owners: dict[str, list[str]] = {}
        #: when each period's sale pledge ends (its id's period)
        self.until: dict[str, int] = {}
        #: why the node offers nothing now (the reserve, the power), or None
        self.not_offering: StopsOffering | None = None
        #: why the node bids nothing now (the maximum, no margin), or None
        self.not_buying: StopsBuying | None = None
        #: the latest bid (its price books what a purchase cost), or None
        self.last_bid: PeriodBid | None = None
        #: pledges the inverter's reading or self-discharge cut short
        self.trims: list[Trim] = []

    # -- the selling side ---------------------------------------------------------------
    def offer(self, period_ms: int) -> PeriodOffer | StopsOffering:
        """What the battery could offer for a period now (pledges nothing)."""
        return offer_for_period(self.book, self.rule, period_ms, self.zone_name)

    def sale_terms(
        self, owner: str, pledge_id: str, template: OfferTemplate, until_ms: int | None = None
    ) -> OfferTemplate | None:
        """The terms of ``owner``'s next period, its energy pledged as ``pledge_id`` (until
        ``until_ms``, the period's end: :meth:`expire`); None when the battery offers
        nothing (at the reserve: the session is not renewed)."""
        offer = self.offer(template.period_ms)
        if isinstance(offer, StopsOffering):
            self._stopped_offering(offer)
            return None
        self.not_offering = None
        # the pledge holds the power one session may draw, not the inverter's whole
        # limit: other buyers, and the buying side, share what is left
        power = min(offer.power_mw, session_power_mw(template))
        energy = min(offer.energy_mwh, self.book.spec.energy_at_power(power, template.period_ms))
        if not self._pledge(owner, pledge_id, Direction.SALE, energy, power):
            return None
        if until_ms is not None:
            self.until[pledge_id] = until_ms
        return terms_for_period(template, offer)

    def expire(self, owner: str, now_ms: int) -> None:
        """``owner``'s pledges whose period ended by ``now_ms`` are let go: what the
        buyer did not take is free to offer again."""
        ids = self.owners.get(owner, [])
        for pledge_id in [i for i in ids if self.until.get(i, now_ms + 1) <= now_ms]:
            self.book = self.book.release(pledge_id)
            ids.remove(pledge_id)
            del self.until[pledge_id]

    def delivered(self, owner: str, energy_mwh: int) -> Settled:
        """``owner``'s buyer took ``energy_mwh`` more metered energy out of the battery."""
        return self._settle(owner, Direction.SALE, energy_mwh, Msat(0))

    def _stopped_offering(self, stop: StopsOffering) -> None:
        if self.not_offering != stop:
            log.info("the battery stops offering: %s", stop.message)
        self.not_offering = stop

    # -- the buying side ----------------------------------------------------------------
    def bid(self, period_ms: int) -> PeriodBid | StopsBuying:
        return bid_for_period(self.book, self.rule, period_ms, self.zone_name)

    def purchase_limits(
        self, pledge_id: str, limits: BuyerLimits, period_ms: int
    ) -> BuyerLimits | None:
        """The buying side's limits for its next period, its room pledged as
        ``pledge_id`` (the ceiling is the bid: never above what the energy sells for
        after losses); None when it buys nothing (at the maximum)."""
        bid = self.bid(period_ms)
        if isinstance(bid, StopsBuying):
            if self.not_buying != bid:
                log.info("the battery stops buying: %s", bid.message)
            self.not_buying = bid
            self.last_bid = None
            return None
        self.not_buying = None
        self.last_bid = bid
        power = min(bid.power_mw, needed_power_mw(limits))  # what one session draws
        energy = min(bid.energy_mwh, self.book.spec.energy_at_power(power, period_ms))
        if not self._pledge(BUYING, pledge_id, Direction.PURCHASE, energy, power):
            return None
        return limits_for_period(limits, bid)

    def received(self, energy_mwh: int, paid: Msat) -> Settled:
        """The battery took ``energy_mwh`` more metered energy in, paid ``paid``."""
        return self._settle(BUYING, Direction.PURCHASE, energy_mwh, paid)

    # -- what moves the charge without a session ----------------------------------------
    def observe(self, stored_mwh: int) -> tuple[Trim, ...]:
        """The inverter's reading of the stored energy corrects the book."""
        self.book, trims = self.book.observe(stored_mwh)
        self._trimmed(trims)
        return trims

    def set_levels(self, reserve_ppm: int, max_charge_ppm: int) -> tuple[Trim, ...]:
        """Another reserve floor and maximum (a reloaded configuration: the reserve
        raised on demand); the pledges beyond them are cut at once."""
        self.book, trims = self.book.with_levels(reserve_ppm, max_charge_ppm)
        self._trimmed(trims)
        return trims

    def rest(self, duration_ms: int) -> tuple[Trim, ...]:
        self.book, trims = self.book.rest(duration_ms)
        self._trimmed(trims)
        return trims

    def _trimmed(self, trims: tuple[Trim, ...]) -> None:
        for trim in trims:
            log.info(
                "pledge %s cut from %d to %d mWh to keep the battery's bounds",
                trim.pledge_id,
                trim.energy_before_mwh,
                trim.energy_after_mwh,
            )
        self.trims.extend(trims)

    def release(self, owner: str) -> None:
        """``owner``'s session ended: every pledge it still holds is let go."""
        for pledge_id in self.owners.pop(owner, []):
            self.book = self.book.release(pledge_id)
            self.until.pop(pledge_id, None)

    # -- pledges ------------------------------------------------------------------------
    def _pledge(
        self, owner: str, pledge_id: str, direction: Direction, energy_mwh: int, power_mw: int
    ) -> bool:
        try:
            self.book = self.book.pledge(pledge_id, direction, energy_mwh, power_mw)
        except PledgeRefusedError as exc:
            log.info("no pledge %s: %s", pledge_id, exc)
            return False
        self.owners.setdefault(owner, []).append(pledge_id)
        return True

    def _settle(self, owner: str, direction: Direction, energy_mwh: int, paid: Msat) -> Settled:
        """Settle against ``owner``'s oldest open pledges, each to its end; the energy
        no pledge takes is not booked (the caller cuts)."""
        left, taken, paid_left = energy_mwh, 0, paid.msat
        ids = self.owners.get(owner, [])
        for pledge_id in ids:
            pledge = self.book.pledge_of(pledge_id)
            take = min(pledge.energy_mwh - pledge.settled_mwh, left)
            if take <= 0:
                continue
            # the payment splits by energy, the last part takes what rounding left
            share = paid_left if take == left else paid.msat * take // energy_mwh
            if direction is Direction.SALE:
                self.book = self.book.settle_sale(pledge_id, take)
            else:
                self.book = self.book.settle_purchase(pledge_id, take, Msat(share))
            left, taken, paid_left = left - take, taken + take, paid_left - share
        pledges = [self.book.pledge_of(i) for i in ids]
        return Settled(taken, used_up=all(p.settled_mwh >= p.energy_mwh for p in pledges))


def session_power_mw(template: OfferTemplate) -> int:
    """The most power one session on ``template`` may draw: the guaranteed current on
    each phase at the nominal voltage."""
    electrical = template.electrical
    phases = max(electrical.phases, 1)
    return phases * electrical.current_max_ma * electrical.voltage_nominal_mv // 1000
