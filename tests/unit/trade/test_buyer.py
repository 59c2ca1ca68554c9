"""The buyer session, rule by rule (DESIGN.md invariant 4)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade import codec
from gridnode.trade.actions import Action, Notify, PayInvoice, Record, SendMessage
from gridnode.trade.buyer_payments import SEEN_HASHES_KEPT, STALE_AFTER_EXPIRY_MS, BuyerPayments
from gridnode.trade.events import FrameReceived, MeterSample, PaymentFailed, PaymentSucceeded
from gridnode.trade.messages import (
    Cause,
    Close,
    Hello,
    InvoiceMessage,
    InvoicePurpose,
    MeterReadingMessage,
    RejectionMessage,
    Role,
)
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.readings import OwnSeries
from gridnode.trade.signing import P256Signer, fingerprint
from gridnode.trade.states import BuyerState, SellerState
from gridnode.trade.units import MsatPerKwh
from tests.support.bolt11s import SELLER_NODE_ID, make_bolt11, node_id
from tests.support.terms import T0, demo_offer
from tests.support.trade.sim import World
from tests.support.trade.worlds import (
    SELLER_KEY,
    errors_in,
    from_seller,
    invoice,
    make_world,
    pays,
    receiving_world,
)


def use_up(world: World, energy_mwh: int) -> list[Action]:
    """Feed the buyer a reading showing more energy used."""
    last = world.buyer.last_sample
    assert last is not None
    at = last.at_ms + 100
    integrated = last.integrated_mwh + energy_mwh
    sample = MeterSample(
        at, integrated // 10_000 * 10_000, integrated, 3_000_000, (230_000,), (13_000,)
    )
    return world.buyer.handle(sample, at)


def test_an_offer_outside_the_limits_is_rejected_with_every_reason_on_the_wire() -> None:
    dear = demo_offer(profile=ConstantProfile(MsatPerKwh(900_000)), meter_id="other")
    world = make_world(dear)
    world.run(T0 + 1_000)
    rejections = [
        a
        for _, who, a in world.actions
        if isinstance(a, SendMessage) and a.kind.value == "rejection"
    ]
    assert len(rejections) == 1
    assert world.buyer.state is BuyerState.CLOSED
    assert world.seller.state is SellerState.CLOSED
    assert world.seller.close_cause is Cause.REJECTED


def test_rejection_message_names_each_term() -> None:
    world = make_world(demo_offer(profile=ConstantProfile(MsatPerKwh(900_000)), meter_id="x"))
    world.run(T0 + 1_000)
    (frame,) = [
        a.frame
        for _, _, a in world.actions
        if isinstance(a, SendMessage) and a.kind.value == "rejection"
    ]
    body = codec.decode(frame).envelope.body
    assert isinstance(body, RejectionMessage)
    assert {r.term.name for r in body.reasons} >= {"RATE_ABOVE_CEILING", "METER_ID"}


def test_an_invoice_repeating_a_payment_hash_is_never_paid_twice() -> None:
    world = receiving_world()
    use_up(world, 20_000)  # plenty of room under the prepayment
    first = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 1, 100))), world.now_ms
    )
    again = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 1, 100))), world.now_ms
    )
    assert len(pays(first)) == 1
    assert pays(again) == []


def test_the_payment_hashes_a_session_remembers_are_bounded() -> None:
    # a tenant's session renewed for years takes millions of invoices: the newest are
    # remembered (a repeat is still refused), the oldest, long expired, forgotten
    world = receiving_world()
    offer = replace(demo_offer(), payee_node_id=SELLER_NODE_ID)
    book = BuyerPayments()
    book.agree(offer, Msat(400), None, world.now_ms, [])
    template = invoice(world, 1, 400)
    hashes = [n.to_bytes(32, "big") for n in range(SEEN_HASHES_KEPT + 10)]
    for payment_hash in hashes:
        book.take(replace(template, payment_hash=payment_hash), offer, world.now_ms, [])
    assert list(book.seen_hashes) == hashes[10:]
    out: list[Action] = []
    assert book.take(replace(template, payment_hash=hashes[-1]), offer, world.now_ms, out) is None
    assert any(isinstance(a, Notify) and "repeats a payment hash" in a.text for a in out)


def test_an_invoice_above_the_agreed_size_is_a_breach_and_stops_payment() -> None:
    world = receiving_world()
    out = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 2, 401))), world.now_ms
    )
    assert pays(out) == []
    assert world.buyer.state is BuyerState.STOPPED
    later = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 3, 100))), world.now_ms
    )
    assert pays(later) == []


def test_an_invoice_ahead_of_use_waits_until_use_catches_up() -> None:
    world = receiving_world()
    size = 400
    budget = world.buyer.ahead_budget(world.now_ms).msat  # seconds of its current use
    assert budget <= 900  # never above the agreed msat
    while world.buyer.paid_ahead(world.now_ms) + size <= budget:  # fill the window
        n = world.buyer.outbox.next_seq + 100
        world.buyer.handle(FrameReceived(from_seller(world, invoice(world, n, size))), world.now_ms)
    out = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 4, size))), world.now_ms
    )
    assert pays(out) == []
    assert world.buyer.paid_ahead(world.now_ms) <= budget
    # 2 Wh at 200 sat/kWh is 400 msat of use: now it fits.
    assert [p.amount for p in pays(use_up(world, 2_000))] == [Msat(size)]


def test_a_deposit_invoice_above_the_agreed_deposit_is_refused() -> None:
    world = make_world()
    world.run(T0 + 25)  # accepted, no deposit invoice yet
    assert world.buyer.state is BuyerState.AWAITING_DEPOSIT
    out = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 5, 50_001, InvoicePurpose.DEPOSIT))),
        world.now_ms,
    )
    assert pays(out) == []
    assert world.buyer.machine.state is BuyerState.STOPPED


def test_a_bolt11_asking_more_than_its_invoice_message_is_never_paid() -> None:
    world = receiving_world()
    message = invoice(world, 7, 100)
    dearer = replace(message, bolt11=make_bolt11(message.payment_hash, Msat(100_000)))
    out = world.buyer.handle(FrameReceived(from_seller(world, dearer)), world.now_ms)
    assert pays(out) == []
    assert world.buyer.machine.state is BuyerState.STOPPED
    assert any(
        "the BOLT11 asks 100 sat, but the invoice message says 0.100 sat" in n.text
        for n in out
        if isinstance(n, Notify)
    )


def test_a_bolt11_for_another_payment_hash_is_never_paid() -> None:
    world = receiving_world()
    message = invoice(world, 8, 100)
    other = replace(message, bolt11=make_bolt11(b"\x07" * 32, Msat(100)))
    out = world.buyer.handle(FrameReceived(from_seller(world, other)), world.now_ms)
    assert pays(out) == []
    assert world.buyer.machine.state is BuyerState.STOPPED


def test_an_invoice_payable_to_another_lightning_node_than_the_offer_names_is_refused() -> None:
    # the offer binds the seller's Lightning node; an invoice from any other is refused
    world = make_world(replace(demo_offer(), payee_node_id=SELLER_NODE_ID))
    world.run(T0 + 10_000)
    assert world.buyer.state is BuyerState.RECEIVING  # the seller's own invoices were paid
    message = invoice(world, 9, 100)
    stranger = hashlib.sha256(b"someone else's lightning node").hexdigest()
    diverted = replace(message, bolt11=make_bolt11(message.payment_hash, Msat(100), key=stranger))
    out = world.buyer.handle(FrameReceived(from_seller(world, diverted)), world.now_ms)
    assert pays(out) == []
    notes = [n.text for n in out if isinstance(n, Notify)]
    assert any(f"not to {SELLER_NODE_ID}" in n for n in notes), notes
    assert any(node_id(stranger) in n for n in notes)


def test_a_bolt11_that_does_not_decode_is_refused() -> None:
    world = receiving_world()
    out = world.buyer.handle(
        FrameReceived(from_seller(world, replace(invoice(world, 10, 100), bolt11="lnbcrt1"))),
        world.now_ms,
    )
    assert pays(out) == []
    assert world.buyer.machine.state is BuyerState.STOPPED


def test_no_payment_before_the_sale_period_starts() -> None:
    world = make_world(demo_offer(start=T0 + 60_000))
    world.run(T0 + 50_000)
    prepayments = [
        a for _, who, a in world.actions if isinstance(a, PayInvoice) and a.amount < Msat(50_000)
    ]
    assert prepayments == []


def test_the_seller_closing_closes_the_buyer() -> None:
    world = receiving_world()
    world.buyer.handle(
        FrameReceived(from_seller(world, Close(Cause.REQUESTED, "bye"))), world.now_ms
    )
    assert world.buyer.state is BuyerState.CLOSED


def test_a_frame_from_the_wrong_session_is_refused() -> None:
    world = receiving_world()
    world.seller.outbox.session_id = b"X" * 16
    out = world.buyer.handle(
        FrameReceived(from_seller(world, invoice(world, 6, 100))), world.now_ms
    )
    assert pays(out) == []
    assert [e.code for e in errors_in(out)] == [9]


def test_a_hello_from_another_node_than_the_pinned_seller_ends_the_session() -> None:
    stranger = P256Signer.generate()
    world = make_world()
    hello = Hello(1, fingerprint(stranger.public_key_der), Role.SELLER, "SDM120-0042")
    out = world.buyer.handle(FrameReceived(from_seller(world, hello)), T0)
    assert world.buyer.state is BuyerState.CLOSED
    sent = [codec.decode(a.frame).envelope.body for a in out if isinstance(a, SendMessage)]
    assert [(type(b), b.cause) for b in sent if isinstance(b, Close)] == [(Close, Cause.PROTOCOL)]


def test_signed_readings_from_another_meter_than_the_agreed_one_stop_payment() -> None:
    world = receiving_world()
    other = OwnSeries(SELLER_KEY, "another-meter", None)
    (reading,) = other.begin("a session", world.now_ms)
    world.buyer.handle(
        FrameReceived(from_seller(world, MeterReadingMessage(reading))), world.now_ms
    )
    assert world.buyer.state is BuyerState.STOPPED


def _expiring_invoice(world: World, n: int, expiry_s: int) -> InvoiceMessage:
    """A 400 msat prepayment invoice whose BOLT11 expires ``expiry_s`` after now."""
    message = invoice(world, n, 400)
    bolt11 = make_bolt11(
        message.payment_hash, Msat(400), expiry_s=expiry_s, created_s=world.now_ms // 1000
    )
    return replace(message, bolt11=bolt11)


def test_a_payment_lnd_never_resolves_stops_counting_once_its_invoice_expired() -> None:
    # A drill found an LND restart mid-payment leaving a payment in flight for good
    # (lnd#9340): counted as paid ahead, it kept the buyer from paying any later invoice
    # while the seller, which never got it, kept the supply off for want of payment.
    world = receiving_world()
    now = world.now_ms
    offer = replace(demo_offer(), payee_node_id=SELLER_NODE_ID)
    book = BuyerPayments()
    book.agree(offer, Msat(400), None, now, [])
    stuck, later = _expiring_invoice(world, 60, 30), _expiring_invoice(world, 61, 30)
    out: list[Action] = []
    assert book.take(stuck, offer, now, out) is None
    book.pay_due(Fraction(0), Msat(400), now, out)
    assert [p.payment_hash for p in pays(out)] == [stuck.payment_hash]
    book.take(later, offer, now, out)
    book.pay_due(Fraction(0), Msat(400), now + 39_000, out)
    assert len(pays(out)) == 1  # still counted: the budget is full
    expired = now + 30_000 + STALE_AFTER_EXPIRY_MS
    out = []
    book.pay_due(Fraction(0), Msat(400), expired, out)
    assert [p.payment_hash for p in pays(out)] == [later.payment_hash]
    assert any(isinstance(a, Record) and "no longer counted" in a.text for a in out)
    assert book.committed == Msat(400)
    # should it succeed after all, it counts again; a failure is not taken off twice
    book.succeeded(PaymentSucceeded(stuck.payment_hash, b"\x00" * 32, Msat(400)), expired, out)
    assert book.committed == Msat(800)
    book.failed(PaymentFailed(later.payment_hash, "no route"), expired)
    assert book.committed == Msat(400)


def test_a_deposit_held_for_the_whole_session_always_counts() -> None:
    world = receiving_world()
    offer = replace(demo_offer(), payee_node_id=SELLER_NODE_ID)
    book = BuyerPayments()
    book.agree(offer, Msat(400), None, world.now_ms, [])
    deposit = replace(
        _expiring_invoice(world, 62, 30), purpose=InvoicePurpose.DEPOSIT, amount=Msat(400)
    )
    out: list[Action] = []
    book.take(deposit, offer, world.now_ms, out)
    book.pay_due(Fraction(0), Msat(400), world.now_ms + 3_600_000, out)
    assert book.stale == set()
