"""Check 6 of a receipt: the credit the session left (issue 19).

The seller's signed closing statement states, to the msat, what was paid, the credit
note of an earlier session it honoured, the energy its meter delivered, that energy's
cost by the billing rule (rounded up) and the credit left. The verifier holds it to the
signed parts: paid is what the payments' proofs add up to, the energy is the seller's
signed series, the cost is that energy at the agreed rates (within one msat of rounding
per reading step). Then the credit must have gone somewhere: returned (a refund whose
BOLT11 is payable to the refund node the buyer named in its signed acceptance, for no
more than the credit, with a preimage that hashes to its payment hash), carried into a
later session (named), or waived by the buyer. So: paid + carried in = energy at the
agreed price + returned (or carried), and any difference is named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from gridnode.receipt.accounting import cost_msat, energy_mwh, intervals
from gridnode.receipt.checking import Context, as_list
from gridnode.trade.invoice_check import read_bolt11

_WHERE = "credit"


def check_credit(ctx: Context) -> dict[str, Any]:
    """Check the closing statement and what became of its credit; the figures found."""
    if not ctx.statements or not ctx.offers:
        return {}
    statement = ctx.statements[-1]  # a restatement (a late settlement) supersedes
    where = "closing statement"
    payments = [p for p in as_list(ctx.receipt.get("payments")) if isinstance(p, Mapping)]
    paid = sum(int(p.get("amount_msat") or 0) for p in payments if p.get("purpose") == "prepayment")
    if statement.paid.msat != paid:
        ctx.add(
            "statement_paid_mismatch",
            where,
            f"counts {statement.paid.msat} msat paid, but the payments' proofs add up to "
            f"{paid} msat ({paid - statement.paid.msat:+d} msat).",
        )
    records = ctx.readings.get("seller", [])
    by_readings = None
    if records:
        energy = energy_mwh(records)
        if statement.energy_mwh != energy:
            ctx.add(
                "statement_energy_mismatch",
                where,
                f"counts {statement.energy_mwh} mWh delivered, but the seller's signed "
                f"readings give {energy} mWh.",
            )
        steps = intervals(records, ctx.offers)
        cost = cost_msat(steps)
        ceil = by_readings = -(-cost.numerator // cost.denominator)
        if abs(statement.cost.msat - ceil) > max(1, len(steps)):
            ctx.add(
                "statement_cost_mismatch",
                where,
                f"charges {statement.cost.msat} msat, but {energy} mWh at the agreed rates "
                f"cost {ceil} msat.",
            )
    credit = statement.credit.msat
    returned = _returned(ctx, credit)
    outcome = ctx.receipt.get("credit")
    state = outcome.get("state") if isinstance(outcome, Mapping) else None
    carried = credit if state == "carried" else 0
    waived = credit if state == "waived" else 0
    if credit > 0 and returned + carried + waived != credit:
        owed = credit - returned - carried - waived
        ctx.add(
            "credit_outstanding",
            _WHERE,
            f"the statement leaves {credit} msat of credit; {returned} msat was returned and "
            f"{carried} msat carried: {owed} msat is still owed to the buyer.",
        )
    return {
        "paid_msat": statement.paid.msat,
        "cost_msat": statement.cost.msat,
        "cost_by_readings_msat": by_readings,
        "credit_msat": credit,
        "returned_msat": returned,
        "carried_msat": carried,
        "carried_in_msat": statement.carried_in.msat,
    }


def _returned(ctx: Context, credit: int) -> int:
    """The refund's amount, when its proof holds; problems named otherwise."""
    outcome = ctx.receipt.get("credit")
    if not isinstance(outcome, Mapping) or outcome.get("state") != "paid":
        return 0
    refund = outcome.get("refund")
    if not isinstance(refund, Mapping):
        return 0
    where = f"{_WHERE}.refund"
    facts = read_bolt11(str(refund.get("bolt11", "")))
    if isinstance(facts, str):
        ctx.add("refund_invalid", where, facts)
        return 0
    if facts.payment_hash.hex() != refund.get("payment_hash"):
        ctx.add("refund_invalid", where, "its BOLT11 is for another payment hash.")
        return 0
    amount = facts.amount.msat if facts.amount is not None else 0
    try:
        preimage = bytes.fromhex(str(refund.get("preimage") or ""))
    except ValueError:
        preimage = b""
    if hashlib.sha256(preimage).digest() != facts.payment_hash:
        ctx.add("refund_unproven", where, "has no preimage that hashes to its payment hash.")
        return 0
    payees = {a.refund_node_id for a in ctx.acceptances if a.refund_node_id}
    if facts.payee not in payees:
        ctx.add(
            "refund_payee_mismatch",
            where,
            f"was paid to Lightning node {facts.payee}, not the refund node the buyer named "
            "in its signed acceptance.",
        )
        return 0
    if amount > credit:
        ctx.add("refund_too_large", where, f"pays {amount} msat, more than the credit {credit}.")
    return amount
