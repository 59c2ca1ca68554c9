"""Start-up and shutdown reconciliation with the wallet (fake wallet, real ledger), in
virtual time."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

from gridnode.ledger import InvoicePurpose, InvoiceState, PaymentStatus, SqliteLedger
from gridnode.money import Msat
from gridnode.node.payments import NEVER_STARTED
from gridnode.node.reconcile import reconcile_buyer, reconcile_seller, sweep_open_invoices
from gridnode.wallet.port import CreatedInvoice, InvoiceNotFoundError, PaymentHash, PaymentResult
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet

DEPOSIT, PREPAYMENT = InvoicePurpose.DEPOSIT, InvoicePurpose.PREPAYMENT


class RestartedBuyer(FakeWallet):
    """The buyer's wallet after a crash: LND has no record of the payment ``never`` (the
    node died between the ledger's write and the wallet's call), and paying anything
    again fails the test."""

    never = b""
    paid_again: list[str]

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        if payment_hash.value == self.never:
            raise InvoiceNotFoundError("payment isn't initiated")
        return await super().track_payment(payment_hash, timeout_s)

    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        self.paid_again.append(bolt11)
        raise AssertionError("reconciliation never pays")


async def _attempted(
    ledger: SqliteLedger, seller: FakeWallet, amount: Msat, memo: str, at_ms: int
) -> CreatedInvoice:
    """An invoice of ``seller``'s whose payment the buyer's ledger holds as attempted in
    session "s" (written before the wallet saw it, as the node writes it)."""
    invoice = await seller.create_invoice(amount, memo, 600)
    await ledger.payments.started("s", invoice.payment_hash.value, invoice.bolt11, amount, at_ms)
    return invoice


async def test_buyer_resolves_payments_left_in_flight_and_never_pays_them_again(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = FakeWallet(lightning, "buyer", clock=clock)
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s", "f" * 64, "m", 0)
    paid = await _attempted(ledger, seller, Msat(700), "paid before the crash", 1)
    await buyer.pay_invoice(paid.bolt11, Msat(0), 5)  # went through; the crash lost the result
    never = os.urandom(32)  # written, then the node died before LND saw it
    await ledger.payments.started("s", never, "lnfake-never", Msat(500), 2)
    restarted = RestartedBuyer(lightning, "buyer", clock=clock)
    restarted.payments = buyer.payments  # LND's records survived the crash
    restarted.never, restarted.paid_again = never, []
    outcomes = await reconcile_buyer(ledger, restarted, clock)
    assert {o.payment_hash: o.status for o in outcomes} == {
        paid.payment_hash.value: PaymentStatus.SUCCEEDED,
        never: PaymentStatus.FAILED,
    }
    assert restarted.paid_again == []
    rows = {p.payment_hash: p for p in await ledger.payments.find()}
    assert rows[paid.payment_hash.value].status is PaymentStatus.SUCCEEDED
    assert rows[paid.payment_hash.value].preimage is not None
    assert rows[never].status is PaymentStatus.FAILED
    assert rows[never].failure == NEVER_STARTED
    assert await reconcile_buyer(ledger, restarted, clock) == []  # nothing left in flight
    await ledger.close()


async def test_seller_releases_deposits_of_sessions_lost_in_a_restart(tmp_path: Path) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = FakeWallet(lightning, "buyer", clock=clock)
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open("s", "b" * 64, "m", 0)
    preimage = os.urandom(32)
    payment_hash = hashlib.sha256(preimage).digest()
    await ledger.invoices.hold_planned("s", payment_hash, preimage, Msat(50_000), DEPOSIT, 1)
    hold = await seller.create_hold_invoice(PaymentHash(payment_hash), Msat(50_000), "d", 60, 40)
    await ledger.invoices.created("s", payment_hash, hold.bolt11, Msat(50_000), DEPOSIT, True, 1)

    payment = asyncio.create_task(buyer.pay_invoice(hold.bolt11, Msat(0), 10))
    await clock.settle()
    assert (await seller.lookup_invoice(PaymentHash(payment_hash))).state is InvoiceState.ACCEPTED

    assert await reconcile_seller(ledger, seller, clock.now_ms) == 1
    assert (await payment).failure is not None  # the buyer got its deposit back
    assert (await ledger.invoices.find())[0].state is InvoiceState.CANCELED
    assert await ledger.sessions.open_ids() == []
    session = await ledger.sessions.get("s")
    assert session is not None
    assert session.closing_cause == "the node restarted"
    await ledger.close()


async def test_a_settlement_at_shutdown_is_credited_without_moving_the_cursor(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = FakeWallet(lightning, "buyer", clock=clock)
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open("s", "b" * 64, "m", 0)
    invoice = await seller.create_invoice(Msat(400), "last one", 600)
    await ledger.invoices.created(
        "s", invoice.payment_hash.value, invoice.bolt11, Msat(400), PREPAYMENT, False, 1
    )
    await buyer.pay_invoice(invoice.bolt11, Msat(0), 5)
    assert await sweep_open_invoices(ledger, seller, clock.now_ms) == 1
    assert (await ledger.invoices.find())[0].state is InvoiceState.SETTLED
    assert await ledger.invoices.settle_index() == 0
    assert await sweep_open_invoices(ledger, seller, clock.now_ms) == 0
    await ledger.close()


async def test_an_open_prepayment_is_cancelled_at_shutdown_so_it_cannot_be_paid_later(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = FakeWallet(lightning, "buyer", clock=clock)
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open("s", "b" * 64, "m", 0)
    invoice = await seller.create_invoice(Msat(400), "energy ahead", 600)
    await ledger.invoices.created(
        "s", invoice.payment_hash.value, invoice.bolt11, Msat(400), PREPAYMENT, False, 1
    )
    assert await sweep_open_invoices(ledger, seller, clock.now_ms) == 0
    assert (await ledger.invoices.find())[0].state is InvoiceState.CANCELED
    late = await buyer.pay_invoice(invoice.bolt11, Msat(0), 5)
    assert late.failure is not None  # the stopped seller's invoice pays nothing
    assert (await ledger.invoices.find())[0].state is InvoiceState.CANCELED
    await ledger.close()


async def test_an_ended_sessions_held_deposit_is_followed_until_the_seller_releases_it(
    tmp_path: Path,
) -> None:
    """The buyer's deposit is a payment that stays in flight while the seller holds it; a
    session that ended before the seller released it leaves it to reconcile_buyer with the
    session's name, which waits for LND's word and touches no other session's payment."""
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = FakeWallet(lightning, "buyer", clock=clock)
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    held = {}
    paying = []
    for name in ("ended", "live"):
        await ledger.sessions.open(name, "f" * 64, "m", 0)
        payment_hash = hashlib.sha256(os.urandom(32)).digest()
        hold = await seller.create_hold_invoice(
            PaymentHash(payment_hash), Msat(50_000), name, 60, 40
        )
        await ledger.payments.started(name, payment_hash, hold.bolt11, Msat(50_000), 1)
        paying.append(asyncio.create_task(buyer.pay_invoice(hold.bolt11, Msat(0), 600)))
        held[name] = payment_hash
    await clock.settle()

    follow = asyncio.create_task(reconcile_buyer(ledger, buyer, clock, "ended"))
    await clock.advance(120)  # tracked through several of LND's timeouts
    assert not follow.done()  # still held by the seller: nothing to write yet
    await seller.cancel_invoice(PaymentHash(held["ended"]))  # the seller releases it
    await clock.settle()
    assert follow.done()
    (outcome,) = follow.result()
    assert outcome.status is PaymentStatus.FAILED
    status = {p.session_id: p.status for p in await ledger.payments.find()}
    # refunded; the other untouched
    assert status == {"ended": PaymentStatus.FAILED, "live": PaymentStatus.IN_FLIGHT}
    await seller.cancel_invoice(PaymentHash(held["live"]))
    await clock.settle()
    await asyncio.gather(*paying)
    await ledger.close()


