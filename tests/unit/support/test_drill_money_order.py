"""The drill's money checks read the ledgers while the nodes trade on. A payment that
finished between the read of LND and the read of a ledger was judged a disagreement
("settled here, OPEN in LND"; the full drill's 230301a9); each ledger is now read before
LND for what it says has happened and after LND for what LND holds."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any, cast

from gridnode.ledger import LedgerStore
from gridnode.regtest.daemons import LndNode
from tests.support.drill.money import Party, check_money
from tests.support.regtest.lnd import LndProbe

PREIMAGE = bytes(range(32))
HASH = hashlib.sha256(PREIMAGE).digest()
OTHER_PREIMAGE = bytes(range(1, 33))
OTHER_HASH = hashlib.sha256(OTHER_PREIMAGE).digest()


def _ledgers(tmp_path: Path) -> tuple[Party, Party]:
    seller = Party("seller", tmp_path / "seller.sqlite", cast(LndNode, "seller-lnd"))
    buyer = Party("buyer-1", tmp_path / "buyer.sqlite", cast(LndNode, "buyer-lnd"))
    LedgerStore.open(seller.ledger, "seller").close()
    LedgerStore.open(buyer.ledger, "buyer").close()
    with sqlite3.connect(seller.ledger) as db:
        db.execute(
            "INSERT INTO invoices (payment_hash, session_id, purpose, hold, bolt11,"
            " amount_msat, state, created_at_ms) VALUES (?, 's', 'prepayment', 0, 'lnbc',"
            " 400, 'open', 1)",
            (HASH,),
        )
    with sqlite3.connect(buyer.ledger) as db:
        db.execute(
            "INSERT INTO payments (payment_hash, session_id, bolt11, amount_msat, status,"
            " attempted_at_ms) VALUES (?, 's', 'lnbc', 400, 'in_flight', 1)",
            (HASH,),
        )
    return seller, buyer


def _settle(seller: Party, buyer: Party) -> None:
    """The payment finishes: the seller credits it, the buyer writes it paid."""
    with sqlite3.connect(seller.ledger) as db:
        db.execute(
            "UPDATE invoices SET state = 'settled', settle_index = 1, amount_paid_msat = 400,"
            " preimage = ?, settled_at_ms = 2",
            (PREIMAGE,),
        )
        db.execute("UPDATE wallet_cursor SET settle_index = 1")
    with sqlite3.connect(buyer.ledger) as db:
        db.execute("UPDATE payments SET status = 'succeeded', preimage = ?", (PREIMAGE,))


class RacingProbe:
    """LND as the second client sees it: the seller's invoices listed while the payment
    is in flight, the payment finishing right after (before the ledgers are read)."""

    def __init__(self, seller: Party, buyer: Party, extra: dict[str, Any] | None = None):
        self.seller, self.buyer, self.extra = seller, buyer, extra

    def ask(self, what: str, node: LndNode) -> Any:
        if what == "invoices":
            invoices = [_invoice(HASH, "OPEN", 0)]
            if self.extra is not None:
                invoices.append(self.extra)
            _settle(self.seller, self.buyer)
            return invoices
        assert what == "payments"
        return [
            {
                "payment_hash": HASH.hex(),
                "status": "SUCCEEDED",
                "value_msat": 400,
                "preimage": PREIMAGE.hex(),
            }
        ]


def _invoice(payment_hash: bytes, state: str, paid: int) -> dict[str, Any]:
    return {
        "payment_hash": payment_hash.hex(),
        "state": state,
        "amt_paid_msat": paid,
        "value_msat": 400,
        "settle_index": 1 if paid else 0,
        "memo": "gridnode prepayment",
    }


def test_a_payment_finishing_while_the_checks_read_is_no_disagreement(tmp_path: Path) -> None:
    seller, buyer = _ledgers(tmp_path)
    probe = cast(LndProbe, RacingProbe(seller, buyer))
    report = check_money(seller, [buyer], probe, final=False)
    assert report.problems == []
    # read again, all settled on both sides: still nothing, and the counts see it
    again = check_money(seller, [buyer], cast(LndProbe, _Settled()), final=False)
    assert again.problems == []
    assert again.counts["invoices_settled"] == 1


class _Settled:
    def ask(self, what: str, node: LndNode) -> Any:
        if what == "invoices":
            return [_invoice(HASH, "SETTLED", 400)]
        return [
            {
                "payment_hash": HASH.hex(),
                "status": "SUCCEEDED",
                "value_msat": 400,
                "preimage": PREIMAGE.hex(),
            }
        ]


def test_an_invoice_lnd_settled_that_no_ledger_wrote_is_still_found(tmp_path: Path) -> None:
    seller, buyer = _ledgers(tmp_path)
    stranger = _invoice(OTHER_HASH, "SETTLED", 400)
    report = check_money(
        seller, [buyer], cast(LndProbe, RacingProbe(seller, buyer, stranger)), final=False
    )
    assert [p.text for p in report.problems] == [
        f"{OTHER_HASH.hex()} settled in LND, unknown to the ledger"
    ]
