"""What the buyer paid above the cheapest acceptable seller: the regret figure.

Computed afterwards from what the market journalled and what the buyer's meter measured
(docs/market.md): for each period, the energy metered while the chosen seller supplied
times the difference between its exact mean price over the period and the lowest mean
price among the offers that were acceptable then. Premiums are money too: a seller
chosen for its premium adds its price difference here. Credit that was not returned
at a switch is added as it is. Exact until the end, rounded down once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from gridnode.money import Msat
from gridnode.trade.profiles import floor_msat
from gridnode.trade.units import MWH_PER_KWH

__all__ = ["period_regret", "regret"]


def period_regret(record: Mapping[str, Any], energy_mwh: int) -> Fraction:
    """The regret of one period: ``record`` is the journalled choice
    (:meth:`gridnode.market.Choice.record`), ``energy_mwh`` what the buyer's meter
    measured from the chosen seller over it."""
    seller = record.get("seller")
    prices = {
        str(score["seller"]): Fraction(str(score["mean_price_exact_msat_per_kwh"]))
        for score in record.get("scores", [])
    }
    if seller is None or seller not in prices or energy_mwh <= 0:
        return Fraction(0)
    return energy_mwh * (prices[seller] - min(prices.values())) / MWH_PER_KWH


def regret(
    periods: Iterable[tuple[Mapping[str, Any], int]], credit_not_returned: Msat = Msat(0)
) -> Msat:
    """The regret over ``periods`` (each a journalled choice and the energy metered in
    it), plus the credit not returned, rounded down to a whole msat."""
    total = sum((period_regret(record, energy) for record, energy in periods), Fraction(0))
    return floor_msat(total) + credit_not_returned
