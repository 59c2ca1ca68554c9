"""Real BOLT11 strings for fake wallets and simulated sellers.

The buyer decodes every BOLT11 (its signature, payment hash, amount and payee) before it
pays, so a fake that hands out made-up strings would be refused; these are encoded and
signed like LND's, by a fixed test node key, for the regtest currency."""

from __future__ import annotations

import functools
import hashlib
import os
import time

import bolt11
from bolt11.models.tags import TagChar, Tags
from bolt11.types import Bolt11, MilliSatoshi
from coincurve import PrivateKey

from gridnode.money import Msat

#: The simulated seller's Lightning node key (never a real one).
SELLER_NODE_KEY = hashlib.sha256(b"gridnode test seller lightning node").hexdigest()
SELLER_NODE_ID = PrivateKey.from_hex(SELLER_NODE_KEY).public_key.format(compressed=True).hex()


def node_id(private_key_hex: str) -> str:
    return PrivateKey.from_hex(private_key_hex).public_key.format(compressed=True).hex()


@functools.lru_cache(maxsize=4096)  # simulations reuse their payment hashes
def make_bolt11(
    payment_hash: bytes,
    amount: Msat,
    *,
    key: str = SELLER_NODE_KEY,
    memo: str = "gridnode",
    expiry_s: int = 3600,
    created_s: int | None = None,
) -> str:
    tags = Tags()
    tags.add(TagChar.payment_hash, payment_hash.hex())
    tags.add(TagChar.description, memo)
    tags.add(TagChar.payment_secret, os.urandom(32).hex())
    tags.add(TagChar.expire_time, expiry_s)
    invoice = Bolt11(
        currency="bcrt",
        amount_msat=MilliSatoshi(amount.msat),
        date=int(time.time()) if created_s is None else created_s,
        tags=tags,
    )
    return bolt11.encode(invoice, key)
