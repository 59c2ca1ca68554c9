"""A receipt for a person: the terms, a table of intervals, the totals.

Each row is one step of the seller's signed series (the readings its invoices carry):
when, how much energy, the mean agreed rate over the step, what it cost, and what the
buyer paid in that step. The buyer's meter gets its own total below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gridnode.receipt.accounting import Interval, intervals
from gridnode.receipt.model import iso_ms
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError
from gridnode.trade.messages import AcceptanceMessage, OfferMessage, RenewalMessage
from gridnode.trade.terms import Offer


def _accepted(receipt: Mapping[str, Any]) -> list[Offer]:
    offers: dict[bytes, Offer] = {}
    accepted: list[Offer] = []
    for item in receipt.get("messages", []):
        try:
            received = codec.decode(bytes.fromhex(item["frame"]))
        except (DecodeError, KeyError, ValueError, TypeError):
            continue
        body = received.envelope.body
        if isinstance(body, OfferMessage | RenewalMessage):
            offers[codec.digest(received)] = body.offer
        elif isinstance(body, AcceptanceMessage) and body.offer_digest in offers:
            accepted.append(offers[body.offer_digest])
    return accepted


def _when(iso: str | None) -> datetime | None:
    return None if iso is None else datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _paid_in(step: Interval, payments: list[dict[str, Any]]) -> int:
    start, stop = step.start_ms, step.stop_ms
    total = 0
    for p in payments:
        settled = _when(p.get("settled"))
        if settled is not None and start < settled.timestamp() * 1000 <= stop:
            total += int(p.get("amount_msat") or 0)
    return total


def receipt_text(receipt: Mapping[str, Any]) -> str:
    offers = _accepted(receipt)
    lines = [f"Receipt of session {receipt.get('session_id')}"]
    for party in receipt.get("parties", []):
        lines.append(f"  {party.get('role'):<6}  {party.get('fingerprint')}")
    for offer in offers:
        lines.append(
            f"  terms   {iso_ms(offer.start_ms)} .. {iso_ms(offer.stop_ms)}  meter "
            f"{offer.meter_id}  prepayment {offer.payments.prepayment.msat} msat"
        )
    lines.append("")
    header = f"{'from (UTC)':<24} {'to':<12} {'energy Wh':>10} {'rate sat/kWh':>13} "
    header += f"{'cost msat':>10} {'paid msat':>10}"
    lines.append(header)
    payments = [p for p in receipt.get("payments", []) if isinstance(p, dict)]
    steps = intervals(receipt.get("readings", {}).get("seller", []), offers) if offers else []
    for step in steps:
        cost = step.cost_msat.numerator // step.cost_msat.denominator
        rate = float(step.price_msat_per_kwh) / 1000
        lines.append(
            f"{iso_ms(step.start_ms):<24} {iso_ms(step.stop_ms)[11:23]:<12} "
            f"{step.energy_mwh / 1000:>10.3f} {rate:>13.3f} {cost:>10} "
            f"{_paid_in(step, payments):>10}"
        )
    totals = receipt.get("totals", {})
    energy = totals.get("energy_wh", {})
    cost = totals.get("cost_msat", {})
    lines += [
        "",
        f"energy   seller's meter {energy.get('seller', 0):.3f} Wh, "
        f"buyer's meter {energy.get('buyer', 0):.3f} Wh",
        f"cost     by the seller's meter {cost.get('seller')} msat, "
        f"by the buyer's meter {cost.get('buyer')} msat",
        f"paid     {totals.get('paid_msat')} msat in {len(payments)} payments "
        f"(routing fees {totals.get('fees_msat', 0)} msat)",
    ]
    return "\n".join(lines) + "\n"
