"""What a node answers for a receipt (the dashboard's receipt dialog shows it): the real
demo receipt checked with both pinned fingerprints, a running session's missing End said
so, problems listed, and a receipt that cannot be built answered with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gridnode.receipt.summary import PROBLEMS_SHOWN, checked, summarize

DATA = Path(__file__).parent / "data"
FPRS: dict[str, str] = json.loads((DATA / "fingerprints.json").read_text())
COMMAND = "gridnode receipt x --ledger ledger.sqlite --out receipt.json"


def demo_receipt() -> dict[str, Any]:
    receipt: dict[str, Any] = json.loads((DATA / "demo-receipt.json").read_text())
    return receipt


def test_a_closed_sessions_receipt_is_verified_with_both_fingerprints() -> None:
    receipt = demo_receipt()
    assert receipt["exported"]["by"] == "seller"
    shown = checked(receipt, receipt["session_id"], FPRS["seller"], FPRS["buyer"], COMMAND)
    assert shown.ok
    assert shown.verdict == "✔ verified: every signature, preimage and amount holds"
    assert receipt["session_id"][:8] in shown.text  # the receipt as gridnode receipt prints it
    assert shown.command == COMMAND


def test_the_fingerprints_are_placed_by_the_role_that_exported_the_receipt() -> None:
    receipt = demo_receipt()
    receipt["exported"]["by"] = "buyer"  # as the buyer's node: its own key is the buyer's
    shown = checked(receipt, receipt["session_id"], FPRS["buyer"], FPRS["seller"], COMMAND)
    assert shown.ok


def test_a_wrong_peer_fingerprint_is_a_problem() -> None:
    receipt = demo_receipt()
    shown = checked(receipt, receipt["session_id"], FPRS["seller"], "00" * 32, COMMAND)
    assert not shown.ok
    assert shown.verdict.startswith("✘ 1 problems:\n  ✘ ")
    assert shown.text  # the receipt is still shown


def test_a_running_session_is_verified_so_far() -> None:
    receipt = demo_receipt()
    receipt["exported"]["closed"] = None
    shown = checked(receipt, receipt["session_id"], FPRS["seller"], FPRS["buyer"], COMMAND)
    assert shown.ok, shown.verdict
    assert shown.verdict.endswith("so far (the session is still running: no End reading yet)")


def test_only_a_running_session_may_lack_its_end_reading() -> None:
    receipt = demo_receipt()
    for side in ("seller", "buyer"):
        receipt["readings"][side] = receipt["readings"][side][:-1]  # no End reading
    end_missing = "the end of the transaction is missing"
    closed = checked(receipt, "x", FPRS["seller"], FPRS["buyer"], COMMAND)
    assert end_missing in closed.verdict
    receipt["exported"]["closed"] = None
    running = checked(receipt, "x", FPRS["seller"], FPRS["buyer"], COMMAND)
    assert end_missing not in running.verdict  # expected while it runs: not a problem


def test_many_problems_are_listed_up_to_a_screenful() -> None:
    receipt = demo_receipt()
    for payment in receipt["payments"]:
        payment["preimage"] = "00" * 32
    shown = checked(receipt, receipt["session_id"], FPRS["seller"], FPRS["buyer"], COMMAND)
    assert not shown.ok
    listed = [line for line in shown.verdict.splitlines() if line.startswith("  ✘ ")]
    assert len(listed) == min(PROBLEMS_SHOWN, len(receipt["payments"]))


def test_a_receipt_that_cannot_be_built_is_answered_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "ledger.sqlite"
    shown = summarize(missing, "5d9e", "aa" * 32, "bb" * 32)
    assert not shown.ok
    assert shown.verdict == f"There is no ledger at {missing}."
    assert shown.text == ""
    assert shown.command == f"gridnode receipt 5d9e --ledger {missing} --out receipt.json"
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    broken = summarize(garbage, "5d9e", "aa" * 32, "bb" * 32)
    assert not broken.ok
    assert broken.verdict  # a sentence, not a crash
