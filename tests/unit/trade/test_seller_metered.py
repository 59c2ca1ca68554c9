"""A buyer without a meter of its own (issue 18 §5): it pays against the seller's signed
readings alone, still checked for series and plausibility against the signed terms."""

from __future__ import annotations

from gridnode.money import Msat
from gridnode.ocmf import Transaction
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Record, SendMessage
from gridnode.trade.buyer import BuyerSession
from gridnode.trade.buyer_payments import BuyerPayments
from gridnode.trade.cadence import PowerWindow
from gridnode.trade.evaluate import Rejection, evaluate
from gridnode.trade.events import FrameReceived
from gridnode.trade.messages import AcceptanceMessage, Cause, Close, MeterReadingMessage
from gridnode.trade.metering import CostMeter, EnergyReconciler
from gridnode.trade.reasons import Term
from gridnode.trade.seller_metered import SellerMetered, most_energy_mwh
from gridnode.trade.states import BuyerState
from tests.support.terms import T0, demo_limits, demo_offer
from tests.support.trade.sim import BUYER, World
from tests.support.trade.worlds import (
    breaches,
    buyer_session,
    from_seller,
    seller_session,
)

OFFER = demo_offer(seller_metered=True)
LIMITS = demo_limits(seller_metered=True)


def _world() -> World:
    """A seller-metered buyer: it has no meter, so no sample ever reaches it."""
    buyer: BuyerSession = buyer_session(limits=LIMITS)
    return World(
        seller_session(OFFER),
        buyer,
        start_ms=T0,
        sample_lost=lambda who, t: who == BUYER,
    )


def _state(world: World) -> BuyerState:
    return world.buyer.state


def test_a_buyer_without_a_meter_refuses_a_dual_metered_offer_and_says_the_fix() -> None:
    result = evaluate(demo_offer(), LIMITS, T0)
    assert isinstance(result, Rejection)
    (reason,) = result.reasons
    assert reason.term is Term.METERING
    assert 'metering = "seller"' in reason.text


def test_a_buyer_with_a_meter_refuses_an_offer_metered_by_the_seller_alone() -> None:
    result = evaluate(OFFER, demo_limits(), T0)
    assert isinstance(result, Rejection)
    assert [r.term for r in result.reasons] == [Term.METERING]


def test_the_growth_bound_is_max_power_over_the_time_plus_the_tolerance() -> None:
    # 3.68 kW for one second is 1022.2 mWh, rounded up; the tolerance widens it
    bound = 1_023
    assert most_energy_mwh(OFFER, 1_000) == bound + OFFER.tolerance.allowance_mwh(bound)
    assert most_energy_mwh(OFFER, -5) == OFFER.tolerance.allowance_mwh(0)


def test_a_seller_metered_buyer_pays_on_the_sellers_readings_and_signs_the_flag() -> None:
    world = _world()
    world.run(T0 + 120_000)
    buyer = world.buyer
    assert buyer.state is BuyerState.RECEIVING
    assert breaches(world, BUYER) == []
    assert buyer.last_sample is None  # it never had a meter of its own
    # its books follow the seller's meter: the seller billed what the buyer counts
    assert buyer.meter.energy_mwh > 0
    assert abs(buyer.meter.energy_mwh - world.seller.meter.energy_mwh) <= 3_680 * 5
    assert buyer.payments.committed.msat > 0
    acceptances = [
        codec.decode(a.frame).envelope.body
        for t, who, a in world.actions
        if who == BUYER and isinstance(a, SendMessage)
    ]
    (accepted,) = [b for b in acceptances if isinstance(b, AcceptanceMessage)]
    assert accepted.seller_metered


def test_an_implausible_seller_reading_stops_payment() -> None:
    world = _world()
    world.run(T0 + 20_000)
    assert world.buyer.state is BuyerState.RECEIVING
    seller = world.seller
    # the seller claims ten times what its contracted maximum power allows since its last
    claimed = seller.meter.energy_mwh + most_energy_mwh(OFFER, 10_000) * 10
    reading = seller.readings.own.sign(Transaction.CHARGING, world.now_ms, claimed)
    out = world.buyer.handle(
        FrameReceived(from_seller(world, MeterReadingMessage(reading))), world.now_ms
    )
    assert _state(world) is BuyerState.STOPPED
    (text,) = [a.text for a in out if isinstance(a, Record) and a.kind is LedgerKind.BREACH]
    assert "more than the contracted maximum power" in text
    closes = [codec.decode(a.frame).envelope.body for a in out if isinstance(a, SendMessage)]
    assert any(isinstance(b, Close) and b.cause is Cause.METER_DISAGREEMENT for b in closes)


def test_a_reading_dated_ahead_of_the_buyers_clock_is_not_plausible() -> None:
    check = SellerMetered(T0, CostMeter(EnergyReconciler(10)), PowerWindow(0), BuyerPayments())
    assert check.problem(OFFER, T0 + 5_000, 0, T0 + 1_000) is not None
    assert check.problem(OFFER, T0 - 5_000, 0, T0 + 1_000) is not None
    # a sample as old as the agreed freshness (plus the skew) when the offer was accepted
    fresh = OFFER.policy.reading_max_age_ms + 1_000
    assert check.problem(OFFER, T0 - fresh, 0, T0 + 1_000) is None
    assert check.problem(OFFER, T0 + 1_000, 10, T0 + 1_000) is None


def test_a_claim_beyond_what_was_paid_and_the_unpaid_budget_is_not_plausible() -> None:
    """Within the contracted power over a long gap, but the seller would have cut the
    supply long before: the buyer paid for a few seconds only."""
    payments = BuyerPayments()
    check = SellerMetered(T0, CostMeter(EnergyReconciler(10)), PowerWindow(0), payments)
    assert check.take(OFFER, T0, 0, T0) is None  # the Begin
    payments.committed = Msat(1_000)
    claim = most_energy_mwh(OFFER, 60_000) // 2  # half the power for a minute
    problem = check.problem(OFFER, T0 + 60_000, claim, T0 + 60_000)
    assert problem is not None
    assert "the agreed unpaid budget" in problem
    # paid for, it is plausible
    payments.committed = Msat(20_000)
    assert check.problem(OFFER, T0 + 60_000, claim, T0 + 60_000) is None
