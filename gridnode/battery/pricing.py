"""Prices that follow the charge: the offer's price, its floor, and the bid's cap.

The offer price falls in a straight line from ``price_empty`` at the reserve to
``price_full`` at the maximum charge, taken at the charge left once every pledged sale
is delivered: dearer when nearly empty, cheaper when full. It never goes below a floor
that recovers what the stored energy cost:

    floor = average cost of a stored kWh / discharge efficiency, plus the margin

taken at the end of the period the price holds for (self-discharge over it raises the
average cost of what is left).

The average cost already carries the charging loss (a purchase's price is spread over
the energy that reached the cells), so dividing by the discharge efficiency is the
"cost of the energy bought divided by the round-trip efficiency" of issue 22. The
margin is one method, fixed in the configuration: a share (``margin_ppm``, on top of
the cost) or an amount per kWh (``margin_msat_per_kwh``).

The bid to buy is capped so that the energy bought sells, after both losses and the
margin, at no less than ``price_full``, the cheapest price the curve ever asks: bought
at or below the cap, no stored kWh needs an offer below its cost.

Prices are msat per kWh of metered energy; every rounding favours the battery's own
books (the floor and the curve round up, the bid's cap down).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridnode.battery.book import BatteryBook
from gridnode.battery.errors import BatterySpecError
from gridnode.battery.spec import BatterySpec
from gridnode.trade.units import MS_PER_HOUR, MWH_PER_KWH, PPM


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class MarginMethod(enum.Enum):
    """How the margin is added to the cost: one method per battery, fixed in config."""

    #: A share of the cost, in ppm (50_000: 5 % above the cost).
    PPM = "ppm"
    #: A fixed amount per kWh, in msat.
    MSAT_PER_KWH = "msat_per_kwh"


@dataclass(frozen=True, slots=True)
class Margin:
    method: MarginMethod
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise BatterySpecError(
                f"The margin must be 0 or more ({self.method.value}), not {self.value}."
            )

    def above(self, cost_msat_per_kwh: int) -> int:
        """``cost_msat_per_kwh`` with the margin on top (rounded up)."""
        if self.method is MarginMethod.PPM:
            return _ceil_div(cost_msat_per_kwh * (PPM + self.value), PPM)
        return cost_msat_per_kwh + self.value

    def below(self, price_msat_per_kwh: int) -> int:
        """The most a cost may be so that :meth:`above` it stays within the price."""
        if self.method is MarginMethod.PPM:
            return max(0, price_msat_per_kwh * PPM // (PPM + self.value))
        return max(0, price_msat_per_kwh - self.value)


@dataclass(frozen=True, slots=True)
class PricingRule:
    """The battery's price curve, its margin and its bid (the [battery] prices)."""

    #: The offer price at the reserve: the dearest.
    price_empty_msat_per_kwh: int
    #: The offer price at the maximum charge: the cheapest.
    price_full_msat_per_kwh: int
    margin: Margin
    #: What the battery bids to buy, when below the cap (None: bid the cap itself).
    bid_msat_per_kwh: int | None = None
    #: Below this much metered energy free to sell or buy, the battery stops offering
    #: (or bidding): a smaller offer is not worth a session.
    min_offer_mwh: int = 1_000

    def __post_init__(self) -> None:
        if not 0 <= self.price_full_msat_per_kwh <= self.price_empty_msat_per_kwh:
            raise BatterySpecError(
                "price_full_msat_per_kwh must be 0 or more and at most price_empty_msat_per_kwh "
                f"(a full battery sells cheaper); got {self.price_full_msat_per_kwh} and "
                f"{self.price_empty_msat_per_kwh}."
            )
        if self.bid_msat_per_kwh is not None and self.bid_msat_per_kwh < 0:
            raise BatterySpecError(
                f"bid_msat_per_kwh must be 0 or more, not {self.bid_msat_per_kwh}."
            )
        if self.min_offer_mwh <= 0:
            raise BatterySpecError(f"min_offer_mwh must be above 0, not {self.min_offer_mwh}.")


