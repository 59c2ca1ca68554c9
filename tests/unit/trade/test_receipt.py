"""DESIGN.md invariant 6, from one side's ledger alone: a third party holding only the two
public keys can check what was agreed, every signed reading, and that every payment is
backed by its preimage."""

from __future__ import annotations

import hashlib

from gridnode.money import Msat
from gridnode.ocmf import verify_series
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Record
from gridnode.trade.messages import (
    AcceptanceMessage,
    OfferMessage,
    PaymentNotice,
)
from gridnode.trade.peer_io import reading_of
from gridnode.trade.signing import fingerprint
from tests.support.terms import T0
from tests.support.trade.sim import SELLER
from tests.support.trade.worlds import BUYER_KEY, MINUTE, SELLER_KEY, make_world


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

    # Every OCMF reading the seller signed verifies against the seller's key as one
    # gap-free series (still open: the session goes on), and the readings it sent are
    # exactly the ones it recorded; the buyer's readings it received verify likewise.
    own = [r.data.decode() for r in ledger if r.kind is LedgerKind.READING]
    sent = [
        reading.text
        for f in frames
        if f.envelope.seq
        and (reading := reading_of(f.envelope.body)) is not None
        and fingerprint(SELLER_KEY.public_key_der) == reading.payload.GS
    ]
    assert len(own) > 10
    assert sent == own
    assert verify_series(own, SELLER_KEY.public_key_der, complete=False) == []
    peer = [r.data.decode() for r in ledger if r.kind is LedgerKind.PEER_READING]
    assert len(peer) > 5
    assert verify_series(peer, BUYER_KEY.public_key_der, complete=False) == []

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
        assert notice.buyer_reading.text in peer
        total += notice.amount
    settled = sum(
        (r.amount for r in ledger if r.kind is LedgerKind.PAYMENT_SETTLED and r.amount),
        Msat(0),
    )
    assert total == settled == world.seller.billing.paid
