"""A statement as a PDF a landlord sends a tenant: a page per tenant with the period, both
parties' fingerprints, a table of sessions with totals, and the receipts to verify by.

Made with ReportLab (BSD licence, maintained by ReportLab Inc. since 2000, pure Python
with a table layout engine): it fits gridnode's MIT licence with no conditions on
distribution, unlike fpdf2 (LGPL-3.0), which would do the job as well.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gridnode.statement.model import Statement, TenantStatement
from gridnode.statement.render import kwh, sat

_HEADER = ("Session opened (UTC)", "kWh seller", "kWh buyer", "Paid sat", "Deposit sat", "Breaches")


def to_pdf(statement: Statement) -> bytes:
    """The PDF's bytes; a statement without sessions is one page that says so."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Electricity statement {statement.month.label}",
        author="gridnode",
    )
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7, leading=9)
    story: list[object] = []
    for index, tenant in enumerate(statement.tenants):
        if index:
            story.append(PageBreak())
        story += _page(statement, tenant, styles, small)
    if not statement.tenants:
        story.append(Paragraph(_title(statement), styles["Title"]))
        story.append(Paragraph("No sessions in this month.", styles["Normal"]))
    document.build(story)
    return out.getvalue()


def _title(statement: Statement) -> str:
    return f"Electricity statement {statement.month.label}"


def _page(
    statement: Statement, tenant: TenantStatement, sheet: Any, small: ParagraphStyle
) -> list[object]:
    """One tenant's page (``sheet`` is ReportLab's sample style sheet)."""
    month = statement.month
    seller_fpr = statement.fingerprint if statement.role == "seller" else tenant.fingerprint
    buyer_fpr = tenant.fingerprint if statement.role == "seller" else statement.fingerprint
    tenant_label = tenant.name if statement.role == "seller" else "this household"
    parts: list[object] = [
        Paragraph(_title(statement), sheet["Title"]),
        Paragraph(
            f"Period: {month.label}, {month.days} days ({month.zone}). "
            f"Tenant: <b>{tenant_label}</b>.",
            sheet["Normal"],
        ),
        Paragraph(f"Seller's fingerprint: {seller_fpr}", small),
        Paragraph(f"Buyer's fingerprint: {buyer_fpr}", small),
        Spacer(1, 4 * mm),
    ]
    currency = statement.currency
    header = [*_HEADER, *([currency] if currency else [])]
    rows: list[list[str]] = [list(header)]
    for line in tenant.lines:
        row = [
            line.opened[:19].replace("T", " "),
            kwh(line.energy_seller_mwh),
            kwh(line.energy_buyer_mwh),
            sat(line.paid_msat),
            f"{sat(line.deposit_msat)} {line.deposit_state.value}",
            str(len(line.breaches)),
        ]
        if currency:
            row.append("" if line.fiat is None else str(line.fiat))
        rows.append(row)
    totals = tenant.totals
    total = [
        "Total",
        kwh(totals.energy_seller_mwh),
        kwh(totals.energy_buyer_mwh),
        sat(totals.paid_msat),
        f"{sat(totals.deposits_taken_msat)} taken",
        str(totals.breaches),
    ]
    if currency:
        total.append("" if totals.fiat is None else str(totals.fiat))
    rows.append(total)
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    parts += [table, Spacer(1, 4 * mm)]
    paid = f"Paid {sat(totals.paid_msat)} sat in {totals.payments} payments"
    fees = f" (routing fees {sat(totals.fees_msat)} sat)" if totals.fees_msat else ""
    parts.append(Paragraph(paid + fees + ".", sheet["Normal"]))
    tariffs = sorted({t for line in tenant.lines for t in line.tariffs})
    if tariffs:
        parts.append(Paragraph("Tariffs in force: " + "; ".join(tariffs) + ".", small))
    breaches = [b for line in tenant.lines for b in line.breaches]
    for breach in breaches:
        parts.append(Paragraph(f"Breach: {breach}", small))
    parts.append(Spacer(1, 3 * mm))
    parts.append(
        Paragraph(
            "Each line is backed by its session's receipt; check one with "
            f"<font face='Courier'>gridnode verify FILE --seller-fpr {seller_fpr[:8]}... "
            f"--buyer-fpr {buyer_fpr[:8]}...</font>",
            small,
        )
    )
    for line in tenant.lines:
        parts.append(Paragraph(f"{line.receipt_file}  SHA-256 {line.receipt_sha256}", small))
    return parts
