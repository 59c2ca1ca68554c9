"""The verifier tells a single-metered session (the buyer paid on the seller's meter
alone, as both signed) from a dual-metered one, and reports signed words that disagree."""

from __future__ import annotations

import dataclasses

from gridnode.money import Msat
from gridnode.receipt.check_metering import check_metering
from gridnode.receipt.checking import Context, Problem
from gridnode.trade.messages import AcceptanceMessage
from tests.support.terms import demo_offer


def _context(offer_flag: bool, acceptance_flag: bool) -> Context:
    ctx = Context({"session_id": "s"}, [])
    ctx.offers.append(dataclasses.replace(demo_offer(), seller_metered=offer_flag))
    ctx.acceptances.append(AcceptanceMessage(b"\x01" * 32, Msat(400), "", acceptance_flag))
    return ctx


def test_a_session_both_signed_as_seller_metered_is_single_metered() -> None:
    ctx = _context(True, True)
    assert check_metering(ctx) == "single"
    assert ctx.seller_metered
    assert ctx.problems == []


def test_a_session_with_two_meters_is_dual_metered() -> None:
    ctx = _context(False, False)
    assert check_metering(ctx) == "dual"
    assert not ctx.seller_metered


def test_an_acceptance_that_disagrees_with_its_offer_is_a_problem() -> None:
    for flags in ((True, False), (False, True)):
        ctx = _context(*flags)
        assert check_metering(ctx) == "dual"
        assert [p.code for p in ctx.problems] == ["metering_mismatch"]
        assert isinstance(ctx.problems[0], Problem)
