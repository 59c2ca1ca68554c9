"""Scenario tests: a seller and a buyer session wired in-process through their codec,
with a simulated circuit (energy flows only while the relay is on), two meters, a fake
wallet and a peer link. Each asserts energy, money and the relay timeline."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pytest

from gridnode.money import Msat
from gridnode.trade import seller_billing
from gridnode.trade.actions import (
    Action,
    CancelHoldInvoice,
    CreateInvoice,
    Notify,
    PayInvoice,
    PublishRate,
    Record,
    SendMessage,
    SettleHoldInvoice,
    SwitchRelay,
)
from gridnode.trade.buyer_checks import power_bound_mw
from gridnode.trade.events import Event, PaymentFailed
from gridnode.trade.messages import Cause, PaymentFailure
from gridnode.trade.profiles import (
    DailyKnot,
    DailyTableProfile,
    RateProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.states import BuyerState, SellerState
from gridnode.trade.units import MsatPerKwh
from tests.support.terms import ELECTRICAL, T0, demo_offer
from tests.support.trade.scenario_checks import (
    MAX_MW,
    PREPAYMENT_MSAT,
    breach_time,
    check_meters_and_books,
    cost_msat,
    world_messages,
)
from tests.support.trade.sim import (
    BUYER,
    SELLER,
    World,
    deposit_states,
    settled_msat,
)
from tests.support.trade.worlds import (
    MINUTE,
    MSAT_PER_SECOND_AT_MAX,
    actions_of,
    breaches,
    make_world,
)


def test_a_full_period_with_renewal_supplies_continuously_within_exposure_targets() -> None:
    world = make_world(renewal=True)
    world.run(T0 + 21 * MINUTE)
    # On at the first tick after the deposit is locked and the first payment settled
    # (both within 250 ms); off only when period two ends.
    assert world.relay_timeline == [(T0 + world.tick_ms, True), (T0 + 20 * MINUTE, False)]
    # Energy: 20 minutes at 3.68 kW less the first tick, 1,226,411 mWh, on both meters.
    delivered = check_meters_and_books(world, MAX_MW)
    assert delivered == Fraction(MAX_MW * (20 * MINUTE - world.tick_ms), 3_600_000)
    # Money: what was paid covers the cost, and exceeds it by no more than the window.
    assert 0 <= settled_msat(world) - cost_msat(delivered) <= PREPAYMENT_MSAT
    assert 0 <= world.seller.credit <= PREPAYMENT_MSAT
    # Demo targets: paid-ahead within 5 s, unpaid within 2 s of energy at max power.
    assert world.max_buyer_ahead_msat <= 5 * MSAT_PER_SECOND_AT_MAX
    assert world.max_seller_unpaid_msat <= 2 * MSAT_PER_SECOND_AT_MAX
    # A clean close refunds the deposit; both sides end closed.
    assert actions_of(world, SELLER, CancelHoldInvoice)
    assert not actions_of(world, SELLER, SettleHoldInvoice)
    assert deposit_states(world) == ["canceled"]
    assert world.seller.state is SellerState.CLOSED
    assert world.buyer.state is BuyerState.CLOSED


def test_a_buyer_that_stops_paying_is_cut_off_within_two_seconds_and_loses_its_deposit() -> None:
    stop_paying = T0 + 2 * MINUTE
    world = make_world(drop_payments_after_ms=stop_paying)
    world.run(T0 + 11 * MINUTE)
    (on_at, on), (off_at, off) = world.relay_timeline
    assert (on_at, on, off) == (T0 + world.tick_ms, True, False)
    # The last paid credit (at most the 4.4 s prepayment window) runs out within a tick.
    assert stop_paying < off_at <= stop_paying + 4_400 + world.tick_ms
    delivered = check_meters_and_books(world, MAX_MW)
    assert delivered == Fraction(MAX_MW * (off_at - on_at), 3_600_000)
    # Money: it consumed a little more than it paid, never more than 2 s unpaid.
    unpaid = cost_msat(delivered) - settled_msat(world)
    assert 0 < unpaid <= 2 * MSAT_PER_SECOND_AT_MAX
    assert world.max_seller_unpaid_msat <= 2 * MSAT_PER_SECOND_AT_MAX
    assert world.seller.credit < 0
    # The deposit is settled: the seller keeps the 50 sat.
    assert actions_of(world, SELLER, SettleHoldInvoice)
    assert deposit_states(world) == ["settled"]
    assert settled_msat(world, hold=True) == 50_000
    assert world.seller.state is SellerState.CLOSED


def test_a_seller_that_over_invoices_is_never_paid_more_than_the_agreed_size() -> None:
    def inflate(world: World, who: str, event: Event, out: list[Action]) -> None:
        if world.now_ms >= T0 + MINUTE:
            world.seller.billing.payment_size = Msat(600)  # agreed: 400

    world = make_world(observers=[inflate])
    world.run(T0 + 3 * MINUTE)
    paid = [a for _, a in actions_of(world, BUYER, PayInvoice) if a.amount != Msat(50_000)]
    assert paid
    assert all(a.amount <= Msat(400) for a in paid)
    (text,) = breaches(world, BUYER)
    # the inflated step is the largest the budgets allow, above the agreed size
    assert re.search(r"prepayment invoice of 0\.4\d\d sat refused: agreed size 0\.400 sat", text)
    breach_at = breach_time(world)
    # The first inflated invoice comes within one payment step (400 msat, about 2 s)
    # and the tick that asks for it.
    assert T0 + MINUTE < breach_at <= T0 + MINUTE + 2_000 + world.tick_ms
    assert world.buyer.state is BuyerState.CLOSED
    # The buyer's close reaches the seller over the link, which cuts at once.
    assert world.relay_timeline == [(T0 + world.tick_ms, True), (breach_at + world.link_ms, False)]
    # Energy: supplied from the first tick until the cut, the same on both meters.
    delivered = check_meters_and_books(world, MAX_MW)
    assert delivered == Fraction(
        MAX_MW * (breach_at + world.link_ms - T0 - world.tick_ms), 3_600_000
    )
    # Money: paid for all of it, at most the window ahead; the deposit goes back.
    assert 0 <= settled_msat(world) - cost_msat(delivered) <= PREPAYMENT_MSAT
    assert deposit_states(world) == ["canceled"]


def test_a_seller_meter_over_reporting_by_5_percent_is_caught_and_not_paid() -> None:
    world = make_world(seller_meter_ppm=50_000)
    world.run(T0 + 2 * MINUTE)
    (text,) = breaches(world, BUYER)
    assert "the seller claims" in text
    assert world.buyer.state is BuyerState.CLOSED
    # A claim is judged as it arrives, against the buyer's meter then. Never caught before
    # the 4 % beyond the 1 % tolerance exceed its 20 mWh (0.5 Wh, 0.49 s of supply); caught
    # at the first claim after they also exceed what the buyer's bound may add (the
    # energy of the link's 20 ms, and of half a second at the terms' power bound above
    # the load: 2.3 Wh, 2.3 s of supply). Claims come with payments, about 2 s apart; the
    # seller cuts when the close arrives.
    on_at = T0 + world.tick_ms
    extra_mw_ms = MAX_MW * world.link_ms + (power_bound_mw(ELECTRICAL) - MAX_MW) * world.sample_ms
    slack_mwh = Fraction(extra_mw_ms, 3_600_000) * Fraction(101, 100) + 21
    never_before = on_at + 20 * 25 * 3_600_000 // MAX_MW
    caught_by = on_at + int(slack_mwh * 25 * 3_600_000 / MAX_MW)
    breach_at = breach_time(world)
    assert never_before < breach_at <= caught_by + 2_000
    assert world.relay_timeline == [(on_at, True), (breach_at + world.link_ms, False)]
    # Energy: each meter as it reads, the seller's 5 % above the buyer's.
    delivered = check_meters_and_books(world, MAX_MW, seller_ppm=50_000)
    assert delivered == Fraction(MAX_MW * (breach_at + world.link_ms - on_at), 3_600_000)
    # Money: paid ahead of the true cost by at most the window plus the agreed tolerance
    # (1 % + 20 mWh), still inside the 5 s demo target: the 4 % beyond it is not paid.
    ahead = settled_msat(world) - cost_msat(delivered)
    assert 0 <= ahead <= PREPAYMENT_MSAT + cost_msat(delivered / 100 + 20)
    assert world.max_buyer_ahead_msat <= 5 * MSAT_PER_SECOND_AT_MAX
    assert deposit_states(world) == ["canceled"]


def test_a_seller_meter_within_tolerance_is_paid_for_the_whole_period() -> None:
    world = make_world(seller_meter_ppm=5_000)  # 0.5 %, inside the agreed 1 % + 20 mWh
    world.run(T0 + 11 * MINUTE)
    assert breaches(world, BUYER) == []
    assert world.relay_timeline == [(T0 + world.tick_ms, True), (T0 + 10 * MINUTE, False)]
    delivered = check_meters_and_books(world, MAX_MW, seller_ppm=5_000)
    # Paid what the seller's meter claims: the true cost plus its 0.5 %, within the window.
    claimed = cost_msat(delivered * 1_005 / 1_000)
    assert 0 <= settled_msat(world) - claimed <= PREPAYMENT_MSAT
    assert world.seller.credit >= 0
    assert deposit_states(world) == ["canceled"]


def test_power_is_restored_after_a_late_payment_once_above_restore_and_rested() -> None:
    def pay_ms(t: int) -> int:
        return 8_000 if T0 + MINUTE <= t < T0 + MINUTE + 2_000 else 80

    world = make_world(pay_ms=pay_ms)
    world.run(T0 + 3 * MINUTE)
    switches = [a for _, a in actions_of(world, SELLER, SwitchRelay)]
    assert [(s.on, s.cause) for s in switches] == [
        (True, None),
        (False, Cause.CREDIT),
        (True, None),
    ]
    (on_at, _), (off_at, _), (on_again, _) = world.relay_timeline
    assert on_at == T0 + world.tick_ms
    # Cut when the credit paid before the slow payment (at most the 4.4 s window) runs
    # out; back on once the late payment (made before T0 + 62 s, landing 8 s later) puts
    # credit above restore, and not before the contactor's 3 s minimum off time.
    late_from = T0 + MINUTE
    assert late_from < off_at <= late_from + 2_000 + 4_400 + world.tick_ms
    assert off_at + world.seller.offer.policy.min_off_ms <= on_again
    assert on_again <= late_from + 2_000 + 8_000 + world.tick_ms
    # Energy: 3.68 kW during both on-intervals, nothing while off.
    delivered = check_meters_and_books(world, MAX_MW)
    on_ms = (off_at - on_at) + (T0 + 3 * MINUTE - on_again)
    assert delivered == Fraction(MAX_MW * on_ms, 3_600_000)
    # Money: paid for all of it and at most the window ahead, never 2 s unpaid; the
    # deposit stays locked.
    assert 0 <= settled_msat(world) - cost_msat(delivered) <= PREPAYMENT_MSAT
    assert world.max_seller_unpaid_msat <= 2 * MSAT_PER_SECOND_AT_MAX
    assert deposit_states(world) == ["accepted"]
    assert world.buyer.state is BuyerState.RECEIVING


def test_a_link_outage_is_ridden_out_on_credit_and_supply_resumes() -> None:
    down_at, up_at = T0 + MINUTE, T0 + MINUTE + 15_000
    world = make_world()
    world.set_link(down_at, up=False)
    world.set_link(up_at, up=True)
    world.run(T0 + 3 * MINUTE)
    (on_at, on), (off_at, off), (on_again, again) = world.relay_timeline
    assert (on_at, on, off, again) == (T0 + world.tick_ms, True, False, True)
    # Supplied on the credit paid before the outage (at most the 4.4 s window), cut when
    # it ran out; back on within one invoice round trip and a tick of the link's return.
    assert down_at < off_at <= down_at + 4_400 + world.tick_ms
    assert up_at < on_again <= up_at + 2 * world.link_ms + 100 + 2 * world.tick_ms
    # Energy: 3.68 kW during both on-intervals, nothing while off.
    delivered = check_meters_and_books(world, MAX_MW)
    on_ms = (off_at - on_at) + (T0 + 3 * MINUTE - on_again)
    assert delivered == Fraction(MAX_MW * on_ms, 3_600_000)
    # Money: paid for all of it and at most the window ahead, never 2 s unpaid.
    assert 0 <= settled_msat(world) - cost_msat(delivered) <= PREPAYMENT_MSAT
    assert world.max_seller_unpaid_msat <= 2 * MSAT_PER_SECOND_AT_MAX
    assert deposit_states(world) == ["accepted"]
    assert world.seller.state is SellerState.SUPPLYING


def test_the_buyer_is_warned_before_power_is_cut() -> None:
    world = make_world(drop_payments_after_ms=T0 + 2 * MINUTE)
    world.run(T0 + 3 * MINUTE)
    kinds = [a.kind.value for _, a in actions_of(world, SELLER, SendMessage)]
    assert "credit_warning" in kinds
    assert kinds.index("credit_warning") < kinds.index("suspend")
    warned = [t for t, a in actions_of(world, BUYER, Notify) if "the seller warns" in a.text]
    assert warned
    assert warned[0] < world.relay_timeline[1][0]


def test_a_failed_payment_is_reported_and_the_seller_invoices_again_without_a_cut() -> None:
    failing = T0 + MINUTE

    def outcome(t: int) -> str:
        return "fail" if failing <= t < failing + 1_500 else "ok"

    world = make_world(pay_outcome=outcome)
    world.run(T0 + 2 * MINUTE)
    kinds = [a.kind.value for _, a in actions_of(world, BUYER, SendMessage)]
    assert "payment_failure" in kinds
    assert [on for _, on in world.relay_timeline] == [True]
    assert world.max_seller_unpaid_msat <= 2 * MSAT_PER_SECOND_AT_MAX


@pytest.mark.parametrize(
    "profile",
    [
        SinusoidProfile(
            MsatPerKwh(180_000), MsatPerKwh(30_000), 0, MsatPerKwh(10_000), 0, "Europe/Berlin"
        ),
        DailyTableProfile(
            (DailyKnot(0, MsatPerKwh(150_000)), DailyKnot(600, MsatPerKwh(240_000))),
            "America/New_York",
        ),
        TimeOfUseProfile(
            (TimeOfUseBlock(0b1111111, 0, 720, MsatPerKwh(120_000)),),
            MsatPerKwh(240_000),
            "Europe/Berlin",
        ),
    ],
    ids=["sinusoid", "daily-table", "time-of-use"],
)
def test_both_sides_bill_a_time_varying_profile_to_the_same_exact_cost(
    profile: RateProfile,
) -> None:
    world = make_world(demo_offer(profile=profile))
    world.run(T0 + 11 * MINUTE)
    assert [on for _, on in world.relay_timeline] == [True, False]
    assert world.seller.meter.cost_msat == world.buyer.meter.cost_msat
    assert world.seller.meter.cost_msat > 0
    assert world.seller.credit >= 0
    assert world.max_seller_unpaid_msat <= 2 * MSAT_PER_SECOND_AT_MAX


def test_a_renewal_that_outlives_the_deposit_time_lock_takes_a_new_deposit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No safety margin: the first deposit covers just its own 10-minute period.
    monkeypatch.setattr(seller_billing, "DEPOSIT_SAFETY_BLOCKS", 40)
    world = make_world(renewal=True)
    world.run(T0 + 21 * MINUTE)
    deposits = [(t, a) for t, a in actions_of(world, SELLER, CreateInvoice) if a.hold]
    assert [t - T0 for t, _ in deposits] == [40, 10 * MINUTE]
    cancels = [t - T0 for t, _ in actions_of(world, SELLER, CancelHoldInvoice)]
    # The first deposit is released once its replacement is locked; the second at close.
    assert len(cancels) == 2
    assert 10 * MINUTE < cancels[0] < 10 * MINUTE + 1_000
    assert cancels[1] == 20 * MINUTE
    assert [on for _, on in world.relay_timeline] == [True, False]
    refunds = [e for _, w, e in world.events if w == BUYER and isinstance(e, PaymentFailed)]
    assert len(refunds) == 2


def test_both_sides_publish_the_rate_on_every_change() -> None:
    minute = T0 // 60_000 % 1_440
    boundary = (T0 // 60_000 + 1) * 60_000  # the next whole minute
    profile = TimeOfUseProfile(
        (TimeOfUseBlock(0b1111111, minute + 1, minute + 2, MsatPerKwh(100_000)),),
        MsatPerKwh(200_000),
        "UTC",
    )
    world = make_world(demo_offer(profile=profile))
    world.run(T0 + 3 * MINUTE)
    for who in (SELLER, BUYER):
        rates = [(t, a.price_msat_per_kwh) for t, a in actions_of(world, who, PublishRate)]
        assert [r for _, r in rates] == [200_000, 100_000, 200_000]
        changes = [t for t, _ in rates[1:]]
        assert boundary <= changes[0] < boundary + world.tick_ms
        assert boundary + MINUTE <= changes[1] < boundary + MINUTE + world.tick_ms


class _DustyBilling(seller_billing.SellerBilling):
    """A seller's books that ask for its first three prepayments in dust (60 msat, below
    the agreed 100 msat minimum), then follow the rules."""

    dust_left: int = 3

    def next_invoice(self, *args: Any, **kwargs: Any) -> Msat | None:
        size = super().next_invoice(*args, **kwargs)
        if size is not None and self.dust_left:
            self.dust_left -= 1
            return Msat(60)
        return size


def test_dust_invoices_are_refused_journalled_and_told_to_the_seller() -> None:
    """Invoices below the agreed minimum payment cost the buyer fees and storage: it
    never pays them, journals why and tells the seller (PaymentFailure, refused), which
    journals the refusal and invoices again by its rules; no breach, supply goes on."""
    world = make_world()
    world.seller.billing = _DustyBilling()
    world.run(T0 + MINUTE)
    paid = [a.amount for _, a in actions_of(world, BUYER, PayInvoice)]
    assert paid
    assert min(paid) >= Msat(100)
    refusals = [a.text for _, a in actions_of(world, BUYER, Record) if a.kind.value == "refusal"]
    assert (
        refusals
        == ["prepayment invoice of 0.060 sat refused: below the agreed minimum payment 0.100 sat"]
        * 3
    )
    told = [m for m in world_messages(world, BUYER) if isinstance(m, PaymentFailure)]
    assert [(m.refused, m.reason) for m in told] == [
        (True, "below the agreed minimum payment 0.100 sat")
    ] * 3
    heard = [a.text for _, a in actions_of(world, SELLER, Record) if a.kind.value == "refusal"]
    assert len(heard) == 3
    assert all(h.endswith(": below the agreed minimum payment 0.100 sat") for h in heard)
    assert breaches(world, BUYER) == []
    assert world.seller.state is SellerState.SUPPLYING
