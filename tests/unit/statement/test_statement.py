"""A month's statement from the archive of pruned sessions: the figures are the
receipt's, the receipt named is the archived file with its SHA-256, and the four
renderings (JSON, CSV, text, PDF read back with pypdf) say the same."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from gridnode.errors import UsageError
from gridnode.statement import render
from gridnode.statement.collect import collect
from gridnode.statement.fiat import parse_price, read_prices
from gridnode.statement.model import DepositState, Month
from gridnode.statement.pdf import to_pdf
from tests.support.statement import (
    DEPOSIT_MSAT,
    ENERGY_BUYER_MWH,
    ENERGY_SELLER_MWH,
    FINGERPRINTS,
    MONTH,
    PAID_MSAT,
    RECEIPT,
    SESSION_ID,
    archived_ledger,
)

NAMES = {FINGERPRINTS["buyer"]: "flat-2"}


def test_an_archived_session_is_on_its_months_statement(tmp_path: Path) -> None:
    ledger = archived_ledger(tmp_path)
    statement = collect(ledger, Month.parse(MONTH), names=NAMES)
    assert statement.role == "seller"
    assert statement.fingerprint == FINGERPRINTS["seller"]
    (tenant,) = statement.tenants
    assert (tenant.name, tenant.fingerprint) == ("flat-2", FINGERPRINTS["buyer"])
    (line,) = tenant.lines
    assert line.session_id == SESSION_ID
    assert (line.energy_seller_mwh, line.energy_buyer_mwh) == (ENERGY_SELLER_MWH, ENERGY_BUYER_MWH)
    assert line.paid_msat == PAID_MSAT
    assert (line.deposit_msat, line.deposit_state) == (DEPOSIT_MSAT, DepositState.RELEASED)
    assert line.cost_msat == 6_988  # the receipt's cost by the seller's meter
    assert line.source == "archive"
    assert line.receipt_file == f"receipt-{SESSION_ID}.json"
    assert line.receipt_sha256 == hashlib.sha256(RECEIPT.read_bytes()).hexdigest()
    # the daily table moves between its knots: the steps of this session paid 213 to 232
    assert line.tariffs == ("daily table, 213-232 sat/kWh",)
    assert tenant.totals.deposits_released_msat == DEPOSIT_MSAT


def test_other_months_and_other_tenants_are_left_out(tmp_path: Path) -> None:
    ledger = archived_ledger(tmp_path)
    assert collect(ledger, Month.parse("2026-11"), names=NAMES).tenants == ()
    assert collect(ledger, Month.parse(MONTH), names=NAMES, only="flat-9").tenants == ()


def test_the_csv_has_a_row_per_session_and_per_tenant_with_exact_msat(tmp_path: Path) -> None:
    ledger = archived_ledger(tmp_path)
    statement = collect(ledger, Month.parse(MONTH), names=NAMES, prices=parse_price("97000:EUR"))
    rows = list(csv.DictReader(io.StringIO(render.to_csv(statement))))
    assert [r["row"] for r in rows] == ["session", "tenant", "total"]
    session, tenant, _ = rows
    assert session["paid_msat"] == str(PAID_MSAT)
    assert session["paid_sat"] == "7.800"
    assert session["energy_seller_mwh"] == str(ENERGY_SELLER_MWH)
    assert session["energy_seller_kwh"] == "0.031448"
    assert session["receipt_sha256"] == hashlib.sha256(RECEIPT.read_bytes()).hexdigest()
    assert tenant["tenant"] == "flat-2"
    assert tenant["paid_msat"] == str(PAID_MSAT)
    assert tenant["deposits_released_msat"] == str(DEPOSIT_MSAT)
    # 7800 msat at 97,000 EUR per bitcoin: 0.007566 EUR, to the cent
    assert (session["fiat"], session["currency"]) == ("0.01", "EUR")


def test_json_and_text_say_the_same(tmp_path: Path) -> None:
    ledger = archived_ledger(tmp_path)
    statement = collect(ledger, Month.parse(MONTH), names=NAMES)
    doc = render.to_json(statement)
    (tenant,) = doc["tenants"]
    assert tenant["totals"]["paid_msat"] == PAID_MSAT
    assert tenant["sessions"][0]["energy_mwh"] == {
        "seller": ENERGY_SELLER_MWH,
        "buyer": ENERGY_BUYER_MWH,
    }
    assert doc["currency"] is None
    text = render.to_text(statement)
    assert "flat-2" in text
    assert "0.031448" in text
    assert f"receipt-{SESSION_ID}.json" in text


def test_the_pdf_reads_back_with_table_totals_period_and_both_fingerprints(
    tmp_path: Path,
) -> None:
    ledger = archived_ledger(tmp_path)
    statement = collect(ledger, Month.parse(MONTH), names=NAMES, prices=parse_price("97000:EUR"))
    pdf = to_pdf(statement)
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "Electricity statement 2026-12",
        "31 days",
        "flat-2",
        FINGERPRINTS["seller"],
        FINGERPRINTS["buyer"],
        "0.031448",
        "7.800",
        "Total",
        "EUR",
        hashlib.sha256(RECEIPT.read_bytes()).hexdigest(),
    ):
        assert expected in text, expected


def test_daily_prices_come_from_a_csv_and_a_missing_day_is_named(tmp_path: Path) -> None:
    prices_file = tmp_path / "prices.csv"
    prices_file.write_text("date,price,currency\n2026-12-05,90000,EUR\n2026-12-06,100000,eur\n")
    prices = read_prices(prices_file)
    assert prices.currency == "EUR"
    assert prices.value([(date(2026, 12, 6), 10_000_000)]) == Decimal("10.00")
    with pytest.raises(UsageError, match="no price for 2026-12-07"):
        prices.value([(date(2026, 12, 7), 1)])
    prices_file.write_text("2026-12-05,90000,EUR\n2026-12-06,100000,USD\n")
    with pytest.raises(UsageError, match="one currency"):
        read_prices(prices_file)


@pytest.mark.parametrize("text", ["97000", "EUR:97000", "-5:EUR", "97000:EURO"])
def test_a_price_must_be_a_positive_number_and_a_currency(text: str) -> None:
    with pytest.raises(UsageError, match="like 97000:EUR"):
        parse_price(text)


@pytest.mark.parametrize("text", ["2026-13", "26-11", "November", "2026-1-1"])
def test_a_month_is_written_yyyy_mm(text: str) -> None:
    with pytest.raises(UsageError, match="2026-11"):
        Month.parse(text)


def test_a_month_is_cut_in_its_zone() -> None:
    utc, berlin = Month.parse("2026-11"), Month.parse("2026-11", "Europe/Berlin")
    assert utc.stop_ms - utc.start_ms == 30 * 24 * 3600 * 1000
    assert utc.start_ms - berlin.start_ms == 3600 * 1000  # CET is UTC+1 in November


def test_an_archived_sessions_faults_are_its_breaches(tmp_path: Path) -> None:
    ledger = archived_ledger(tmp_path)
    archived = tmp_path / "ledger-archive" / f"receipt-{SESSION_ID}.json"
    receipt = json.loads(archived.read_text())
    receipt["faults"] = [
        {
            "message": "close",
            "from": "buyer",
            "cause": "breach",
            "text": "the seller claims 900 mWh but the buyer's meter saw 700 mWh",
        }
    ]
    archived.write_text(json.dumps(receipt))
    (tenant,) = collect(ledger, Month.parse(MONTH), names=NAMES).tenants
    assert tenant.lines[0].breaches == (
        "buyer close (breach): the seller claims 900 mWh but the buyer's meter saw 700 mWh",
    )
