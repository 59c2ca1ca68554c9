"""Receipts from a real demo session on regtest: written by the demo, identical from
either node's ledger, verified by `gridnode verify` with the fingerprints the nodes print,
and every OCMF record accepted by an independent library (pyocmf)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridnode.demo.configs import DemoTerms
from gridnode.demo.run import DemoHarness
from gridnode.receipt.export import build_receipt
from tests.support.regtest.node_harness import harness, network_down, run_for

pytestmark = pytest.mark.regtest

pyocmf = pytest.importorskip("pyocmf", reason="pyocmf is in the dev extra")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoHarness, dict[str, Any]]]:
    made = harness(tmp_path_factory.mktemp("receipts"), terms=DemoTerms(period_s=15))
    made.start()
    try:
        run_for(made, 30)
    finally:
        made.stop()
    try:
        yield made, made.summary()
    finally:
        network_down(made)


def _gridnode(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _fingerprint(directory: Path) -> str:
    done = _gridnode("fingerprint", "--dir", str(directory), "--json")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["fingerprint"])


def test_the_demo_writes_a_receipt_per_session_and_lists_it(
    demo: tuple[DemoHarness, dict[str, Any]],
) -> None:
    made, summary = demo
    receipts = [Path(p) for p in summary["receipts"]]
    assert len(receipts) >= 1
    assert all(p.is_file() and p.parent == made.root / "receipts" for p in receipts)
    receipt = json.loads(receipts[0].read_text())
    assert receipt["readings"]["seller"]
    assert receipt["readings"]["buyer"]
    assert receipt["payments"], "a 30 s session pays"


def test_a_demo_receipt_verifies_with_the_fingerprints_the_nodes_print(
    demo: tuple[DemoHarness, dict[str, Any]],
) -> None:
    made, summary = demo
    assert made.parts is not None
    seller = _fingerprint(made.parts.seller.directory)
    buyer = _fingerprint(made.parts.buyers[0].directory)
    path = summary["receipts"][0]
    done = _gridnode("verify", path, "--seller-fpr", seller, "--buyer-fpr", buyer, "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0, report["problems"]
    assert report["ok"] is True
    assert report["checked"]["keys"] == {"seller": seller, "buyer": buyer}
    # a wrong fingerprint fails it, naming the key
    done = _gridnode("verify", path, "--seller-fpr", buyer, "--buyer-fpr", buyer)
    assert done.returncode == 1
    assert "seller's public key" in done.stdout


def test_the_buyers_ledger_gives_the_same_receipt(
    demo: tuple[DemoHarness, dict[str, Any]],
) -> None:
    made, summary = demo
    assert made.parts is not None
    from_buyer = json.loads(Path(summary["receipts"][0]).read_text())
    from_seller = build_receipt(made.parts.seller.ledger, from_buyer["session_id"])
    for receipt in (from_seller, from_buyer):
        del receipt["exported"]
        # when each node wrote it down, by its own clock
        for entry in receipt["messages"] + receipt["invoices"] + receipt["payments"]:
            entry.pop("at", None)
            entry.pop("issued", None)
            entry.pop("settled", None)
        # the deposit: the seller cancelled it (a clean close); the buyer stopped before
        # LND told it its hold payment failed, and reconciles that at its next start
        for invoice in receipt["invoices"]:
            if invoice["purpose"] == "deposit":
                del invoice["state"]
    # the demo stops the seller first: it waits for the buyer's End before it exits
    for key in ("readings", "messages", "invoices", "payments", "terms", "public_keys", "parties"):
        assert from_buyer[key] == from_seller[key], key


def test_every_ocmf_record_of_a_receipt_is_accepted_by_pyocmf(
    demo: tuple[DemoHarness, dict[str, Any]],
) -> None:
    _, summary = demo
    receipt = json.loads(Path(summary["receipts"][0]).read_text())
    for party in ("seller", "buyer"):
        key = receipt["public_keys"][party]
        for text in receipt["readings"][party]:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                parsed = pyocmf.OCMF.from_string(text, strict=True)
                assert parsed.verify_signature(key) is True


def test_the_text_format_shows_intervals_and_totals(
    demo: tuple[DemoHarness, dict[str, Any]],
) -> None:
    made, summary = demo
    assert made.parts is not None
    session = json.loads(Path(summary["receipts"][0]).read_text())["session_id"]
    done = _gridnode(
        "receipt", session, "--ledger", str(made.parts.seller.ledger), "--format", "text"
    )
    assert done.returncode == 0, done.stderr
    assert "energy Wh" in done.stdout
    assert "paid" in done.stdout
    assert session in done.stdout


def test_the_dashboard_shows_a_real_sessions_receipt_verified(
    demo: tuple[DemoHarness, dict[str, Any]],
) -> None:
    from gridnode.receipt.summary import summarize

    made, summary = demo
    assert made.parts is not None
    receipt = json.loads(Path(summary["receipts"][0]).read_text())
    fingerprints = {p["role"]: p["fingerprint"] for p in receipt["parties"]}
    seller, buyer = made.parts.seller, made.parts.buyers[0]
    # as the seller's dashboard asks: its own fingerprint and the buyer's it pinned
    shown = summarize(
        seller.ledger,
        receipt["session_id"],
        seller.identity.fingerprint,
        buyer.identity.fingerprint,
    )
    assert "energy Wh" in shown.text
    # the buyer's dashboard names the session by its own ledger name
    name = build_receipt(buyer.ledger, receipt["session_id"])["exported"]["ledger_session"]
    shown = summarize(buyer.ledger, name, buyer.identity.fingerprint, fingerprints["seller"])
    assert shown.ok, shown.verdict
    # a peer fingerprint that is not the one in the receipt: the dialog says so
    shown = summarize(seller.ledger, receipt["session_id"], seller.identity.fingerprint, "ab" * 32)
    assert not shown.ok
    assert "buyer's public key" in shown.verdict
