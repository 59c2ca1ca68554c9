"""A statement as JSON, CSV or text: the same figures, exact in msat and mWh.

The CSV has a row per session (``row = session``), a total row per tenant (``row =
tenant``) and one for the whole statement (``row = total``), so a spreadsheet can sum
the sessions or take the totals as they are.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from gridnode.statement.model import SessionLine, Statement, Totals

CSV_COLUMNS = (
    "row",
    "tenant",
    "tenant_fingerprint",
    "session_id",
    "opened",
    "closed",
    "energy_seller_mwh",
    "energy_seller_kwh",
    "energy_buyer_mwh",
    "cost_msat",
    "paid_msat",
    "paid_sat",
    "fees_msat",
    "payments",
    "deposit_msat",
    "deposit_state",
    "deposits_held_msat",
    "deposits_released_msat",
    "deposits_taken_msat",
    "breaches",
    "tariffs",
    "receipt_file",
    "receipt_sha256",
    "source",
    "fiat",
    "currency",
)


def kwh(mwh: int) -> str:
    """Exact kWh for people: mWh has six decimals in kWh."""
    return f"{Decimal(mwh) / 1_000_000:.6f}"


def sat(msat: int) -> str:
    """Exact sat: msat has three decimals in sat."""
    return f"{Decimal(msat) / 1000:.3f}"


def _line_json(line: SessionLine) -> dict[str, Any]:
    return {
        "session_id": line.session_id,
        "opened": line.opened,
        "closed": line.closed,
        "state": line.state,
        "energy_mwh": {"seller": line.energy_seller_mwh, "buyer": line.energy_buyer_mwh},
        "cost_msat": line.cost_msat,
        "paid_msat": line.paid_msat,
        "fees_msat": line.fees_msat,
        "payments": line.payments,
        "deposit": {"msat": line.deposit_msat, "state": line.deposit_state.value},
        "breaches": list(line.breaches),
        "tariffs": list(line.tariffs),
        "receipt": {"file": line.receipt_file, "sha256": line.receipt_sha256},
        "source": line.source,
        "fiat": None if line.fiat is None else str(line.fiat),
    }


def _totals_json(totals: Totals) -> dict[str, Any]:
    return {
        "energy_mwh": {"seller": totals.energy_seller_mwh, "buyer": totals.energy_buyer_mwh},
        "cost_msat": totals.cost_msat,
        "paid_msat": totals.paid_msat,
        "fees_msat": totals.fees_msat,
        "payments": totals.payments,
        "deposits_msat": {
            "held": totals.deposits_held_msat,
            "released": totals.deposits_released_msat,
            "taken": totals.deposits_taken_msat,
        },
        "breaches": totals.breaches,
        "fiat": None if totals.fiat is None else str(totals.fiat),
    }


def to_json(statement: Statement) -> dict[str, Any]:
    return {
        "month": statement.month.label,
        "zone": statement.month.zone,
        "role": statement.role,
        "fingerprint": statement.fingerprint,
        "currency": statement.currency,
        "tenants": [
            {
                "name": t.name,
                "fingerprint": t.fingerprint,
                "sessions": [_line_json(line) for line in t.lines],
                "totals": _totals_json(t.totals),
            }
            for t in statement.tenants
        ],
        "totals": _totals_json(statement.totals),
        "notes": list(statement.notes),
    }


def _totals_row(kind: str, name: str, fingerprint: str, totals: Totals) -> dict[str, object]:
    return {
        "row": kind,
        "tenant": name,
        "tenant_fingerprint": fingerprint,
        "energy_seller_mwh": totals.energy_seller_mwh,
        "energy_seller_kwh": kwh(totals.energy_seller_mwh),
        "energy_buyer_mwh": totals.energy_buyer_mwh,
        "cost_msat": totals.cost_msat,
        "paid_msat": totals.paid_msat,
        "paid_sat": sat(totals.paid_msat),
        "fees_msat": totals.fees_msat,
        "payments": totals.payments,
        "deposits_held_msat": totals.deposits_held_msat,
        "deposits_released_msat": totals.deposits_released_msat,
        "deposits_taken_msat": totals.deposits_taken_msat,
        "breaches": totals.breaches,
        "fiat": "" if totals.fiat is None else str(totals.fiat),
    }


def to_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    currency = statement.currency or ""
    for tenant in statement.tenants:
        for line in tenant.lines:
            writer.writerow(
                {
                    "row": "session",
                    "tenant": tenant.name,
                    "tenant_fingerprint": tenant.fingerprint,
                    "session_id": line.session_id,
                    "opened": line.opened,
                    "closed": line.closed or "",
                    "energy_seller_mwh": line.energy_seller_mwh,
                    "energy_seller_kwh": kwh(line.energy_seller_mwh),
                    "energy_buyer_mwh": line.energy_buyer_mwh,
                    "cost_msat": line.cost_msat,
                    "paid_msat": line.paid_msat,
                    "paid_sat": sat(line.paid_msat),
                    "fees_msat": line.fees_msat,
                    "payments": line.payments,
                    "deposit_msat": line.deposit_msat,
                    "deposit_state": line.deposit_state.value,
                    "breaches": "; ".join(line.breaches),
                    "tariffs": "; ".join(line.tariffs),
                    "receipt_file": line.receipt_file,
                    "receipt_sha256": line.receipt_sha256,
                    "source": line.source,
                    "fiat": "" if line.fiat is None else str(line.fiat),
                    "currency": currency,
                }
            )
        row = _totals_row("tenant", tenant.name, tenant.fingerprint, tenant.totals)
        writer.writerow({**row, "currency": currency})
    total = _totals_row("total", "", "", statement.totals)
    writer.writerow({**total, "currency": currency})
    return out.getvalue()


def to_text(statement: Statement) -> str:
    """For a person at a terminal: a block per tenant, a line per session."""
    month = statement.month
    who = "tenants" if statement.role == "seller" else "seller"
    lines = [
        f"Statement for {month.label} ({month.zone}), by the {statement.role} "
        f"{statement.fingerprint[:16]}…, {len(statement.tenants)} {who}",
    ]
    fiat = f"  {statement.currency:>10}" if statement.currency else ""
    for tenant in statement.tenants:
        lines += ["", f"{tenant.name}  {tenant.fingerprint}"]
        lines.append(
            f"  {'opened (UTC)':<19}  {'kWh seller':>11}  {'kWh buyer':>11}  {'paid sat':>12}  "
            f"{'deposit':>16}  brch{fiat}  receipt"
        )
        for line in tenant.lines:
            deposit = f"{sat(line.deposit_msat)} {line.deposit_state.value}"
            money = f"  {line.fiat:>10}" if line.fiat is not None else ""
            lines.append(
                f"  {line.opened[:19].replace('T', ' '):<19}  {kwh(line.energy_seller_mwh):>11}  "
                f"{kwh(line.energy_buyer_mwh):>11}  {sat(line.paid_msat):>12}  {deposit:>16}  "
                f"{len(line.breaches):>4}{money}  {line.receipt_file} sha256 "
                f"{line.receipt_sha256[:16]}…"
            )
            for tariff in line.tariffs:
                lines.append(f"  {'':<19}  tariff: {tariff}")
        t = tenant.totals
        money = f"  {t.fiat:>10}" if t.fiat is not None else ""
        lines.append(
            f"  {'total':<19}  {kwh(t.energy_seller_mwh):>11}  {kwh(t.energy_buyer_mwh):>11}  "
            f"{sat(t.paid_msat):>12}  {'':>16}  {t.breaches:>4}{money}"
        )
    for note in statement.notes:
        lines.append(f"note: {note}")
    if not statement.tenants:
        lines.append("no sessions in this month")
    return "\n".join(lines) + "\n"
