"""Sellers and a market for the estate market's choice tests: constant-price offers on
the demo terms, over the 15-minute period of the grid that holds T0."""

from __future__ import annotations

import dataclasses

from gridnode.market import Candidate, Market, period_at
from gridnode.money import Msat
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import Offer
from gridnode.trade.units import MsatPerKwh
from tests.support.terms import PAYMENTS, T0, demo_limits, demo_offer

#: 15 minutes on the grid, from T0's period.
PERIOD = period_at(T0, 900_000)
#: 2 kW over 15 minutes: 500 Wh.
POWER_MW = 2_000_000
#: The buyer's demo limits: a ceiling of 250 sat/kWh, deposits up to 100 sat.
LIMITS = demo_limits()


def offer_at(price: int, deposit: int = 50_000) -> Offer:
    """The demo terms at a constant ``price`` (msat/kWh) with ``deposit`` msat, for an
    hour from the period's start."""
    payments = dataclasses.replace(PAYMENTS, initial_deposit=Msat(deposit))
    return demo_offer(
        PERIOD.start_ms, 60, profile=ConstantProfile(MsatPerKwh(price)), payments=payments
    )


def seller(
    name: str,
    price: int | None,
    priority: int = 1,
    *,
    deposit: int = 50_000,
    premium_msat_per_kwh: int = 0,
    deposit_held: bool = False,
    unavailable: str = "",
) -> Candidate:
    """A pinned seller offering at ``price`` (None: no offer)."""
    offer = None if price is None else offer_at(price, deposit)
    return Candidate(
        name,
        priority,
        offer,
        LIMITS,
        premium_msat_per_kwh=premium_msat_per_kwh,
        deposit_held=deposit_held,
        unavailable=unavailable,
    )


def market(active: str | None = None, threshold: int = 0, power_mw: int = POWER_MW) -> Market:
    """The period's market with ``active`` buying now."""
    return Market(PERIOD, power_mw, Msat(threshold), active, PERIOD.start_ms)
