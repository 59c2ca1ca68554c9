"""A buyer removed from the seller's configuration (issue 18): its session renews no
more, the period both sides signed runs to its end, then it closes cleanly with
``Cause.REMOVED`` (the deposit released, the closing statement sent); before its offer
is accepted it closes at once."""

from __future__ import annotations

from gridnode.trade.actions import CancelHoldInvoice, CloseSession, SettleHoldInvoice
from gridnode.trade.events import Retire
from gridnode.trade.messages import Cause
from gridnode.trade.states import BuyerState, SellerState
from tests.support.terms import T0
from tests.support.trade.sim import BUYER, SELLER, deposit_states
from tests.support.trade.worlds import MINUTE, actions_of, make_world


def test_a_retired_session_renews_no_more_and_closes_at_its_period_end() -> None:
    world = make_world(renewal=True)
    world.at(T0 + 2 * MINUTE, SELLER, Retire())
    world.run(T0 + 21 * MINUTE)
    # supply all through the signed period, off at its end (no second period)
    assert world.relay_timeline == [(T0 + world.tick_ms, True), (T0 + 10 * MINUTE, False)]
    assert not world.seller.renewal.asked  # no renewal was proposed
    assert world.buyer.renewal is None
    [(_, closed)] = actions_of(world, SELLER, CloseSession)
    assert closed.cause is Cause.REMOVED
    [(_, buyer_closed)] = actions_of(world, BUYER, CloseSession)
    assert buyer_closed.cause is Cause.REMOVED
    # a clean close: the deposit released, nothing settled
    assert actions_of(world, SELLER, CancelHoldInvoice)
    assert not actions_of(world, SELLER, SettleHoldInvoice)
    assert deposit_states(world) == ["canceled"]
    assert world.seller.state is SellerState.CLOSED
    assert world.buyer.state is BuyerState.CLOSED


def test_a_session_retired_before_its_offer_is_accepted_closes_at_once() -> None:
    world = make_world()
    world.at(T0, SELLER, Retire("removed"))
    world.run(T0 + MINUTE)
    [(at_ms, closed)] = actions_of(world, SELLER, CloseSession)
    assert closed.cause is Cause.REMOVED
    assert at_ms == T0
    assert world.relay_timeline == []
