"""Start-up and shutdown reconciliation with the wallet (fake wallet, real ledger)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.reconcile import reconcile_buyer, reconcile_seller, sweep_open_invoices
from gridnode.wallet.port import InvoiceState, PaymentHash
from tests.fakes.wallet import FakeLightning, FakeWallet


def now_ms() -> int:
    return time.time_ns() // 1_000_000


async def test_buyer_resolves_payments_left_in_flight_and_never_pays_them_again(
    tmp_path: Path,
) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = Ledger.open(tmp_path / "buyer.sqlite", "buyer")
    ledger.open_session("s", "f" * 64, "m", 0)
    paid = await seller.create_invoice(Msat(700), "paid before the crash", 600)
    ledger.payment_started("s", paid.payment_hash.value, paid.bolt11, Msat(700), 1)
    await buyer.pay_invoice(paid.bolt11, Msat(0), 5)  # went through; the crash lost the result
    never = os.urandom(32)  # written, then the node died before LND saw it
    ledger.payment_started("s", never, "lnfake-never", Msat(500), 2)
    buyer.payments.pop(never, None)
    lightning.invoices.pop(never, None)

    async def not_found(payment_hash: PaymentHash, timeout_s: float) -> object:
        from gridnode.wallet.port import InvoiceNotFoundError

        if payment_hash.value == never:
            raise InvoiceNotFoundError("payment isn't initiated")
        return await FakeWallet.track_payment(buyer, payment_hash, timeout_s)

    buyer.track_payment = not_found  # type: ignore[assignment, method-assign]
    assert await reconcile_buyer(ledger, buyer, now_ms) == 1
    rows = {p.payment_hash: p for p in ledger.payments()}
    assert rows[paid.payment_hash.value].status == "succeeded"
    assert rows[paid.payment_hash.value].preimage is not None
    assert rows[never].status == "failed"


async def test_seller_releases_deposits_of_sessions_lost_in_a_restart(tmp_path: Path) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = Ledger.open(tmp_path / "seller.sqlite", "seller")
    ledger.open_session("s", "b" * 64, "m", 0)
    preimage = os.urandom(32)
    payment_hash = hashlib.sha256(preimage).digest()
    ledger.hold_invoice_planned("s", payment_hash, preimage, Msat(50_000), "deposit", 1)
    hold = await seller.create_hold_invoice(PaymentHash(payment_hash), Msat(50_000), "d", 60, 40)
    ledger.invoice_created("s", payment_hash, hold.bolt11, Msat(50_000), "deposit", True, 1)
    import asyncio

    payment = asyncio.create_task(buyer.pay_invoice(hold.bolt11, Msat(0), 10))
    await asyncio.sleep(0.05)
    assert (await seller.lookup_invoice(PaymentHash(payment_hash))).state is InvoiceState.ACCEPTED

    assert await reconcile_seller(ledger, seller, now_ms) == 1
    assert (await payment).failure is not None  # the buyer got its deposit back
    assert ledger.invoices()[0].state == "canceled"
    assert ledger.open_sessions() == []


async def test_a_settlement_at_shutdown_is_credited_without_moving_the_cursor(
    tmp_path: Path,
) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = Ledger.open(tmp_path / "seller.sqlite", "seller")
    ledger.open_session("s", "b" * 64, "m", 0)
    invoice = await seller.create_invoice(Msat(400), "last one", 600)
    ledger.invoice_created(
        "s", invoice.payment_hash.value, invoice.bolt11, Msat(400), "prepayment", False, 1
    )
    await buyer.pay_invoice(invoice.bolt11, Msat(0), 5)
    assert await sweep_open_invoices(ledger, seller, now_ms) == 1
    assert ledger.invoices()[0].state == "settled"
    assert ledger.settle_index() == 0
    assert await sweep_open_invoices(ledger, seller, now_ms) == 0


async def test_an_open_prepayment_is_cancelled_at_shutdown_so_it_cannot_be_paid_later(
    tmp_path: Path,
) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = Ledger.open(tmp_path / "seller.sqlite", "seller")
    ledger.open_session("s", "b" * 64, "m", 0)
    invoice = await seller.create_invoice(Msat(400), "energy ahead", 600)
    ledger.invoice_created(
        "s", invoice.payment_hash.value, invoice.bolt11, Msat(400), "prepayment", False, 1
    )
    assert await sweep_open_invoices(ledger, seller, now_ms) == 0
    assert ledger.invoices()[0].state == "canceled"
    late = await buyer.pay_invoice(invoice.bolt11, Msat(0), 5)
    assert late.failure is not None  # the stopped seller's invoice pays nothing
    assert ledger.invoices()[0].state == "canceled"


async def test_an_ended_sessions_held_deposit_is_followed_until_the_seller_releases_it(
    tmp_path: Path,
) -> None:
    """The buyer's deposit is a payment that stays in flight while the seller holds it; a
    session that ended before the seller released it leaves it to reconcile_buyer with the
    session's name, which waits for LND's word and touches no other session's payment."""
    import asyncio

    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = Ledger.open(tmp_path / "buyer.sqlite", "buyer")
    held = {}
    paying = []
    for name in ("ended", "live"):
        ledger.open_session(name, "f" * 64, "m", 0)
        payment_hash = hashlib.sha256(os.urandom(32)).digest()
        hold = await seller.create_hold_invoice(
            PaymentHash(payment_hash), Msat(50_000), name, 60, 40
        )
        ledger.payment_started(name, payment_hash, hold.bolt11, Msat(50_000), 1)
        paying.append(asyncio.create_task(buyer.pay_invoice(hold.bolt11, Msat(0), 10)))
        held[name] = payment_hash
    await asyncio.sleep(0.05)

    follow = asyncio.create_task(reconcile_buyer(ledger, buyer, now_ms, "ended"))
    await asyncio.sleep(0.1)
    assert not follow.done()  # still held by the seller: nothing to write yet
    await seller.cancel_invoice(PaymentHash(held["ended"]))  # the seller releases it
    assert await asyncio.wait_for(follow, 5) == 1
    status = {p.session_id: p.status for p in ledger.payments()}
    assert status == {"ended": "failed", "live": "in_flight"}  # refunded; the other untouched
    await seller.cancel_invoice(PaymentHash(held["live"]))
    await asyncio.gather(*paying)
