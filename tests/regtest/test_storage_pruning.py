"""Storage hygiene against real LND on regtest (issue 12 §2).

(a) Pruning deletes only what the ledger holds with its proof: a payment made outside
    gridnode's ledger, and one still in flight, stay in LND; so does a cancelled invoice
    the ledger does not know.
(b) A demo seller and buyer, their LND records pruned and their ledgers archived with
    ``gridnode ledger prune``, restart and still reconcile exactly with LND.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.port import PaymentHash, PaymentStatus, Preimage
from tests.regtest.conftest import lndgrpc

pytestmark = pytest.mark.regtest

FEE = Msat(10_000)


async def _pay(payee: LndWallet, payer: LndWallet, amount: int, memo: str) -> tuple[bytes, Any]:
    invoice = await payee.create_invoice(Msat(amount), memo, 600)
    result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
    assert result.status is PaymentStatus.SUCCEEDED
    return invoice.payment_hash.value, (invoice, result)


async def test_pruning_deletes_only_what_the_ledger_holds_resolved(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet, tmp_path: Path
) -> None:
    buyer = Ledger.open(tmp_path / "buyer.sqlite", "buyer")
    buyer.open_session("s", "f" * 64, "m", 0)
    proven: list[bytes] = []
    for n in range(3):  # paid through gridnode: written before, resolved after
        invoice = await payee.create_invoice(Msat(1_000 + n), "step", 600)
        h = invoice.payment_hash.value
        buyer.payment_started("s", h, invoice.bolt11, invoice.amount, n)
        result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
        assert result.preimage is not None
        buyer.payment_resolved(h, "succeeded", n, result.preimage.value, result.fee)
        proven.append(h)
    outside, _ = await _pay(payee, payer, 2_000, "paid by hand, not by gridnode")
    # in flight: a hold invoice the payee holds; the ledger has the attempt, unresolved
    preimage = Preimage(os.urandom(32))
    held = PaymentHash(hashlib.sha256(preimage.value).digest())
    regtest_network.expect_log_errors(f"{held.hex}: payment is in transition")
    hold = await payee.create_hold_invoice(held, Msat(3_000), "held", 600, 40)
    buyer.payment_started("s", held.value, hold.bolt11, Msat(3_000), 9)
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
    assert all(p.preimage for p in buyer.payments(status="succeeded"))

    # the payee's side: only the cancelled invoices the ledger holds go
    seller = Ledger.open(tmp_path / "seller.sqlite", "seller")
    seller.open_session("s", "b" * 64, "m", 0)
    ours = await payee.create_invoice(Msat(4_000), "ours", 600)
    seller.invoice_created("s", ours.payment_hash.value, ours.bolt11, ours.amount, "step", False, 1)
    theirs = await payee.create_invoice(Msat(5_000), "not gridnode's", 600)
    for invoice in (ours, theirs):
        await payee.cancel_invoice(invoice.payment_hash)
    seller.invoice_state(ours.payment_hash.value, "canceled")
    await Pruner(seller, payee).once()
    invoices = {
        i["payment_hash"]: i["state"] for i in lndgrpc("invoices", regtest_network.nodes[0])
    }
    assert ours.payment_hash.hex not in invoices
    assert invoices[theirs.payment_hash.hex] == "CANCELED"
    assert invoices[held.hex] == "ACCEPTED"

    await payee.settle_hold_invoice(preimage)  # let the held payment end
    assert (await payer.track_payment(held, timeout_s=30)).status is PaymentStatus.SUCCEEDED
    buyer.close()
    seller.close()