@dataclass(frozen=True, slots=True)
class Quote:
    """The offer price for the coming period, and how it was reached."""

    #: What the battery asks: the curve's price, or the floor when that is higher.
    price_msat_per_kwh: int
    #: The curve's price at the charge left after the pledged sales.
    curve_msat_per_kwh: int
    #: The cost of a delivered kWh after the discharge loss, plus the margin.
    floor_msat_per_kwh: int

    @property
    def floor_binds(self) -> bool:
        return self.floor_msat_per_kwh > self.curve_msat_per_kwh


def floor_price(book: BatteryBook, rule: PricingRule, period_ms: int = 0) -> int:
    """The least the battery sells a metered kWh for during a period of ``period_ms``:
    its stored cost after the discharge loss, plus the margin.

    The stored cost is the one at the period's end: self-discharge over the period
    takes energy and leaves its cost, so the average cost rises while the price is
    fixed (a whole period of it, at most linear: an upper bound of the compounded
    loss). A floor taken at the period's start would sell its last kWh below cost."""
    spec = book.spec
    average = book.average_cost_msat_per_kwh
    if period_ms > 0 and book.soc_mwh > 0 and spec.self_discharge_ppm_per_hour > 0:
        lost = _ceil_div(
            book.soc_mwh * spec.self_discharge_ppm_per_hour * period_ms, PPM * MS_PER_HOUR
        )
        left = book.soc_mwh - lost
        average = _ceil_div(book.cost_msat * MWH_PER_KWH, left) if left > 0 else average
    delivered_cost = _ceil_div(average * PPM, spec.discharge_efficiency_ppm)
    return rule.margin.above(delivered_cost)


def curve_price(book: BatteryBook, rule: PricingRule) -> int:
    """The curve's price at the charge left after every pledged sale."""
    spec = book.spec
    left = book.soc_mwh - book.pledged_out_mwh
    span = spec.max_mwh - spec.reserve_mwh
    above = min(max(left - spec.reserve_mwh, 0), span)
    drop = rule.price_empty_msat_per_kwh - rule.price_full_msat_per_kwh
    return rule.price_empty_msat_per_kwh - drop * above // span


def quote(book: BatteryBook, rule: PricingRule, period_ms: int = 0) -> Quote:
    """The offer price for a period of ``period_ms``: the curve's, or the floor's."""
    curve = curve_price(book, rule)
    floor = floor_price(book, rule, period_ms)
    return Quote(max(curve, floor), curve, floor)


def bid_cap(spec: BatterySpec, rule: PricingRule) -> int:
    """The most the battery pays for a metered kWh: bought at this price, the energy
    reaching a buyer after both losses costs, with the margin, at most ``price_full``.

    The estimate from the exact quotient is stepped down until the floor's own
    roundings (each up: the stored cost, the discharge loss, the margin) stay within
    ``price_full`` too: otherwise a battery full of energy bought at the cap would ask
    one msat above the cheapest price it offers at."""
    cost_cap = rule.margin.below(rule.price_full_msat_per_kwh)
    cap = cost_cap * spec.charge_efficiency_ppm * spec.discharge_efficiency_ppm // PPM // PPM
    while cap > 0 and _floor_of_bid(spec, rule, cap) > rule.price_full_msat_per_kwh:
        cap -= 1
    return cap


def _floor_of_bid(spec: BatterySpec, rule: PricingRule, bid_msat_per_kwh: int) -> int:
    """The floor of energy bought at ``bid_msat_per_kwh``, rounded as :func:`floor_price`,
    with one msat per stored kWh to spare: the book rounds what reached the cells down
    and their average cost up."""
    stored_cost = _ceil_div(bid_msat_per_kwh * PPM, spec.charge_efficiency_ppm) + 1
    return rule.margin.above(_ceil_div(stored_cost * PPM, spec.discharge_efficiency_ppm))


def bid_price(spec: BatterySpec, rule: PricingRule) -> int:
    """The configured bid, never above :func:`bid_cap`."""
    cap = bid_cap(spec, rule)
    wanted = rule.bid_msat_per_kwh
    return cap if wanted is None else min(wanted, cap)
