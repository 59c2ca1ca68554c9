"""A clock that steps back an hour just after a sale period was offered (issue 16's fault
drill found this): the seller ends the session rather than wait an hour, relay off, for
the period's start to come round again; the next session starts from the clock as it is."""

from __future__ import annotations

from gridnode.trade.actions import CloseSession
from gridnode.trade.seller import CLOCK_BACK_LIMIT_MS
from gridnode.trade.states import SellerState
from tests.support.terms import T0, demo_offer
from tests.support.trade.sim import SELLER
from tests.support.trade.worlds import actions_of, make_world

HOUR_MS = 3_600_000
BACK_AT_MS = T0 + 10_000


def test_a_period_offered_an_hour_ahead_ends_when_the_clock_steps_back() -> None:
    # both clocks an hour ahead when the offer is made (its period starts then), and
    # back to the true time ten seconds later
    offer = demo_offer(start=T0 + HOUR_MS, minutes=10)
    world = make_world(
        offer, clock=lambda who, t: t + HOUR_MS if t < BACK_AT_MS else t, start_ms=T0
    )
    world.run(BACK_AT_MS - 1)
    assert world.seller.state not in (SellerState.CLOSING, SellerState.CLOSED)
    world.run(BACK_AT_MS + 5_000)  # a control tick or two after the step
    assert not world.relay_on
    assert world.seller.state in (SellerState.CLOSING, SellerState.CLOSED)
    assert actions_of(world, SELLER, CloseSession) or world.seller.state is SellerState.CLOSING


def test_a_small_step_back_is_waited_out() -> None:
    offer = demo_offer(start=T0 + CLOCK_BACK_LIMIT_MS, minutes=10)
    step = CLOCK_BACK_LIMIT_MS
    world = make_world(offer, clock=lambda who, t: t + step if t < BACK_AT_MS else t, start_ms=T0)
    world.run(BACK_AT_MS + 30_000)
    assert world.seller.state not in (SellerState.CLOSING, SellerState.CLOSED)
