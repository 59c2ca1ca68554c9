"""The buyer's BOLT11 check: exactly the message's payment hash and amount, payable to
the Lightning node the offer names, and a valid signature."""

from __future__ import annotations

import hashlib

from gridnode.money import Msat
from gridnode.trade.invoice_check import bolt11_problem, read_bolt11
from tests.support.bolt11s import SELLER_NODE_ID, make_bolt11

H = hashlib.sha256(b"invoice").digest()


def test_a_bolt11_that_says_what_the_message_says_passes() -> None:
    text = make_bolt11(H, Msat(400))
    assert bolt11_problem(text, H, Msat(400), SELLER_NODE_ID) is None
    assert bolt11_problem(text, H, Msat(400)) is None  # an offer that names no payee
    facts = read_bolt11(text)
    assert not isinstance(facts, str)
    assert (facts.payment_hash, facts.amount, facts.payee, facts.network) == (
        H,
        Msat(400),
        SELLER_NODE_ID,
        "bcrt",
    )


def test_each_difference_is_named() -> None:
    text = make_bolt11(H, Msat(400))
    assert "asks 0.400 sat, but the invoice message says 0.300 sat" in str(
        bolt11_problem(text, H, Msat(300))
    )
    assert "is for payment hash" in str(bolt11_problem(text, b"\x01" * 32, Msat(400)))
    other = "02" + "11" * 32
    assert f"not to {other}" in str(bolt11_problem(text, H, Msat(400), other))


def test_a_bolt11_with_no_amount_is_refused() -> None:
    text = make_bolt11(H, Msat(0))
    assert "names no amount" in str(bolt11_problem(text, H, Msat(400)))


def test_a_changed_character_breaks_the_signature_or_the_checksum() -> None:
    text = make_bolt11(H, Msat(400))
    for position in (20, 60, len(text) - 20):
        changed = text[:position] + ("q" if text[position] != "q" else "p") + text[position + 1 :]
        assert bolt11_problem(changed, H, Msat(400), SELLER_NODE_ID) is not None


def test_garbage_is_refused_with_a_sentence() -> None:
    assert "does not decode" in str(bolt11_problem("lnbcrt1", H, Msat(400)))
    assert "does not decode" in str(bolt11_problem("", H, Msat(400)))
