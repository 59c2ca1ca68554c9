"""The seller's renewal lifecycle: one proposal per period, answered once."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.money import Msat
from gridnode.trade.actions import Action
from gridnode.trade.machine import Outbox
from gridnode.trade.messages import AcceptanceMessage, Envelope, Received
from gridnode.trade.seller_renewal import SellerRenewal
from gridnode.trade.signing import P256Signer
from gridnode.trade.terms import Offer
from tests.support.terms import MINUTE, T0, demo_offer


def _proposed(renewal: SellerRenewal, offer: Offer) -> bytes:
    outbox = Outbox(b"s" * 16, P256Signer(ec.generate_private_key(ec.SECP256R1())))
    out: list[Action] = []
    renewal.propose(offer, outbox, offer.stop_ms - offer.policy.renewal_lead_ms, out)
    assert renewal.proposed is not None
    return renewal.proposed[1]


def _acceptance(digest: bytes) -> tuple[AcceptanceMessage, Received]:
    body = AcceptanceMessage(digest, Msat(400))
    return body, Received(Envelope(b"s" * 16, 3, body), b"", b"", b"signed acceptance")


def test_an_accepted_renewal_is_answered_and_a_later_rejection_answers_nothing() -> None:
    offer = demo_offer()
    renewal = SellerRenewal(policy=lambda current: demo_offer(start=current.stop_ms))
    digest = _proposed(renewal, offer)
    assert renewal.pending
    body, received = _acceptance(digest)
    assert renewal.answered_by(body)
    record = renewal.accept(received, T0 + MINUTE)
    assert record.data == b"signed acceptance"
    # answered: the session refuses a rejection or a second acceptance as out of place
    assert not renewal.pending
    assert not renewal.answered_by(body)
    assert renewal.take(offer.stop_ms) == demo_offer(start=offer.stop_ms)


def test_a_rejected_renewal_lets_the_period_end() -> None:
    offer = demo_offer()
    renewal = SellerRenewal(policy=lambda current: demo_offer(start=current.stop_ms))
    _proposed(renewal, offer)
    note = renewal.reject()
    assert "the sale ends with the period" in note.text
    assert not renewal.pending
    assert renewal.take(offer.stop_ms) is None
