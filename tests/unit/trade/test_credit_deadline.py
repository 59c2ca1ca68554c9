"""The seller journals when a buyer's credit ran past its cut line, next to the cut."""

from __future__ import annotations

import json
from fractions import Fraction

from gridnode.trade.actions import LedgerKind
from gridnode.trade.supply import CreditDeadline


def test_the_deadline_lies_between_the_last_reading_that_held_and_the_first_that_did_not() -> None:
    watch = CreditDeadline()
    watch.held(0, Fraction(300))
    watch.held(1_000, Fraction(100))
    watch.held(1_200, Fraction(100))  # a tick with no new reading: credit did not move
    record = watch.missed(2_000, Fraction(-100), now_ms=2_050)
    assert record.kind is LedgerKind.STATE
    assert json.loads(record.data) == {"deadline_ms": 1_500, "seen_ms": 2_050}


def test_without_a_reading_that_held_the_deadline_is_when_it_was_seen_missed() -> None:
    record = CreditDeadline().missed(2_000, Fraction(-5), now_ms=2_010)
    assert json.loads(record.data) == {"deadline_ms": 2_000, "seen_ms": 2_010}
