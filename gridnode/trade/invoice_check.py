"""Check a BOLT11 against what the invoice message claims, before the buyer pays it.

The seller's invoice message states a payment hash and an amount, and carries the BOLT11
the wallet will pay. The wallet pays the BOLT11, not the message: a BOLT11 for more than
the message says, for another payment hash, or payable to another Lightning node than
the one named in the signed offer would be paid as written. So the buyer decodes it
first (pure computation, :mod:`gridnode.trade.bolt11`, which also checks the invoice's
signature against its payee) and refuses any difference. The receipt verifier runs the
same check on every invoice of a session.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from gridnode.money import Msat
from gridnode.trade.bolt11 import Bolt11Error, decode


@dataclass(frozen=True, slots=True)
class Bolt11Facts:
    payment_hash: bytes
    amount: Msat | None
    payee: str
    network: str
    #: When the invoice stops being payable (its timestamp plus its expiry), Unix ms.
    expires_at_ms: int


# pure, so a BOLT11 seen again (a resent invoice) is not decoded again
@functools.lru_cache(maxsize=256)
def read_bolt11(text: str) -> Bolt11Facts | str:
    """What a BOLT11 says, or a sentence saying why it cannot be trusted."""
    try:
        decoded = decode(text)
    except Bolt11Error as exc:
        return f"the BOLT11 does not decode or its signature does not hold: {exc}"
    amount = Msat(decoded.amount_msat) if decoded.amount_msat else None
    return Bolt11Facts(
        decoded.payment_hash, amount, decoded.payee, decoded.network, decoded.expires_at_s * 1000
    )


def bolt11_problem(text: str, payment_hash: bytes, amount: Msat, payee: str = "") -> str | None:
    """None when the BOLT11 is for exactly ``payment_hash`` and ``amount`` (and, when
    given, payable to ``payee``, a hex node id); else a sentence naming the difference."""
    facts = read_bolt11(text)
    if isinstance(facts, str):
        return facts
    if facts.payment_hash != payment_hash:
        return (
            f"the BOLT11 is for payment hash {facts.payment_hash.hex()}, but the invoice "
            f"message says {payment_hash.hex()}"
        )
    if facts.amount is None:
        return "the BOLT11 names no amount: paying it would let the seller name any sum"
    if facts.amount != amount:
        return f"the BOLT11 asks {facts.amount}, but the invoice message says {amount}"
    if payee and facts.payee != payee.lower():
        return (
            f"the BOLT11 is payable to Lightning node {facts.payee}, not to {payee.lower()} "
            "named in the signed offer"
        )
    return None
