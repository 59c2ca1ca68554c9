"""A receipt file never crashes `gridnode verify`: whatever the bytes, the verifier gets
a JSON document and reports its problems, or the file is a ReceiptError that says why.

The inputs are what the fuzz run found (scripts/fuzz.py, docs/fuzz.md), cut to the part
that mattered. Reading: the demo receipt with a value replaced by arrays nested 5000
deep, or by an integer of 5000 digits (RecursionError, ValueError from ``json.loads``).
Verifying: a reading dated ten years on (hours of pricing: a hang); a payment's amount
or backing reading of the wrong JSON type (TypeError, ValueError from deep inside the
checks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.verify import VerifyOptions, parse_receipt, verify_receipt

DATA = Path(__file__).parent / "data"
RECEIPT = (DATA / "demo-receipt.json").read_bytes()
#: the start of the receipt, up to the value the fuzzer replaced (the session id)
HEAD = b'{"format": "gridnode-receipt/1", "session_id": '
DEEP = HEAD + b"[" * 5000 + b"]" * 5000 + b"}"
LONG_NUMBER = HEAD + b"7" * 5000 + b"}"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (DEEP, "nest too deeply"),
        (LONG_NUMBER, "number too long"),
        (RECEIPT[:-40], "not a JSON receipt"),
        (b"\xff" + RECEIPT, "not UTF-8"),
        (b"", "not a JSON receipt"),
    ],
    ids=["nested-5000-deep", "5000-digit-integer", "cut-short", "not-utf8", "empty"],
)
def test_a_file_that_is_no_json_document_is_a_receipt_error(data: bytes, says: str) -> None:
    with pytest.raises(ReceiptError, match=says):
        parse_receipt(data)


def test_any_json_document_gives_a_report_not_an_exception() -> None:
    documents: list[object] = [None, [], "x", 7, {"format": "gridnode-receipt/1"}, {"format": 1}]
    for document in documents:
        report = verify_receipt(parse_receipt(json.dumps(document)), VerifyOptions())
        assert not report.ok


def test_verify_says_why_for_what_the_fuzzer_found(tmp_path: Path) -> None:
    for name, data in (("deep.json", DEEP), ("long.json", LONG_NUMBER)):
        path = tmp_path / name
        path.write_bytes(data)
        done = CliRunner().invoke(cli, ["verify", str(path)])
        assert done.exit_code == 2, done.output
        assert done.exception is None or isinstance(done.exception, SystemExit)
        assert "is not a receipt" in done.output


def _tampered(change: str, value: object) -> object:
    receipt = json.loads(RECEIPT)
    payment = receipt["payments"][1]
    if change == "amount":
        payment["amount_msat"] = value
    else:
        payment["backed_by"]["buyer"] = value
    return receipt


@pytest.mark.parametrize(
    ("change", "value", "code"),
    [
        ("amount", [], "bolt11_mismatch"),
        ("amount", {"msat": 400}, "bolt11_mismatch"),
        ("amount", "x" * 300, "bolt11_mismatch"),
        ("amount", True, "bolt11_mismatch"),
        ("backing", [], "unbacked"),
        ("backing", {"": None}, "unbacked"),
    ],
    ids=[
        "amount-list",
        "amount-object",
        "amount-text",
        "amount-bool",
        "backing-list",
        "backing-obj",
    ],
)
def test_a_value_of_the_wrong_type_is_a_problem_not_a_crash(
    change: str, value: object, code: str
) -> None:
    """What the fuzz run found inside the verifier: a payment's amount_msat that was a
    list, an object or text (``int()`` raised TypeError, ValueError), and its backing
    buyer page that was a list (unhashable, looked up in the pages)."""
    fingerprints = json.loads((DATA / "fingerprints.json").read_text())
    options = VerifyOptions(fingerprints["seller"], fingerprints["buyer"])
    report = verify_receipt(_tampered(change, value), options)
    assert code in {p.code for p in report.problems}


def test_a_reading_dated_ten_years_on_is_reported_not_priced_for_hours() -> None:
    # what the fuzzer found: one digit of a reading's year changed (2026 -> 2036) made
    # the money check integrate the daily price table over every day of ten years
    # (hours of work); the step is now reported and left unpriced
    receipt = json.loads(RECEIPT)
    seller = receipt["readings"]["seller"]
    seller[1] = seller[1].replace('"TM":"2026-', '"TM":"2036-', 1)
    report = verify_receipt(parse_receipt(json.dumps(receipt)), VerifyOptions())
    unpriced = [p for p in report.problems if p.code == "unpriced_step"]
    assert [p.record for p in unpriced] == ["seller readings T1 to T2"]
    assert "3,653.0 days apart" in unpriced[0].message
    assert "ocmf_bad_signature" in {p.code for p in report.problems}