class StuckBuyer(FakeWallet):
    """LND after a restart mid-payment: the payment ``stuck`` stays in flight for good
    (lnd#9340); the others resolve as usual."""

    stuck = b""

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        if payment_hash.value == self.stuck:
            await self.clock.sleep(timeout_s)
            return PaymentResult(payment_hash, PaymentStatus.IN_FLIGHT, Msat(400), Msat(0))
        return await super().track_payment(payment_hash, timeout_s)


async def test_a_payment_lnd_never_resolves_does_not_keep_the_others_unwritten(
    tmp_path: Path,
) -> None:
    # the short drill: a prepayment stuck in flight was followed first, and the deposit
    # behind it, which the seller kept, stayed "in flight" in the ledger for good
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = StuckBuyer(lightning, "buyer", clock=clock)
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s", "f" * 64, "m", 0)
    stuck = await _attempted(ledger, seller, Msat(400), "stuck in LND", 1)
    buyer.stuck = stuck.payment_hash.value
    paid = await _attempted(ledger, seller, Msat(700), "went through", 2)
    await buyer.pay_invoice(paid.bolt11, Msat(0), 5)
    following = asyncio.create_task(reconcile_buyer(ledger, buyer, clock))
    await clock.advance(120)
    rows = {p.payment_hash: p.status for p in await ledger.payments.find()}
    assert rows[paid.payment_hash.value] is PaymentStatus.SUCCEEDED
    assert rows[stuck.payment_hash.value] is PaymentStatus.IN_FLIGHT  # still followed
    following.cancel()
    await asyncio.gather(following, return_exceptions=True)
    await ledger.close()
