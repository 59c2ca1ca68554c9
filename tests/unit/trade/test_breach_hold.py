"""A buyer holds off a seller that breached (DESIGN.md invariant 4: it never pays after
the seller breached, in this session or in the seller's next offers during the hold)."""

from __future__ import annotations

from dataclasses import replace

from gridnode.money import Msat
from gridnode.trade import codec
from gridnode.trade.actions import PayInvoice, SendMessage
from gridnode.trade.evaluate import Acceptance, BreachHold, Rejection, Term, evaluate
from gridnode.trade.messages import Cause, RejectionMessage
from gridnode.trade.states import BuyerState, SellerState
from tests.support.terms import T0, demo_limits, demo_offer
from tests.support.trade.sim import BUYER, World
from tests.support.trade.worlds import buyer_session, make_world

CAUSE = "the seller claims 1050 mWh but the buyer's meter saw 1000 mWh"


def held_world(hold: BreachHold | None) -> World:
    return make_world(buyer=buyer_session(hold=hold))


def rejection_of(world: World) -> RejectionMessage:
    (frame,) = [
        a.frame
        for _, who, a in world.actions
        if who == BUYER and isinstance(a, SendMessage) and a.kind.value == "rejection"
    ]
    body = codec.decode(frame).envelope.body
    assert isinstance(body, RejectionMessage)
    return body


def test_a_held_buyer_rejects_the_sellers_new_offer_saying_until_when_and_never_pays() -> None:
    hold = BreachHold(until_ms=T0 + 3_600_000, cause=CAUSE)
    world = held_world(hold)
    world.run(T0 + 30_000)
    (reason,) = rejection_of(world).reasons  # the wire carries the new term
    assert reason.term is Term.BREACH_HOLD
    assert reason.limit == hold.until_ms
    # T0 is 2026-11-18 11:06:40 UTC: the hold ends an hour later, shown rounded up
    assert reason.text == (
        "this buyer holds off this seller until 2026-11-18 12:07 UTC: its last session "
        f"ended in a breach ({CAUSE})"
    )
    assert world.buyer.state is BuyerState.CLOSED
    assert world.seller.state is SellerState.CLOSED
    assert world.seller.close_cause is Cause.REJECTED
    assert not [a for _, who, a in world.actions if who == BUYER and isinstance(a, PayInvoice)]
    assert not any(on for _, on in world.relay_timeline)


def test_an_offer_after_the_hold_is_accepted_and_paid_as_before() -> None:
    world = held_world(BreachHold(until_ms=T0, cause=CAUSE))  # over as the offer comes
    world.run(T0 + 30_000)
    assert world.buyer.state is BuyerState.RECEIVING
    assert [a for _, who, a in world.actions if who == BUYER and isinstance(a, PayInvoice)]


def test_the_hold_reason_joins_every_other_violated_term() -> None:
    hold = BreachHold(until_ms=T0 + 1, cause=CAUSE)
    result = evaluate(demo_offer(meter_id="other"), demo_limits(), T0, hold=hold)
    assert isinstance(result, Rejection)
    assert {r.term for r in result.reasons} == {Term.BREACH_HOLD, Term.METER_ID}
    assert isinstance(evaluate(demo_offer(), demo_limits(), T0 + 1, hold=hold), Acceptance)


def test_a_renewal_of_the_current_session_is_not_held() -> None:
    # a renewal continues a session accepted before any breach: judged as before
    hold = BreachHold(until_ms=T0 + 10**9, cause=CAUSE)
    current = demo_offer()
    payments = replace(current.payments, initial_deposit=Msat(0))
    renewal = demo_offer(start=current.stop_ms, is_renewal=True, payments=payments)
    result = evaluate(renewal, demo_limits(), T0, continues=current, hold=hold)
    assert isinstance(result, Acceptance)


def test_the_hold_end_is_shown_rounded_up_to_the_minute() -> None:
    assert BreachHold(1_795_000_000_000, "x").until_text() == "2026-11-18 11:07 UTC"
    assert BreachHold(1_795_000_020_000, "x").until_text() == "2026-11-18 11:07 UTC"
    assert BreachHold(1_794_999_960_000, "x").until_text() == "2026-11-18 11:06 UTC"
