"""DESIGN.md invariant 6, from one side's ledger alone: a third party holding only the two
public keys can check what was agreed, every signed reading, and that every payment is
backed by its preimage."""

from __future__ import annotations

import hashlib

from gridnode.money import Msat
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Record
from gridnode.trade.codec._messages import reading_from_pb
from gridnode.trade.messages import (
    AcceptanceMessage,
    MeterReadingMessage,
    OfferMessage,
    PaymentNotice,
)

from .fixtures import T0
from .sim import SELLER
from .test_scenarios import BUYER_KEY, MINUTE, SELLER_KEY, make_world


def test_a_third_party_checks_the_agreement_readings_and_payments_from_the_seller_ledger() -> None:
    world = make_world()
    world.run(T0 + 2 * MINUTE)
    ledger = [a for _, who, a in world.actions if who == SELLER and isinstance(a, Record)]
    seller_key, buyer_key = SELLER_KEY.verifier(), BUYER_KEY.verifier()

    frames = [
        codec.decode(r.data)
        for r in ledger
        if r.kind in (LedgerKind.FRAME_SENT, LedgerKind.FRAME_RECEIVED)
    ]
    (offer,) = [f for f in frames if isinstance(f.envelope.body, OfferMessage)]
    codec.verify(offer, seller_key)
    (acceptance,) = [f for f in frames if isinstance(f.envelope.body, AcceptanceMessage)]
    codec.verify(acceptance, buyer_key)
    assert isinstance(acceptance.envelope.body, AcceptanceMessage)
    assert acceptance.envelope.body.offer_digest == codec.digest(offer)

    # Every signed reading the seller recorded verifies against the seller's key.
    readings = [r for r in ledger if r.kind is LedgerKind.READING and r.text.startswith("signed")]
    signed = [
        body.reading for f in frames if isinstance(body := f.envelope.body, MeterReadingMessage)
    ]
    assert len(signed) == len(readings) > 10
    for reading in signed:
        codec.verify_reading(reading, seller_key)
        assert reading_from_pb(reading.record_bytes) == reading.record
    counters = [r.record.counter for r in signed]
    assert counters == list(range(1, len(counters) + 1))  # gap-free

    # Every payment notice is signed by the buyer, carries the preimage of its hash and
    # the buyer's own signed reading; together they add up to what the seller credited.
    notices = [f for f in frames if isinstance(f.envelope.body, PaymentNotice)]
    total = Msat(0)
    for frame in notices:
        codec.verify(frame, buyer_key)
        notice = frame.envelope.body
        assert isinstance(notice, PaymentNotice)
        assert hashlib.sha256(notice.preimage).digest() == notice.payment_hash
        assert notice.buyer_reading is not None
        codec.verify_reading(notice.buyer_reading, buyer_key)
        total += notice.amount
    settled = sum(
        (r.amount for r in ledger if r.kind is LedgerKind.PAYMENT_SETTLED and r.amount),
        Msat(0),
    )
    assert total == settled == world.seller.billing.paid
