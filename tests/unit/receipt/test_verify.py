"""The verifier on a real demo receipt: it holds as exported, and every tampering is
rejected with its reason, naming the record it concerns."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import bolt11
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from gridnode.money import Msat
from gridnode.ocmf import NodeSigner, parse_record
from gridnode.ocmf.record import encode_signature
from gridnode.receipt.model import RECEIPT_FORMAT
from gridnode.receipt.verify import Report, VerifyOptions, normalize_fpr, verify_receipt
from tests.support.bolt11s import make_bolt11, node_id

DATA = Path(__file__).parent / "data"
RECEIPT: dict[str, Any] = json.loads((DATA / "demo-receipt.json").read_text())
FPRS: dict[str, str] = json.loads((DATA / "fingerprints.json").read_text())
PINNED = VerifyOptions(seller_fpr=FPRS["seller"], buyer_fpr=FPRS["buyer"])


def receipt() -> dict[str, Any]:
    return copy.deepcopy(RECEIPT)


def codes(report: Report) -> set[str]:
    return {p.code for p in report.problems}


def prepayments(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in r["payments"] if p["purpose"] == "prepayment"]


def test_the_demo_receipt_verifies_with_both_fingerprints() -> None:
    report = verify_receipt(receipt(), PINNED)
    assert report.problems == []
    assert report.checked["readings"] == {"seller": 25, "buyer": 24}
    assert report.checked["payments"] == 20
    assert report.checked["paid_msat"] == RECEIPT["totals"]["paid_msat"]


def test_fingerprints_may_be_written_as_people_read_them_aloud() -> None:
    spaced = " ".join(FPRS["seller"][i : i + 4].upper() for i in range(0, 64, 4))
    assert normalize_fpr(spaced) == FPRS["seller"]
    report = verify_receipt(receipt(), VerifyOptions(spaced, FPRS["buyer"]))
    assert report.ok


def test_without_fingerprints_the_keys_are_unauthenticated() -> None:
    report = verify_receipt(receipt(), VerifyOptions())
    assert codes(report) == {"unauthenticated_key"}
    assert {p.record for p in report.problems} == {"seller's public key", "buyer's public key"}
    assert verify_receipt(receipt(), VerifyOptions(trust_embedded_keys=True)).ok


def test_a_reading_value_changed_breaks_its_signature() -> None:
    r = receipt()
    text = r["readings"]["seller"][6]
    page = parse_record(text).payload.PG
    r["readings"]["seller"][6] = text.replace('"RV":0.', '"RV":1.', 1)
    report = verify_receipt(r, PINNED)
    assert "ocmf_bad_signature" in codes(report)
    assert any(p.record == f"seller reading {page}" for p in report.problems)


def test_a_signature_changed_is_rejected() -> None:
    r = receipt()
    text = r["readings"]["buyer"][3]
    head, signature = text.rsplit('"SD":"', 1)
    flipped = ("1" if signature[10] != "1" else "2").join((signature[:10], signature[11:]))
    r["readings"]["buyer"][3] = head + '"SD":"' + flipped
    report = verify_receipt(r, PINNED)
    assert "ocmf_bad_signature" in codes(report)


def test_a_page_removed_leaves_a_gap() -> None:
    r = receipt()
    del r["readings"]["buyer"][5]
    report = verify_receipt(r, PINNED)
    assert "ocmf_pagination_gap" in codes(report)


def test_two_pages_swapped_are_out_of_order() -> None:
    r = receipt()
    seller = r["readings"]["seller"]
    seller[7], seller[8] = seller[8], seller[7]
    report = verify_receipt(r, PINNED)
    assert "ocmf_pagination_order" in codes(report)


def test_the_end_removed_is_an_unfinished_series() -> None:
    r = receipt()
    r["readings"]["seller"].pop()
    assert "ocmf_end_missing" in codes(verify_receipt(r, PINNED))


def test_a_preimage_swapped_with_another_payments_proves_nothing() -> None:
    r = receipt()
    first, second = prepayments(r)[2], prepayments(r)[3]
    first["preimage"], second["preimage"] = second["preimage"], first["preimage"]
    report = verify_receipt(r, PINNED)
    assert "bad_preimage" in codes(report)
    named = {p.record for p in report.problems if p.code == "bad_preimage"}
    assert any(first["payment_hash"][:12] in n for n in named)
    assert any(second["payment_hash"][:12] in n for n in named)


def test_a_payment_added_with_no_reading_behind_it() -> None:
    r = receipt()
    preimage = os.urandom(32)
    forged = dict(prepayments(r)[0])
    forged.update(
        preimage=preimage.hex(),
        payment_hash=hashlib.sha256(preimage).hexdigest(),
        backed_by={"seller": None, "buyer": None},
    )
    r["payments"].append(forged)
    r["totals"]["paid_msat"] += forged["amount_msat"]
    report = verify_receipt(r, PINNED)
    assert {"no_invoice", "unbacked", "bolt11_mismatch"} <= codes(report)


def test_an_amount_raised_no_longer_matches_its_invoice_or_the_energy() -> None:
    r = receipt()
    prepayments(r)[4]["amount_msat"] += 5_000
    report = verify_receipt(r, PINNED)
    assert "bolt11_mismatch" in codes(report)
    assert "amount_mismatch" in codes(report)  # the buyer's signed notice says otherwise
    assert "totals_mismatch" in codes(report)
    r["totals"]["paid_msat"] += 5_000  # even with the totals made to agree
    assert "overpaid" in codes(verify_receipt(r, PINNED))


def test_a_bolt11_swapped_is_for_another_payment() -> None:
    r = receipt()
    a, b = prepayments(r)[1], prepayments(r)[2]
    a["bolt11"], b["bolt11"] = b["bolt11"], a["bolt11"]
    report = verify_receipt(r, PINNED)
    assert "bolt11_mismatch" in codes(report)


def test_a_bolt11_with_one_character_changed_fails_its_signature() -> None:
    r = receipt()
    bolt = r["invoices"][0]["bolt11"]
    r["invoices"][0]["bolt11"] = bolt[:40] + ("q" if bolt[40] != "q" else "p") + bolt[41:]
    assert "bolt11_invalid" in codes(verify_receipt(r, PINNED))


def test_the_signed_offer_names_the_payee_of_every_invoice() -> None:
    """An invoice re-issued for the same payment hash and amount, but signed by another
    Lightning node (a payment diverted to someone else), is caught: its payee is not the
    node the seller's signed offer names."""
    r = receipt()
    invoice = r["invoices"][1]
    thief = hashlib.sha256(b"another lightning node").hexdigest()
    invoice["bolt11"] = make_bolt11(
        bytes.fromhex(invoice["payment_hash"]), Msat(invoice["amount_msat"]), key=thief
    )
    assert bolt11.decode(invoice["bolt11"]).payee == node_id(thief)
    report = verify_receipt(r, PINNED)
    (mismatch,) = [p for p in report.problems if p.code == "payee_mismatch"]
    assert node_id(thief) in mismatch.message
    assert mismatch.record.startswith("invoice #2")


