"""Storage hygiene against real LND on regtest (issue 12 §2).

(a) Pruning deletes only what the ledger holds with its proof: a payment made outside
    gridnode's ledger, and one still in flight, stay in LND; so does a cancelled invoice
    the ledger does not know.
(b) A demo seller and buyer, their LND records pruned and their ledgers archived with
    ``gridnode ledger prune``, restart and still reconcile exactly with LND.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridnode.clock import SYSTEM_CLOCK
from gridnode.demo.configs import DemoTerms
from gridnode.demo.run import DemoHarness
from gridnode.ledger import InvoicePurpose, InvoiceState
from gridnode.ledger.archive import default_archive_dir
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from gridnode.node.reconcile import reconcile_buyer
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.port import PaymentHash, PaymentStatus, Preimage
from tests.support.ledger import open_ledger
from tests.support.regtest.lnd import connection, lndgrpc
from tests.support.regtest.node_harness import (
    harness,
    network_down,
    relay_on,
    rows,
    run_for,
    wait_until,
)

pytestmark = pytest.mark.regtest

FEE = Msat(10_000)
PRUNE = [sys.executable, "-m", "gridnode.cli.main", "ledger", "prune"]


async def _pay(payee: LndWallet, payer: LndWallet, amount: int, memo: str) -> tuple[bytes, Any]:
    invoice = await payee.create_invoice(Msat(amount), memo, 600)
    result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
    assert result.status is PaymentStatus.SUCCEEDED
    return invoice.payment_hash.value, (invoice, result)


async def test_pruning_deletes_only_what_the_ledger_holds_resolved(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet, tmp_path: Path
) -> None:
    buyer = await open_ledger(tmp_path / "buyer.sqlite", "buyer", threaded=True)
    await buyer.sessions.open("s", "f" * 64, "m", 0)
    proven: list[bytes] = []
    for n in range(3):  # paid through gridnode: written before, resolved after
        invoice = await payee.create_invoice(Msat(1_000 + n), "step", 600)
        h = invoice.payment_hash.value
        await buyer.payments.started("s", h, invoice.bolt11, invoice.amount, n)
        result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
        assert result.preimage is not None
        await buyer.payments.succeeded(h, n, result.preimage.value, result.fee)
        proven.append(h)
    outside, _ = await _pay(payee, payer, 2_000, "paid by hand, not by gridnode")
    # in flight: a hold invoice the payee holds; the ledger has the attempt, unresolved
    preimage = Preimage(os.urandom(32))
    held = PaymentHash(hashlib.sha256(preimage.value).digest())
    regtest_network.expect_log_errors(f"{held.hex}: payment is in transition")
    hold = await payee.create_hold_invoice(held, Msat(3_000), "held", 600, 40)
    await buyer.payments.started("s", held.value, hold.bolt11, Msat(3_000), 9)
    assert (await payer.pay_invoice(hold.bolt11, FEE, timeout_s=1)).status is (
        PaymentStatus.IN_FLIGHT
    )

    pruner = Pruner(buyer, payer, batch=2)
    await pruner.once()

    in_lnd = {p["payment_hash"]: p["status"] for p in lndgrpc("payments", regtest_network.nodes[1])}
    assert not {h.hex() for h in proven} & set(in_lnd)  # proven: LND's copies deleted
    assert in_lnd[outside.hex()] == "SUCCEEDED"  # not in the ledger: untouched
    assert in_lnd[held.hex] == "IN_FLIGHT"  # not resolved: untouched
    assert pruner.pruned == 3
    # the proof stays in the ledger
    assert all(p.preimage for p in await buyer.payments.find(status=PaymentStatus.SUCCEEDED))

    # the payee's side: only the cancelled invoices the ledger holds go
    seller = await open_ledger(tmp_path / "seller.sqlite", "seller", threaded=True)
    await seller.sessions.open("s", "b" * 64, "m", 0)
    ours = await payee.create_invoice(Msat(4_000), "ours", 600)
    await seller.invoices.created(
        "s", ours.payment_hash.value, ours.bolt11, ours.amount, InvoicePurpose.PREPAYMENT, False, 1
    )
    theirs = await payee.create_invoice(Msat(5_000), "not gridnode's", 600)
    for invoice in (ours, theirs):
        await payee.cancel_invoice(invoice.payment_hash)
    await seller.invoices.set_state(ours.payment_hash.value, InvoiceState.CANCELED)
    await Pruner(seller, payee).once()
    invoices = {
        i["payment_hash"]: i["state"] for i in lndgrpc("invoices", regtest_network.nodes[0])
    }
    assert ours.payment_hash.hex not in invoices
    assert invoices[theirs.payment_hash.hex] == "CANCELED"
    assert invoices[held.hex] == "ACCEPTED"

    await payee.settle_hold_invoice(preimage)  # let the held payment end
    assert (await payer.track_payment(held, timeout_s=30)).status is PaymentStatus.SUCCEEDED
    await buyer.close()
    await seller.close()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoHarness]:
    made = harness(tmp_path, terms=DemoTerms(period_s=600))
    yield made
    made.stop()
    network_down(made)


def _succeeded(ledger: Path, since_ms: int = 0) -> int:
    return int(
        rows(
            ledger,
            "SELECT count(*) FROM payments WHERE status = 'succeeded'"
            f" AND attempted_at_ms > {since_ms}",
        )[0][0]
    )


def _stop_nodes(demo: DemoHarness) -> None:
    """Stop both nodes as systemd would (SIGTERM: sessions close cleanly); the circuit
    and LND stay up."""
    assert demo.parts is not None
    for name in ("seller", "buyer-1"):
        demo.parts.paused[name] = True
        demo.parts.processes[name].stop(timeout_s=20.0)


async def _prune_lnd(network: RegtestNetwork, seller: Path, buyer: Path) -> tuple[int, int]:
    """What the nodes' own pruners do every minute, once, now: LND's records of what the
    ledgers hold resolved."""
    ledgers = await open_ledger(seller, "seller"), await open_ledger(buyer, "buyer")
    try:
        async with (
            LndWallet(connection(network.nodes[0])) as payee,
            LndWallet(connection(network.nodes[1])) as payer,
        ):
            invoices = await Pruner(ledgers[0], payee).prune_canceled_invoices()
            payments = await Pruner(ledgers[1], payer).prune_payments()
    finally:
        for ledger in ledgers:
            await ledger.close()
    return invoices, payments


async def _reconcile_buyer(network: RegtestNetwork, buyer: Path) -> None:
    ledger = await open_ledger(buyer, "buyer", threaded=True)
    try:
        async with LndWallet(connection(network.nodes[1])) as payer:
            await reconcile_buyer(ledger, payer, SYSTEM_CLOCK)
    finally:
        await ledger.close()


async def _pay_outside(network: RegtestNetwork) -> str:
    async with (
        LndWallet(connection(network.nodes[0])) as payee,
        LndWallet(connection(network.nodes[1])) as payer,
    ):
        h, _ = await _pay(payee, payer, 1_500, "paid by hand with lncli, not by gridnode")
    return h.hex()


def _receipts(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("receipt-*.json"))]


def _prune_cli(ledger: Path, before: str) -> dict[str, Any]:
    done = subprocess.run(
        [*PRUNE, "--before", before, "--ledger", str(ledger), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_nodes_restarted_after_pruning_reconcile_exactly_with_lnd(demo: DemoHarness) -> None:
    parts = demo.start()
    seller, buyer = parts.seller.ledger, parts.buyers[0].ledger
    network = parts.network
    # the network's own probe payments (one each way, at set-up) are not gridnode's
    setup_settled = {
        i["payment_hash"]: i["amt_paid_msat"]
        for i in lndgrpc("invoices", network.nodes[0])
        if i["state"] == "SETTLED"
    }
    setup_paid = {p["payment_hash"] for p in lndgrpc("payments", network.nodes[1])}
    wait_until(demo, "power on", lambda: relay_on(demo), 30)
    wait_until(demo, "five payments", lambda: _succeeded(buyer) >= 5, 30)
    outside = asyncio.run(_pay_outside(network))
    _stop_nodes(demo)
    cursor = rows(seller, "SELECT settle_index FROM wallet_cursor")
    last_page = rows(buyer, "SELECT max(pagination) FROM readings WHERE side = 'own'")[0][0]

    # LND's records go first (the ledgers hold their proof), then the ledgers are archived
    resolved = rows(buyer, "SELECT count(*) FROM payments WHERE status != 'in_flight'")[0][0]
    canceled, deleted = asyncio.run(_prune_lnd(network, seller, buyer))
    assert canceled >= 1  # the deposit, released at the clean close
    assert deleted == resolved  # every resolved payment's LND record, none in flight
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86_400))
    in_flight = rows(buyer, "SELECT count(*) FROM payments WHERE status = 'in_flight'")[0][0]
    if in_flight:  # the buyer stopped with its last payment unresolved: its session waits
        report = _prune_cli(buyer, tomorrow)
        assert report["archived"] == []
        # each session that holds one waits (a reconnect under load may leave two)
        waiting = [s["reason"].split(";")[0] for s in report["skipped"]]
        counts = [re.fullmatch(r"(\d+) payment\(s\) still in flight", w) for w in waiting]
        assert all(counts), waiting
        assert sum(int(m.group(1)) for m in counts if m) == in_flight
        # what the node does when it starts: track them until LND says how they ended
        asyncio.run(_reconcile_buyer(network, buyer))
        asyncio.run(_prune_lnd(network, seller, buyer))
    assert rows(buyer, "SELECT count(*) FROM payments WHERE NOT pruned") == [(0,)]
    buyer_report = _prune_cli(buyer, tomorrow)
    assert buyer_report["skipped"] == []
    assert len(buyer_report["archived"]) >= 1
    assert buyer_report["bytes_after"] < buyer_report["bytes_before"]
    # the seller: a session whose unpaid invoices LND may have settled while the seller
    # was down waits (they expire in seconds, but proof needs a later credited invoice)
    seller_report = _prune_cli(seller, tomorrow)
    for skipped in seller_report["skipped"]:
        assert "may have been paid while the node was not looking" in skipped["reason"]
    assert rows(seller, "SELECT settle_index FROM wallet_cursor") == cursor  # kept
    assert rows(buyer, "SELECT count(*) FROM payments") == [(0,)]

    # both nodes start again: they reconcile with LND and trade on
    restarted_ms = int(time.time() * 1000)
    for name in ("seller", "buyer-1"):
        demo.restart(name)
        parts.paused[name] = False
    wait_until(demo, "power on after the restart", lambda: relay_on(demo), 40)
    wait_until(demo, "payments after the restart", lambda: _succeeded(buyer, restarted_ms) >= 2, 30)
    run_for(demo, 1)
    _stop_nodes(demo)

    archived_buyer = _receipts(default_archive_dir(buyer))
    archived_seller = _receipts(default_archive_dir(seller))
    lnd_invoices = {i["payment_hash"]: i for i in lndgrpc("invoices", network.nodes[0])}
    lnd_payments = {p["payment_hash"]: p for p in lndgrpc("payments", network.nodes[1])}

    # the seller: every settlement LND has is in the ledger or in an archived receipt,
    # exactly once, with LND's amount; nothing archived came back with the restart
    archived_settled = {
        p["payment_hash"]: p["amount_msat"] for r in archived_seller for p in r["payments"]
    }
    ledger_settled = {
        h.lower(): a
        for h, a in rows(
            seller,
            "SELECT hex(payment_hash), amount_paid_msat FROM invoices WHERE state = 'settled'",
        )
    }
    assert not set(archived_settled) & set(ledger_settled)
    lnd_settled = {
        h: i["amt_paid_msat"] for h, i in lnd_invoices.items() if i["state"] == "SETTLED"
    }
    before = {
        h: a for h, a in setup_settled.items() if h not in {**archived_settled, **ledger_settled}
    }
    assert lnd_settled == {**before, **archived_settled, **ledger_settled, outside: 1_500}
    archived_invoices = {i["payment_hash"] for r in archived_seller for i in r["invoices"]}
    canceled_in_lnd = {h for h, i in lnd_invoices.items() if i["state"] == "CANCELED"}
    assert not archived_invoices & canceled_in_lnd  # cancelled ones were deleted from LND

    # the buyer: an archived payment is proven by its preimage and settled at the seller's
    # LND, and gone from its own; what LND keeps is the ledger's or the outside payment
    archived_paid = {p["payment_hash"]: p for r in archived_buyer for p in r["payments"]}
    assert len(archived_paid) >= 5
    for h, paid in archived_paid.items():
        assert hashlib.sha256(bytes.fromhex(paid["preimage"])).hexdigest() == h
        assert lnd_settled[h] == paid["amount_msat"]
        assert h not in lnd_payments
    ledger_paid = rows(
        buyer,
        "SELECT hex(payment_hash), amount_msat, hex(preimage), pruned, status FROM payments",
    )
    assert not {h.lower() for h, *_ in ledger_paid} & set(archived_paid)
    for h, amount, preimage, pruned, status in ledger_paid:
        if status != "succeeded":
            continue
        assert lnd_settled[h.lower()] == amount
        if not pruned:
            assert lnd_payments[h.lower()]["preimage"] == preimage.lower()
    ours = {h.lower() for h, *_ in ledger_paid}
    unexplained = set(lnd_payments) - ours - {outside} - (setup_paid - set(archived_paid))
    assert unexplained == set()
    assert lnd_payments[outside]["status"] == "SUCCEEDED"

    # the buyer's signed series went on from the page it had reached
    first_new = rows(
        buyer,
        f"SELECT min(pagination) FROM readings WHERE side = 'own' AND at_ms > {restarted_ms}",
    )[0][0]
    assert first_new == last_page + 1


LND_CONF = Path(__file__).resolve().parents[2] / "hardware" / "deploy" / "lnd.conf"


def test_the_pi_lnd_conf_names_only_options_and_sections_this_lnd_knows() -> None:
    from gridnode.regtest.daemons import bin_dir

    help_text = subprocess.run(
        [str(bin_dir() / "lnd"), "--help"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    groups = {line[:-1].strip().lower() for line in help_text.splitlines() if line.endswith(":")}
    options: dict[str, str] = {}
    for line in LND_CONF.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            assert line[1:-1].lower() in groups, f"LND has no section {line}"
            continue
        key, value = line.split("=", 1)
        assert f"--{key}" in help_text, f"LND has no option {key}"
        options[key] = value
    assert options["db.bolt.auto-compact"] == "true"
    assert options["gc-canceled-invoices-on-startup"] == "true"
    assert options["gc-canceled-invoices-on-the-fly"] == "true"
