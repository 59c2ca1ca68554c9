"""Why an offer is refused: the terms a rejection can name, and one reason per
violated term (:func:`gridnode.trade.evaluate.evaluate` lists them all)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Term(enum.IntEnum):
    """The terms a rejection can name (the numbers are the wire codes)."""

    PERIOD_LENGTH = 1
    PERIOD_OVER = 2
    RATE_ABOVE_CEILING = 3
    PAYMENT_SIZE = 4
    PREPAYMENT = 5
    PREPAYMENT_TIME = 6
    DEPOSIT = 7
    VOLTAGE_RANGE = 8
    NOMINAL_VOLTAGE = 9
    PHASES = 10
    CURRENT = 11
    METER_ID = 12
    TOLERANCE = 13
    PERIOD_COST = 14
    RENEWAL = 15
    UNPAID_TIME = 16
    BREACH_HOLD = 17
    #: One phase's maximum current is below what the buyer needs on it.
    PHASE_CURRENT = 18
    #: The imbalance the terms allow is below what the buyer's loads need.
    IMBALANCE = 19
    #: The neutral current the terms allow is below what the buyer's loads need.
    NEUTRAL_CURRENT = 20
    #: The guaranteed frequency range is missing or not inside the buyer's.
    FREQUENCY_RANGE = 21
    #: The seller takes longer to cut an out-of-range supply than the buyer's grace.
    PROTECTION_GRACE = 22
    #: The offer's metering (dual, or the seller's meter alone) is not the buyer's.
    METERING = 23


@dataclass(frozen=True, slots=True)
class Reason:
    """One violated term: what was offered, what the limit is, and a sentence."""

    term: Term
    offered: int
    limit: int
    text: str
