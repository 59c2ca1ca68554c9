"""Issue 19's "Done when" as a check of a run's books: by LND's own records (a second
client, not gridnode's adapter), what each buyer paid the seller less what the seller
paid back equals the energy delivered at the agreed price, within one msat of rounding
per payment. Used by the regtest tier (tests/regtest/test_credit_refunds.py, on its
in-process demo) and by ``scripts/check_credit.py`` (on ``gridnode demo --seconds 90
--json --keep-network``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridnode.receipt.export import build_receipt, receipt_sessions
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.regtest.daemons import LndNode
from tests.support.regtest.lnd import lndgrpc

#: The payment hash of each credit note's refund invoice (the one paid, once paid).
_NOTED = "SELECT hex(payment_hash) FROM credit_notes WHERE payment_hash IS NOT NULL"
#: Ask LND (``invoices`` or ``payments``) through the second client.
Ask = Callable[[str, LndNode], Any]


@dataclass(frozen=True)
class Books:
    """One node of the run: its name, its ledger, its key's fingerprint."""

    name: str
    ledger: Path
    fingerprint: str


def _rows(ledger: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        return list(db.execute(sql).fetchall())
    finally:
        db.close()


def _hashes(ledger: Path, sql: str) -> set[str]:
    return {str(h).lower() for (h,) in _rows(ledger, sql)}


def check_credit(
    seller_lnd: LndNode, seller: Books, buyers: list[Books], ask: Ask = lndgrpc
) -> dict[str, Any]:
    """The books of each buyer by LND's records, and every difference found (``problems``;
    ``ok`` when there is none)."""
    settled = {
        i["payment_hash"]: int(i["amt_paid_msat"])
        for i in ask("invoices", seller_lnd)
        if i["state"] == "SETTLED"
    }
    refunds = [p for p in ask("payments", seller_lnd) if p["status"] == "SUCCEEDED"]
    refund_hashes = [p["payment_hash"] for p in refunds]
    problems: list[str] = []
    if len(refund_hashes) != len(set(refund_hashes)):
        problems.append("a refund was paid twice")
    accounted: set[str] = set()
    report: dict[str, Any] = {}
    for buyer in buyers:
        ours = _hashes(
            buyer.ledger, "SELECT hex(payment_hash) FROM payments WHERE status = 'succeeded'"
        )
        paid = sum(v for h, v in settled.items() if h in ours)
        noted = _hashes(
            buyer.ledger,
            "SELECT hex(payment_hash) FROM credit_notes WHERE payment_hash IS NOT NULL",
        )
        back = sum(int(p["value_msat"]) for p in refunds if p["payment_hash"] in noted)
        accounted |= noted
        delivered, payments, receipts = 0, 0, 0
        options = VerifyOptions(seller_fpr=seller.fingerprint, buyer_fpr=buyer.fingerprint)
        for name, protocol_id in receipt_sessions(buyer.ledger):
            receipt = build_receipt(buyer.ledger, name)
            verified = verify_receipt(receipt, options)
            receipts += 1
            if not verified.ok:
                problems += [f"{buyer.name} {name}: {p}" for p in verified.problems]
            credit = verified.checked.get("credit")
            if not credit:
                # the seller's closing statement never reached this buyer (the seller was
                # stopped just after writing it): the seller's own receipt of the session,
                # verified, states the energy at the agreed price
                credit = _sellers_credit(seller, protocol_id, options, problems)
            if credit:
                delivered += credit["cost_by_readings_msat"] or 0
            payments += len(receipt["payments"])
        difference = paid - back - delivered
        allowed = max(1, payments)
        report[buyer.name] = {
            "paid_msat": paid,
            "refunded_msat": back,
            "delivered_at_agreed_price_msat": delivered,
            "difference_msat": difference,
            "payments": payments,
            "allowed_msat": allowed,
            "receipts": receipts,
        }
        if back <= 0:
            problems.append(f"{buyer.name} got nothing back")
        if abs(difference) > allowed:
            problems.append(
                f"{buyer.name}: paid {paid} - refunded {back} - delivered {delivered} = "
                f"{difference} msat, more than {allowed} msat of rounding"
            )
    # gridnode's seller paid nothing but refunds (the network's set-up made payments too)
    seller_paid = _hashes(seller.ledger, "SELECT hex(payment_hash) FROM payments")
    if not seller_paid <= accounted:
        problems.append(f"the seller paid {len(seller_paid - accounted)} payments no note names")
    return {"buyers": report, "problems": problems, "ok": not problems}


def _sellers_credit(
    seller: Books, protocol_id: str, options: VerifyOptions, problems: list[str]
) -> dict[str, Any] | None:
    """The credit check of the seller's receipt of the session ``protocol_id``, or None
    when the seller has no statement for it either."""
    names = [name for name, pid in receipt_sessions(seller.ledger) if pid == protocol_id]
    if not names:
        return None
    verified = verify_receipt(build_receipt(seller.ledger, names[0]), options)
    if not verified.ok:
        problems += [f"seller {names[0]}: {p}" for p in verified.problems]
    credit = verified.checked.get("credit")
    return credit if isinstance(credit, dict) else None
