"""gridnode's BOLT11 reader agrees with the ``bolt11`` package, field by field, on signed
invoices and on every mutation of them; and it refuses what BOLT 11 says a reader must."""

from __future__ import annotations

import hashlib
import random

import bech32
import bolt11 as reference
import pytest
from bolt11.models.tags import TagChar, Tags
from bolt11.types import Bolt11 as RefInvoice
from bolt11.types import MilliSatoshi
from coincurve import PrivateKey

from gridnode.money import Msat
from gridnode.trade.bolt11 import DEFAULT_EXPIRY_S, Bolt11, Bolt11Error, decode
from tests.support.bolt11s import SELLER_NODE_ID, SELLER_NODE_KEY, make_bolt11

KEY = SELLER_NODE_KEY


def _invoice(
    rng: random.Random,
    *,
    currency: str = "bcrt",
    amount_msat: int | None = 1_000,
    named_payee: bool = False,
    description_hash: bool = False,
    expiry_s: int | None = None,
) -> str:
    tags = Tags()
    tags.add(TagChar.payment_hash, rng.randbytes(32).hex())
    if description_hash:
        tags.add(TagChar.description_hash, hashlib.sha256(b"terms").hexdigest())
    else:
        tags.add(TagChar.description, "gridnode " + str(rng.randrange(10**6)))
    tags.add(TagChar.payment_secret, rng.randbytes(32).hex())
    if expiry_s is not None:
        tags.add(TagChar.expire_time, expiry_s)
    tags.add(TagChar.min_final_cltv_expiry, 40)
    if named_payee:
        tags.add(TagChar.payee, SELLER_NODE_ID)
    invoice = RefInvoice(
        currency=currency,
        amount_msat=None if amount_msat is None else MilliSatoshi(amount_msat),
        date=1_765_000_000 + rng.randrange(10**6),
        tags=tags,
    )
    return str(reference.encode(invoice, KEY, keep_payee=named_payee))


def _agrees(text: str) -> None:
    """Both readers accept ``text`` with the same fields, or both refuse it."""
    try:
        expected = reference.decode(text)
    except Exception:  # the package raises many types; each means "not valid"
        expected = None
    try:
        got: Bolt11 | None = decode(text)
    except Bolt11Error:
        got = None
    if expected is None:
        assert got is None, f"gridnode accepted what the package refuses: {text}"
        return
    assert got is not None, f"gridnode refused what the package accepts: {text}"
    assert got.network == expected.currency
    assert got.amount_msat == (None if expected.amount_msat is None else int(expected.amount_msat))
    assert got.payment_hash.hex() == expected.payment_hash
    assert got.payee == expected.payee
    assert got.timestamp_s == expected.date
    assert got.expiry_s == expected.expiry
    secret = expected.tags.get(TagChar.payment_secret)
    assert secret is not None
    assert got.payment_secret.hex() == secret.data


@pytest.mark.parametrize("currency", ["bcrt", "bc", "tb", "tbs"])
@pytest.mark.parametrize("amount_msat", [None, 1, 10, 990, 1_000, 123_456_789, 2_100_000_000])
def test_fields_match_the_package(currency: str, amount_msat: int | None) -> None:
    rng = random.Random(f"{currency}{amount_msat}")
    for named_payee in (False, True):
        _agrees(_invoice(rng, currency=currency, amount_msat=amount_msat, named_payee=named_payee))


def test_expiry_payee_and_description_hash() -> None:
    rng = random.Random(2)
    text = _invoice(rng, expiry_s=86_400, description_hash=True, named_payee=True)
    invoice = decode(text)
    assert invoice.expiry_s == 86_400
    assert invoice.expires_at_s == invoice.timestamp_s + 86_400
    assert invoice.payee == SELLER_NODE_ID
    assert decode(_invoice(rng)).expiry_s == DEFAULT_EXPIRY_S
    _agrees(text)


def test_the_test_support_invoices_read_as_made() -> None:
    payment_hash = bytes(range(32))
    invoice = decode(make_bolt11(payment_hash, Msat(4_321), expiry_s=30, created_s=1_700_000_000))
    assert (invoice.payment_hash, invoice.amount_msat) == (payment_hash, 4_321)
    assert (invoice.payee, invoice.expires_at_s) == (SELLER_NODE_ID, 1_700_000_030)


def test_a_payee_field_the_signature_does_not_hold_for_is_refused() -> None:
    rng = random.Random(3)
    other = PrivateKey.from_hex("22" * 32).public_key.format(compressed=True).hex()
    tags = Tags()
    tags.add(TagChar.payment_hash, rng.randbytes(32).hex())
    tags.add(TagChar.description, "x")
    tags.add(TagChar.payment_secret, rng.randbytes(32).hex())
    tags.add(TagChar.payee, other)
    invoice = RefInvoice(currency="bcrt", amount_msat=MilliSatoshi(5), date=1, tags=tags)
    text = str(reference.encode(invoice, KEY, keep_payee=True))
    with pytest.raises(Bolt11Error, match="does not hold for the payee"):
        decode(text)
    _agrees(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "not bech32"),
        ("lnbcrt1", "not bech32"),
        ("hello world", "not bech32"),
    ],
)
def test_garbage_is_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(Bolt11Error, match=why):
        decode(text)


def test_a_pico_amount_must_be_whole_msat() -> None:
    rng = random.Random(4)
    good = _invoice(rng, amount_msat=1_230)  # encodes as 12300p or 123n
    hrp, groups = bech32.bech32_decode(good)
    assert hrp is not None
    assert groups is not None
    with pytest.raises(Bolt11Error, match="whole number of msat"):
        decode(bech32.bech32_encode("lnbcrt12301p", groups))


def test_every_mutation_is_read_as_the_package_reads_it() -> None:
    """Mutations below the checksum (the checksum recomputed), so each reaches the fields."""
    rng = random.Random(5)
    seeds = [
        _invoice(rng),
        _invoice(rng, named_payee=True, expiry_s=60),
        _invoice(rng, amount_msat=None, description_hash=True),
        make_bolt11(bytes(32), Msat(77)),
    ]
    for _ in range(400):
        hrp, groups = bech32.bech32_decode(rng.choice(seeds))
        assert hrp is not None
        assert groups is not None
        groups = list(groups)
        for _ in range(rng.randrange(1, 4)):
            kind = rng.randrange(4)
            at = rng.randrange(len(groups))
            if kind == 0:
                groups[at] = rng.randrange(32)
            elif kind == 1:
                del groups[at]
            elif kind == 2:
                groups.insert(at, rng.randrange(32))
            else:
                groups = groups[:at]
        mutated_hrp = hrp if rng.random() < 0.8 else rng.choice(["lnbc", "lnbcrt10n", "lnxy"])
        _agrees(bech32.bech32_encode(mutated_hrp, groups))
