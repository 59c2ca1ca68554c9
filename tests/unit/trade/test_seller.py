"""The seller session, rule by rule."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from gridnode.money import Msat
from gridnode.trade import codec
from gridnode.trade.actions import (
    Action,
    CancelHoldInvoice,
    CreateInvoice,
    LedgerKind,
    PayInvoice,
    Record,
    SendMessage,
    SettleHoldInvoice,
    SwitchRelay,
)
from gridnode.trade.errors import IllegalTransitionError
from gridnode.trade.events import (
    Event,
    FrameReceived,
    InvoiceCanceled,
    InvoiceSettled,
    MeterSample,
    Tick,
)
from gridnode.trade.machine import ErrorCode, StateMachine
from gridnode.trade.messages import Body, Cause, Envelope, Heartbeat, OfferMessage
from gridnode.trade.signing import P256Signer
from gridnode.trade.states import (
    BUYER_TRANSITIONS,
    SELLER_TRANSITIONS,
    BuyerState,
    SellerState,
)
from gridnode.trade.supply import Supply, cltv_blocks
from gridnode.trade.terms import DEMO_POLICY
from tests.support.terms import T0, demo_offer
from tests.support.trade.sim import BUYER, SELLER, World
from tests.support.trade.worlds import BUYER_KEY, SESSION, errors_in, make_world


def supplying_world(seconds: int = 10) -> World:
    world = make_world()
    world.run(T0 + seconds * 1000)
    assert world.seller.state is SellerState.SUPPLYING
    return world


def buyer_frame(
    world: World, body: Body, seq: int | None = None, key: P256Signer = BUYER_KEY
) -> bytes:
    seq = world.buyer.outbox.next_seq if seq is None else seq
    return codec.encode(Envelope(SESSION, seq, body), key)


def test_the_relay_stays_off_until_the_deposit_is_locked_and_the_session_ends_unpaid() -> None:
    world = make_world(pay_outcome=lambda t: "never" if t < T0 + 100 else "ok")
    world.run(T0 + 3 * 60_000)  # the deposit invoice expires after 2 minutes
    assert world.relay_timeline == []
    assert world.seller.state is SellerState.CLOSED
    assert world.seller.close_cause is Cause.DEPOSIT


def test_the_deposit_hold_invoice_outlasts_the_sale_period() -> None:
    world = make_world()
    world.run(T0 + 1_000)
    (deposit,) = [a for _, w, a in world.actions if isinstance(a, CreateInvoice) and a.hold]
    assert deposit.amount == Msat(50_000)
    assert deposit.cltv_expiry_delta == cltv_blocks(demo_offer()) >= 10 * 60_000 // 600_000 + 1


def test_a_stale_meter_reading_switches_the_relay_off_at_the_next_tick() -> None:
    world = make_world(sample_lost=lambda who, t: who == SELLER and t >= T0 + 20_000)
    world.run(T0 + 30_000)
    last_sample = T0 + 19_500
    off_at, on = world.relay_timeline[-1]
    assert on is False
    max_age = DEMO_POLICY.reading_max_age_ms
    assert last_sample + max_age < off_at <= last_sample + max_age + world.tick_ms
    assert world.seller.state is SellerState.SUSPENDED_FAULT


def test_overcurrent_on_any_phase_switches_the_relay_off_in_the_same_event() -> None:
    world = supplying_world()
    now = world.now_ms + 1
    sample = MeterSample(now, 0, 10**9, 1_000_000, (230_000,) * 3, (1_000, 16_001, 1_000))
    out = world.seller.handle(sample, now)
    switches = [a for a in out if isinstance(a, SwitchRelay)]
    assert switches == [
        SwitchRelay(False, Cause.OVERCURRENT, "L2 carries 16001 mA, over its 16000 mA")
    ]
    assert world.seller.state is SellerState.SUSPENDED_FAULT
    # a cut by the protection is journalled as a fault before the switch
    kinds = [a.kind.value for a in out if isinstance(a, Record)]
    assert kinds.index("fault") < kinds.index("relay")


def test_a_replayed_message_is_refused_with_an_error_and_changes_nothing() -> None:
    world = supplying_world()
    state = world.seller.state
    out = world.seller.handle(FrameReceived(buyer_frame(world, Heartbeat(1), seq=1)), world.now_ms)
    assert [e.code for e in errors_in(out)] == [ErrorCode.REPLAY]
    assert world.seller.state is state


def test_a_gap_in_sequence_numbers_is_refused_and_the_next_in_order_still_accepted() -> None:
    world = supplying_world()
    next_seq = world.buyer.outbox.next_seq
    gap = world.seller.handle(
        FrameReceived(buyer_frame(world, Heartbeat(1), next_seq + 1)), world.now_ms
    )
    assert [e.code for e in errors_in(gap)] == [ErrorCode.GAP]
    fine = world.seller.handle(
        FrameReceived(buyer_frame(world, Heartbeat(1), next_seq)), world.now_ms
    )
    assert errors_in(fine) == []


def test_a_binding_message_signed_by_another_key_is_refused() -> None:
    world = supplying_world()
    forged = buyer_frame(world, OfferMessage(demo_offer()), key=P256Signer.generate())
    out = world.seller.handle(FrameReceived(forged), world.now_ms)
    assert [e.code for e in errors_in(out)] == [ErrorCode.BAD_SIGNATURE]


def test_garbage_bytes_get_a_decode_error_back_not_an_exception() -> None:
    world = supplying_world()
    out = world.seller.handle(FrameReceived(b"\xff\x00garbage"), world.now_ms)
    assert [e.code for e in errors_in(out)] == [ErrorCode.MALFORMED]


def test_a_message_not_allowed_in_the_state_gets_an_error_and_changes_nothing() -> None:
    world = supplying_world()
    out = world.seller.handle(
        FrameReceived(buyer_frame(world, OfferMessage(demo_offer()))), world.now_ms
    )
    (error,) = errors_in(out)
    assert error.code == ErrorCode.ILLEGAL_IN_STATE
    assert "offer message is not allowed while the seller is supplying" in error.text
    assert world.seller.state is SellerState.SUPPLYING


def test_an_illegal_transition_raises_with_a_sentence() -> None:
    machine = StateMachine("seller", SellerState.NEGOTIATING, SELLER_TRANSITIONS)
    with pytest.raises(IllegalTransitionError, match="cannot go from NEGOTIATING to SUPPLYING"):
        machine.move(SellerState.SUPPLYING)
    assert machine.state is SellerState.NEGOTIATING


def test_the_transition_tables_name_every_state_and_closed_is_final() -> None:
    assert set(SELLER_TRANSITIONS) == set(SellerState)
    assert set(BUYER_TRANSITIONS) == set(BuyerState)
    assert SELLER_TRANSITIONS[SellerState.CLOSED] == frozenset()
    assert BUYER_TRANSITIONS[BuyerState.CLOSED] == frozenset()


def test_a_settlement_replayed_by_the_wallet_counts_once() -> None:
    world = supplying_world()
    settled = [e for _, who, e in world.events if who == SELLER and isinstance(e, InvoiceSettled)]
    paid = world.seller.billing.paid
    world.seller.handle(settled[-1], world.now_ms)
    assert world.seller.billing.paid == paid


def test_contactor_rests_its_minimum_off_time_and_respects_the_hourly_cap() -> None:
    policy = dataclasses.replace(DEMO_POLICY, max_switches_per_hour=2)
    supply = Supply(policy)
    out: list[Action] = []
    credit = Fraction(policy.restore.msat)
    assert supply.decide(0, None, True, credit, out) is not None  # on
    assert supply.decide(1_000, (Cause.OVERCURRENT, "x"), True, credit, out) is not None  # off
    assert supply.decide(1_000 + policy.min_off_ms - 1, None, True, credit, out) is None
    assert supply.decide(1_000 + policy.min_off_ms, None, True, credit, out) is not None  # on #2
    supply.decide(10_000, (Cause.OVERCURRENT, "x"), True, credit, out)  # off
    assert supply.decide(60_000, None, True, credit, out) is None  # cap of 2 an hour used up
    assert supply.decide(3_600_001, None, True, credit, out) is not None
    assert supply.decide(3_700_000, None, False, credit, out) is not None  # credit: off


def test_power_is_not_restored_below_the_restore_threshold() -> None:
    supply = Supply(DEMO_POLICY)
    out: list[Action] = []
    below = Fraction(DEMO_POLICY.restore.msat - 1)
    assert supply.decide(0, None, True, below, out) is None


def _records_before_acts(world: World, who: str, event: Event, out: list[Action]) -> None:
    for i, action in enumerate(out):
        before = [a for a in out[:i] if isinstance(a, Record)]
        match action:
            case SwitchRelay():
                assert any(r.kind is LedgerKind.RELAY for r in before), action
            case SendMessage():
                assert any(r.data == action.frame for r in before), action.kind
            case PayInvoice():
                assert any(r.payment_hash == action.payment_hash for r in before), action
            case _:
                pass
    if isinstance(event, InvoiceSettled) and who == SELLER and out:
        assert isinstance(out[0], Record)


def test_every_switch_payment_and_message_is_recorded_before_it_is_acted_on() -> None:
    world = make_world(
        observers=[_records_before_acts],
        pay_ms=lambda t: 8_000 if T0 + 30_000 <= t < T0 + 32_000 else 80,
    )
    world.run(T0 + 11 * 60_000)
    kinds = {a.kind for _, _, a in world.actions if isinstance(a, Record)}
    assert {LedgerKind.RELAY, LedgerKind.PAYMENT_SETTLED, LedgerKind.READING} <= kinds
    assert world.seller.state is SellerState.CLOSED
    assert BUYER in world.closed


def test_ticks_are_harmless_before_start_and_after_close() -> None:
    world = make_world()
    world.run(T0 + 11 * 60_000)
    assert world.seller.handle(Tick(), world.now_ms) == []
    assert world.seller.state is SellerState.CLOSED


def test_a_deposit_cancelled_under_the_seller_cuts_power_and_ends_the_session() -> None:
    world = supplying_world()
    deposit = world.seller.billing.deposit_hash
    out = world.seller.handle(InvoiceCanceled(deposit), world.now_ms)
    assert [(a.on, a.cause) for a in out if isinstance(a, SwitchRelay)] == [(False, Cause.DEPOSIT)]
    assert not [a for a in out if isinstance(a, CancelHoldInvoice | SettleHoldInvoice)]
    assert world.seller.machine.state is SellerState.CLOSED