def _forge_seller(r: dict[str, Any]) -> None:
    """Replace the seller's key with a forger's that re-signs a doctored series."""
    forger = NodeSigner(ec.generate_private_key(ec.SECP256R1()))
    real = r["public_keys"]["seller"]
    real_fpr = hashlib.sha256(bytes.fromhex(real)).hexdigest()
    forged = []
    for text in r["readings"]["seller"]:
        record = parse_record(text)
        payload = record.payload_text.replace(real_fpr, forger.fingerprint)
        forged.append(f"OCMF|{payload}|{encode_signature(forger.sign(payload))}")
    r["readings"]["seller"] = forged
    r["public_keys"]["seller"] = forger.public_key_hex
    r["parties"][0]["fingerprint"] = forger.fingerprint


def test_the_sellers_key_replaced_is_caught_by_its_fingerprint() -> None:
    r = receipt()
    _forge_seller(r)
    report = verify_receipt(r, PINNED)
    assert "key_mismatch" in codes(report)
    assert any(p.record == "seller's public key" for p in report.problems)
    # the signed offers were the real seller's: they no longer verify under the forger's
    assert "bad_signature" in codes(report)


def test_every_problem_is_listed_not_only_the_first() -> None:
    r = receipt()
    del r["readings"]["buyer"][5]
    prepayments(r)[1]["preimage"] = "00" * 32
    r["public_keys"]["buyer"] = "zz"
    report = verify_receipt(r, PINNED)
    assert {"ocmf_pagination_gap", "bad_preimage", "malformed"} <= codes(report)


@pytest.mark.parametrize(
    "document",
    [[], "receipt", {"format": "something else"}, {"format": RECEIPT_FORMAT}],
    ids=["list", "string", "other-format", "empty"],
)
def test_any_json_gets_findings_never_a_crash(document: object) -> None:
    report = verify_receipt(document, PINNED)
    assert not report.ok


def test_missing_sections_are_named() -> None:
    r = receipt()
    for key in ("messages", "readings", "payments", "invoices", "totals", "terms"):
        del r[key]
    report = verify_receipt(r, PINNED)
    assert {"malformed", "no_terms"} <= codes(report)


def test_terms_shown_that_differ_from_the_signed_offer_are_reported() -> None:
    r = receipt()
    r["terms"][0]["payments"]["prepayment"] = 1
    assert "terms_mismatch" in codes(verify_receipt(r, PINNED))


_SERIES = [("seller", i) for i in range(len(RECEIPT["readings"]["seller"]))] + [
    ("buyer", i) for i in range(len(RECEIPT["readings"]["buyer"]))
]


@settings(max_examples=60)  # each example verifies the whole receipt (~0.15 s)
@given(where=st.sampled_from(_SERIES), offset=st.integers(min_value=0), byte=st.integers(0, 126))
def test_any_single_byte_change_inside_an_ocmf_payload_is_rejected(
    where: tuple[str, int], offset: int, byte: int
) -> None:
    side, index = where
    r = receipt()
    text: str = r["readings"][side][index]
    start = text.index("|") + 1
    end = text.index("|", start)
    position = start + offset % (end - start)
    replacement = chr(byte) if chr(byte) != text[position] else chr((byte + 1) % 127)
    r["readings"][side][index] = text[:position] + replacement + text[position + 1 :]
    report = verify_receipt(r, PINNED)
    assert not report.ok
    assert any(p.record.startswith(f"{side} reading") for p in report.problems)
