"""The battery's offer and bid for a coming period, as terms the trade engine carries.

An offer is a price for the period (:func:`gridnode.battery.pricing.quote`, one price:
the charge is known at the period's start, and the next period gets its own) with the
energy and power the book has free; the seller's :class:`OfferTemplate` carries it as
a constant rate profile (:func:`terms_for_period`). A bid is the price the battery pays
at most, carried by the buyer's :class:`BuyerLimits` as its ceiling
(:func:`limits_for_period`).

When there is nothing to offer, the answer is a :class:`StopsOffering` (or
:class:`StopsBuying`) with its reason, never an offer of nothing: at the reserve the
battery stops offering, and the runtime tells the running sessions at their renewal.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from gridnode.battery.book import BatteryBook
from gridnode.battery.pricing import PricingRule, bid_price, quote
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import BuyerLimits, OfferTemplate
from gridnode.trade.units import MsatPerKwh


class StopReason(enum.Enum):
    """Why a node offers (or bids) nothing for the coming period."""

    #: The charge, less the sales pledged, is at the reserve.
    AT_RESERVE = "at_reserve"
    #: The charge, plus the purchases pledged, is at the maximum.
    AT_MAXIMUM = "at_maximum"
    #: Running sessions hold the inverter's whole power limit.
    POWER_PLEDGED = "power_pledged"
    #: The household uses all its PV produces (a prosumer).
    NO_SURPLUS = "no_surplus"
    #: The PV's meters disagree (a prosumer): a fault, never an offer.
    METER_FAULT = "meter_fault"
    #: The curve's cheapest price does not cover the losses and the margin: no bid pays.
    NO_MARGIN = "no_margin"


@dataclass(frozen=True, slots=True)
class StopsOffering:
    """No offer for the coming period; ``message`` says why, for the log and dashboard."""

    reason: StopReason
    message: str


@dataclass(frozen=True, slots=True)
class StopsBuying:
    """No bid for the coming period; ``message`` says why."""

    reason: StopReason
    message: str


@dataclass(frozen=True, slots=True)
class PeriodOffer:
    """What the node sells in the coming period, and at what price."""

    #: Metered energy it may sell: what the book has free, at most the power times
    #: the period.
    energy_mwh: int
    #: The power free for it under the inverter's limit.
    power_mw: int
    price_msat_per_kwh: int
    #: The least it may ask (cost after losses plus margin; 0 for PV surplus).
    floor_msat_per_kwh: int
    #: The price as the seller's terms carry it.
    profile: ConstantProfile


@dataclass(frozen=True, slots=True)
class PeriodBid:
    """What the battery buys in the coming period, and the most it pays."""

    energy_mwh: int
    power_mw: int
    price_msat_per_kwh: int
    #: The price as the buyer's limits carry it (its ceiling).
    ceiling: ConstantProfile


def offer_for_period(
    book: BatteryBook, rule: PricingRule, period_ms: int, zone_name: str = "UTC"
) -> PeriodOffer | StopsOffering:
    """The battery's offer for a period of ``period_ms``, priced by its charge."""
    if book.sellable_mwh < rule.min_offer_mwh:
        return StopsOffering(
            StopReason.AT_RESERVE,
            f"the battery is at its reserve: {book.sellable_mwh} mWh is free to sell, less "
            f"than the {rule.min_offer_mwh} mWh an offer needs",
        )
    power = book.free_power_mw
    energy = min(book.sellable_mwh, book.spec.energy_at_power(power, period_ms))
    if energy < rule.min_offer_mwh:
        return StopsOffering(
            StopReason.POWER_PLEDGED,
            f"running sessions hold the inverter's power: {power} mW is free, "
            f"{energy} mWh over the period",
        )
    price = quote(book, rule, period_ms)
    return PeriodOffer(
        energy_mwh=energy,
        power_mw=power,
        price_msat_per_kwh=price.price_msat_per_kwh,
        floor_msat_per_kwh=price.floor_msat_per_kwh,
        profile=ConstantProfile(MsatPerKwh(price.price_msat_per_kwh), zone_name),
    )


def bid_for_period(
    book: BatteryBook, rule: PricingRule, period_ms: int, zone_name: str = "UTC"
) -> PeriodBid | StopsBuying:
    """The battery's bid for a period of ``period_ms``: up to its room, at most the cap."""
    if book.buyable_mwh < rule.min_offer_mwh:
        return StopsBuying(
            StopReason.AT_MAXIMUM,
            f"the battery is at its maximum charge: {book.buyable_mwh} mWh is free to buy, "
            f"less than the {rule.min_offer_mwh} mWh a bid needs",
        )
    price = bid_price(book.spec, rule)
    if price <= 0:
        return StopsBuying(
            StopReason.NO_MARGIN,
            "price_full_msat_per_kwh does not cover the round-trip loss and the margin: "
            "no purchase could be sold at a profit",
        )
    power = book.free_power_mw
    energy = min(book.buyable_mwh, book.spec.energy_at_power(power, period_ms))
    if energy < rule.min_offer_mwh:
        return StopsBuying(
            StopReason.POWER_PLEDGED,
            f"running sessions hold the inverter's power: {power} mW is free, "
            f"{energy} mWh over the period",
        )
    return PeriodBid(
        energy_mwh=energy,
        power_mw=power,
        price_msat_per_kwh=price,
        ceiling=ConstantProfile(MsatPerKwh(price), zone_name),
    )


def terms_for_period(template: OfferTemplate, offer: PeriodOffer) -> OfferTemplate:
    """The seller's terms with the period's price (everything else as configured)."""
    return dataclasses.replace(template, profile=offer.profile)


def limits_for_period(limits: BuyerLimits, bid: PeriodBid) -> BuyerLimits:
    """The buyer's limits with the period's bid as their ceiling."""
    return dataclasses.replace(limits, ceiling=bid.ceiling)
