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
from gridnode.receipt.terms import accepted_offers


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


def _span(start_ms: int, stop_ms: int) -> str:
    start, stop = iso_ms(start_ms), iso_ms(stop_ms)
    end = stop[11:19] if stop[:10] == start[:10] else f"{stop[:10]} {stop[11:19]}"
    return f"{start[:10]} {start[11:19]} .. {end} UTC"


def receipt_text(receipt: Mapping[str, Any]) -> str:
    """The receipt as a person reads it, in 76 columns."""
    offers = accepted_offers(receipt)
    lines = [f"Receipt of session {receipt.get('session_id')}"]
    for party in receipt.get("parties", []):
        lines.append(f"  {party.get('role'):<6}  {party.get('fingerprint')}")
    if offers:
        lines.append(f"  meter   {offers[0].meter_id} (the seller's)")
    for offer in offers:
        lines.append(
            f"  period  {_span(offer.start_ms, offer.stop_ms)}, "
            f"prepay {offer.payments.prepayment.msat} msat"
        )
    lines.append("")
    lines.append(
        f"{'from':<12}  {'to':<12}  {'energy Wh':>9}  {'sat/kWh':>8}  {'cost msat':>9}  "
        f"{'paid msat':>9}"
    )
    payments = [p for p in receipt.get("payments", []) if isinstance(p, dict)]
    steps = intervals(receipt.get("readings", {}).get("seller", []), offers) if offers else []
    day = ""
    for step in steps:
        start = iso_ms(step.start_ms)
        if start[:10] != day:
            day = start[:10]
            lines.append(f"{day} (UTC)")
        cost = step.cost_msat.numerator // step.cost_msat.denominator
        rate = float(step.price_msat_per_kwh) / 1000
        lines.append(
            f"{start[11:23]:<12}  {iso_ms(step.stop_ms)[11:23]:<12}  "
            f"{step.energy_mwh / 1000:>9.3f}  {rate:>8.3f}  {cost:>9}  "
            f"{_paid_in(step, payments):>9}"
        )
    totals = receipt.get("totals", {})
    energy = totals.get("energy_wh", {})
    cost = totals.get("cost_msat", {})
    lines += [
        "",
        f"energy  seller's meter {energy.get('seller', 0):.3f} Wh, "
        f"buyer's meter {energy.get('buyer', 0):.3f} Wh",
        f"cost    {cost.get('seller')} msat by the seller's meter, "
        f"{cost.get('buyer')} msat by the buyer's",
        f"paid    {totals.get('paid_msat')} msat in {len(payments)} payments "
        f"(routing fees {totals.get('fees_msat', 0)} msat)",
    ]
    faults = [f for f in receipt.get("faults", []) if isinstance(f, dict)]
    for fault in faults:
        lines.append(
            f"fault   {str(fault.get('at', ''))[11:23]} {fault.get('from')} "
            f"{fault.get('message')} ({fault.get('cause')}): {fault.get('text')}"
        )
    return "\n".join(lines) + "\n"
