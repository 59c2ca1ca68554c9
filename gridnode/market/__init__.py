"""The estate market: a buyer that pins several sellers buys each period from the best.

Pure logic only (no I/O): the period grid (:mod:`~gridnode.market.periods`), the exact
costs of a period with one seller (:mod:`~gridnode.market.costs`), the choice
(:mod:`~gridnode.market.choice`) and the regret figure (:mod:`~gridnode.market.regret`).
The buyer role drives it (docs/market.md).
"""

from gridnode.market.choice import Candidate, Choice, ChoiceKind, Market, Refusal, Score, choose
from gridnode.market.costs import deposit_lockup_cost
from gridnode.market.periods import DEFAULT_MARKET_PERIOD_MS, MarketPeriod, period_at
from gridnode.market.regret import period_regret, regret

__all__ = [
    "DEFAULT_MARKET_PERIOD_MS",
    "Candidate",
    "Choice",
    "ChoiceKind",
    "Market",
    "MarketPeriod",
    "Refusal",
    "Score",
    "choose",
    "deposit_lockup_cost",
    "period_at",
    "period_regret",
    "regret",
]
