"""DESIGN.md invariant 3: after a restart the relay stays off until the session proves,
from the ledger and the wallet, that the buyer is paid up."""

from __future__ import annotations

from gridnode.money import Msat
from gridnode.ocmf import Transaction
from gridnode.trade.actions import Action, CreateInvoice, SwitchRelay
from gridnode.trade.events import (
    HoldInvoiceAccepted,
    InvoiceCreated,
    InvoiceSettled,
    MeterSample,
    Tick,
)
from gridnode.trade.resume import SellerLedgerFacts, facts_of, resume_seller
from gridnode.trade.seller import SellerSession
from gridnode.trade.states import SellerState

from .fixtures import T0
from .sim import REGISTER_STEP_MWH, SELLER, World
from .test_scenarios import BUYER_KEY, SELLER_KEY, SESSION, make_world


def _stopped_world() -> tuple[World, SellerLedgerFacts, list[InvoiceSettled]]:
    world = make_world()
    world.run(T0 + 60_000)
    requests = {
        a.request_id: a.amount
        for _, who, a in world.actions
        if who == SELLER and isinstance(a, CreateInvoice) and not a.hold
    }
    prepayments = {
        e.payment_hash: requests[e.request_id]
        for _, who, e in world.events
        if who == SELLER and isinstance(e, InvoiceCreated) and e.request_id in requests
    }
    settled = [e for _, w, e in world.events if w == SELLER and isinstance(e, InvoiceSettled)]
    return world, facts_of(world.seller, prepayments), settled


def _resume(world: World, facts: SellerLedgerFacts) -> tuple[SellerSession, list[Action]]:
    return resume_seller(
        facts,
        session_id=SESSION,
        signer=SELLER_KEY,
        buyer=BUYER_KEY.verifier(),
        register_step_mwh=REGISTER_STEP_MWH,
        now_ms=world.now_ms + 5_000,
    )


def _switches(out: list[Action]) -> list[bool]:
    return [a.on for a in out if isinstance(a, SwitchRelay)]


def test_a_resumed_seller_commands_the_relay_off_and_waits_for_the_wallet() -> None:
    world, facts, settled = _stopped_world()
    seller, start = _resume(world, facts)
    assert _switches(start) == [False]
    assert seller.state is SellerState.SUSPENDED_FAULT
    now = world.now_ms + 5_000
    sample = MeterSample(now, 0, 0, 0, (230_000,), (0,))
    # A fresh reading and ticks alone prove nothing.
    assert _switches(seller.handle(sample, now) + seller.handle(Tick(), now + 10)) == []
    # The deposit alone is not credit.
    deposit = HoldInvoiceAccepted(facts.deposit_hash, Msat(50_000))
    assert _switches(seller.handle(deposit, now + 20)) == []
    # The wallet replays the settlements (twice, as after a reconnect): credit is proven.
    out: list[Action] = []
    for event in settled + settled:
        out += seller.handle(event, now + 30)
    assert seller.billing.paid == sum((e.amount for e in settled), Msat(0))
    credit = seller.credit
    assert credit == seller.billing.paid.msat - facts.cost_msat
    assert credit >= seller.offer.policy.restore.msat  # paid ahead when the node stopped
    assert _switches(out) == [True]
    assert seller.machine.state is SellerState.SUPPLYING


def test_a_resumed_seller_without_the_deposit_never_switches_on() -> None:
    world, facts, settled = _stopped_world()
    seller, _ = _resume(world, facts)
    now = world.now_ms + 5_000
    out = seller.handle(MeterSample(now, 0, 0, 0, (230_000,), (0,)), now)
    for event in settled:
        out += seller.handle(event, now + 1)
    out += seller.handle(Tick(), now + 2)
    assert _switches(out) == []


def test_a_resumed_seller_continues_the_energy_count_and_the_sequence() -> None:
    world, facts, _ = _stopped_world()
    seller, _ = _resume(world, facts)
    assert seller.meter.energy_mwh == facts.energy_mwh > 0
    assert seller.outbox.next_seq == world.seller.outbox.next_seq
    assert seller.inbox.last_seq == world.seller.inbox.last_seq
    now = world.now_ms + 5_000
    seller.handle(MeterSample(now, 500_000, 500_000, 0, (230_000,), (0,)), now)
    seller.handle(MeterSample(now + 500, 500_000, 500_400, 0, (230_000,), (0,)), now + 500)
    assert seller.meter.energy_mwh == facts.energy_mwh + 400


def test_a_resumed_seller_continues_its_ocmf_transaction_where_the_ledger_left_it() -> None:
    world, facts, _ = _stopped_world()
    before = world.seller.readings.own.state
    seller, _ = _resume(world, facts)
    assert seller.readings.own.open  # the session's transaction goes on: no new Begin
    now = world.now_ms + 5_000
    record = seller.readings.own.sign(Transaction.CHARGING, now, seller.meter.energy_mwh)
    assert record.page == before.next_page
    begin = facts.reading_begin_mwh
    assert record.payload.RD[-1].energy_mwh == begin + seller.meter.energy_mwh
