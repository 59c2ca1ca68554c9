"""A buyer's market settings: the period grid and the switch threshold (docs/market.md).

.. code-block:: toml

    market_period_s = 900            # choose a seller before each period (divides a day)
    switch_threshold_msat = 5000     # switch only when another seller saves more than this

``switch_threshold_msat`` defaults to the deposit's lockup cost
(:func:`gridnode.market.deposit_lockup_cost`) of the largest deposit this buyer accepts:
``[limits] max_deposit_msat`` at ``[limits] max_fee_ppm``, rounded up. Switching locks a
new deposit, so a saving smaller than that is no saving.
"""

from __future__ import annotations

from gridnode.config.reader import Table
from gridnode.market import DEFAULT_MARKET_PERIOD_MS, deposit_lockup_cost
from gridnode.money import Msat
from gridnode.trade.terms import BuyerLimits
from gridnode.trade.units import MS_PER_SECOND, DurationMs

#: The shortest market period accepted (a demo's time-scaled periods are this short).
MIN_MARKET_PERIOD_S = 10
_DAY_S = 86_400
#: The top-level keys this module reads.
MARKET_KEYS = ("market_period_s", "switch_threshold_msat")


def read_market_period(top: Table) -> DurationMs:
    """``market_period_s``: from 10 s to a day, dividing a day evenly (the grid meets
    midnight UTC every day)."""
    default_s = DEFAULT_MARKET_PERIOD_MS // MS_PER_SECOND
    seconds = top.get("market_period_s", int, default_s, hint="seconds, like 900")
    if not top.has("market_period_s") or not isinstance(top.doc["market_period_s"], int):
        return DurationMs(seconds * MS_PER_SECOND)
    if not MIN_MARKET_PERIOD_S <= seconds <= _DAY_S or _DAY_S % seconds:
        top.problems.add(
            f"market_period_s must divide a day evenly and be from {MIN_MARKET_PERIOD_S} to "
            f"{_DAY_S} seconds (like 300, 900 or 3600), not {seconds}"
        )
        return DEFAULT_MARKET_PERIOD_MS
    return DurationMs(seconds * MS_PER_SECOND)


def read_switch_threshold(top: Table, limits: BuyerLimits | None) -> Msat:
    """``switch_threshold_msat``: 0 or more; by default the lockup cost of the largest
    deposit the limits accept (module docstring)."""
    if not top.has("switch_threshold_msat"):
        top.get("switch_threshold_msat", int, 0)  # marks the key as read
        if limits is None:
            return Msat(0)
        return default_switch_threshold(limits)
    value = top.get("switch_threshold_msat", int, hint="msat, like 5000")
    if isinstance(top.doc["switch_threshold_msat"], int) and value < 0:
        top.problems.add(
            f"switch_threshold_msat must be 0 or more msat (0: switch for any saving), not {value}"
        )
        return Msat(0)
    return Msat(value)


def default_switch_threshold(limits: BuyerLimits) -> Msat:
    """The lockup cost of the largest deposit ``limits`` accept."""
    return deposit_lockup_cost(limits.max_deposit, limits.max_fee_ppm)
