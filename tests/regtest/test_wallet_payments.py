"""Payments and hold invoices through gridnode's LND adapter, checked by a second client."""

from __future__ import annotations

import asyncio
import hashlib
import os

import pytest

from gridnode.money import Msat
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.port import (
    AlreadyPaidError,
    InvoiceState,
    PaymentFailure,
    PaymentHash,
    PaymentInFlightError,
    PaymentStatus,
    Preimage,
)
from tests.support.regtest.lnd import lndgrpc

pytestmark = pytest.mark.regtest

FEE = Msat(10_000)


async def test_payment_from_b_to_a_both_sides_agree(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet
) -> None:
    invoice = await payee.create_invoice(Msat(21_123), "one payment", expiry_s=600)
    decoded = await payer.decode_invoice(invoice.bolt11)
    assert decoded.payment_hash == invoice.payment_hash
    assert decoded.amount == Msat(21_123)

    result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)

    assert result.status is PaymentStatus.SUCCEEDED
    assert result.amount == Msat(21_123)
    assert result.preimage is not None
    assert hashlib.sha256(result.preimage.value).digest() == invoice.payment_hash.value
    seen_by_payee = await payee.lookup_invoice(invoice.payment_hash)
    assert seen_by_payee.state is InvoiceState.SETTLED
    assert seen_by_payee.amount_paid == Msat(21_123)
    assert seen_by_payee.preimage == result.preimage
    # ... and LND itself, asked through the independent client, agrees on both sides.
    invoices = {i["payment_hash"]: i for i in lndgrpc("invoices", regtest_network.nodes[0])}
    assert invoices[invoice.payment_hash.hex]["state"] == "SETTLED"
    assert invoices[invoice.payment_hash.hex]["amt_paid_msat"] == 21_123
    assert invoices[invoice.payment_hash.hex]["preimage"] == result.preimage.hex
    payments = {p["payment_hash"]: p for p in lndgrpc("payments", regtest_network.nodes[1])}
    assert payments[invoice.payment_hash.hex]["status"] == "SUCCEEDED"
    assert payments[invoice.payment_hash.hex]["preimage"] == result.preimage.hex


async def test_paying_the_same_invoice_twice_is_refused(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet
) -> None:
    invoice = await payee.create_invoice(Msat(5_000), "pay once", expiry_s=600)
    regtest_network.expect_log_errors(
        f"{invoice.payment_hash.hex}: invoice is already paid",
        r"SendPaymentV2\]: rpc error: code = AlreadyExists desc = invoice is already paid",
    )
    first = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
    assert first.succeeded
    with pytest.raises(AlreadyPaidError) as caught:
        await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
    assert caught.value.payment_hash == invoice.payment_hash
    tracked = await payer.track_payment(invoice.payment_hash, timeout_s=5)
    assert tracked.preimage == first.preimage


async def test_100_sequential_small_payments_all_succeed(
    payee: LndWallet, payer: LndWallet
) -> None:
    before = await payer.balances()
    for n in range(100):
        invoice = await payee.create_invoice(Msat(1_000 + n), f"small {n}", expiry_s=600)
        result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=30)
        assert result.status is PaymentStatus.SUCCEEDED, (n, result)
    after = await payer.balances()
    paid = sum(1_000 + n for n in range(100))
    assert before.channel_local - after.channel_local == Msat(paid)  # direct channel: no fee


async def test_hold_invoice_paid_held_then_settled(payee: LndWallet, payer: LndWallet) -> None:
    preimage = Preimage(os.urandom(32))
    payment_hash = PaymentHash(hashlib.sha256(preimage.value).digest())
    hold = await payee.create_hold_invoice(payment_hash, Msat(200_000), "deposit", 600, 40)
    updates = payee.invoice_updates(payment_hash)
    assert (await anext(updates)).state is InvoiceState.OPEN

    payment = asyncio.create_task(payer.pay_invoice(hold.bolt11, FEE, timeout_s=60))
    accepted = await asyncio.wait_for(anext(updates), 30)
    assert accepted.state is InvoiceState.ACCEPTED
    assert accepted.amount_paid == Msat(200_000)  # what the held HTLC carries
    assert not payment.done()  # the payer's HTLC is held

    await payee.settle_hold_invoice(preimage)
    assert (await asyncio.wait_for(anext(updates), 30)).state is InvoiceState.SETTLED
    result = await asyncio.wait_for(payment, 30)
    assert result.status is PaymentStatus.SUCCEEDED
    assert result.preimage == preimage


async def test_hold_invoice_paid_held_then_cancelled_refunds_the_payer(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet
) -> None:
    payment_hash = PaymentHash(hashlib.sha256(os.urandom(32)).digest())
    regtest_network.expect_log_errors(f"Payment {payment_hash.hex} failed")
    hold = await payee.create_hold_invoice(payment_hash, Msat(300_000), "deposit", 600, 40)
    before = await payer.balances()
    updates = payee.invoice_updates(payment_hash)
    assert (await anext(updates)).state is InvoiceState.OPEN

    payment = asyncio.create_task(payer.pay_invoice(hold.bolt11, FEE, timeout_s=60))
    assert (await asyncio.wait_for(anext(updates), 30)).state is InvoiceState.ACCEPTED
    held = await payer.balances()
    assert before.channel_local - held.channel_local >= Msat(300_000)  # locked in the HTLC

    await payee.cancel_invoice(payment_hash)
    assert (await asyncio.wait_for(anext(updates), 30)).state is InvoiceState.CANCELED
    result = await asyncio.wait_for(payment, 30)
    assert result.status is PaymentStatus.FAILED
    assert result.failure is PaymentFailure.INCORRECT_PAYMENT_DETAILS
    after = await payer.balances()
    assert after.channel_local == before.channel_local  # refunded in full
    # LND's record of the cancelled invoice can be pruned once its proof is stored.
    await payee.delete_canceled_invoice(payment_hash)


async def test_a_payment_still_in_flight_at_its_timeout_is_tracked_never_paid_again(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet
) -> None:
    # A held hold-invoice keeps the payer's HTLC in flight for as long as the payee likes.
    preimage = Preimage(os.urandom(32))
    payment_hash = PaymentHash(hashlib.sha256(preimage.value).digest())
    regtest_network.expect_log_errors(
        f"{payment_hash.hex}: payment is in transition",
        r"SendPaymentV2\]: rpc error: code = AlreadyExists desc = payment is in transition",
    )
    hold = await payee.create_hold_invoice(payment_hash, Msat(7_000), "slow", 600, 40)

    result = await payer.pay_invoice(hold.bolt11, FEE, timeout_s=1)

    assert result.status is PaymentStatus.IN_FLIGHT  # a timeout is not a failure
    assert result.payment_hash == payment_hash
    assert result.preimage is None
    with pytest.raises(PaymentInFlightError):
        await payer.pay_invoice(hold.bolt11, FEE, timeout_s=1)
    still = await payer.track_payment(payment_hash, timeout_s=1)
    assert still.status is PaymentStatus.IN_FLIGHT

    await payee.settle_hold_invoice(preimage)
    final = await payer.track_payment(payment_hash, timeout_s=30)
    assert final.status is PaymentStatus.SUCCEEDED
    assert final.preimage == preimage


async def test_an_invoice_larger_than_the_channel_can_carry_fails_typed_and_pays_nothing(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet
) -> None:
    before = await payer.balances()
    too_much = Msat(before.channel_local.msat + 1_000_000_000)  # 1M sat beyond what B holds
    invoice = await payee.create_invoice(too_much, "more than the channel", expiry_s=600)
    regtest_network.expect_log_errors(  # the payer's router says why it gave up
        f"No route found for payment {invoice.payment_hash.hex}",
        f"Payment {invoice.payment_hash.hex} failed: insufficient_balance",
    )

    result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=20)

    assert result.status is PaymentStatus.FAILED
    assert result.failure is PaymentFailure.INSUFFICIENT_BALANCE
    assert result.payment_hash == invoice.payment_hash
    assert result.preimage is None
    # Nothing left the payer, and the invoice is still open on the receiver ...
    after = await payer.balances()
    assert after.channel_local == before.channel_local
    still = await payee.lookup_invoice(invoice.payment_hash)
    assert still.state is InvoiceState.OPEN
    assert still.amount_paid == Msat(0)
    # ... the payer's LND records the payment as failed, not pending ...
    tracked = await payer.track_payment(invoice.payment_hash, timeout_s=5)
    assert tracked.status is PaymentStatus.FAILED
    assert tracked.failure is PaymentFailure.INSUFFICIENT_BALANCE
    # ... as LND itself says through the independent client.
    invoices = {i["payment_hash"]: i for i in lndgrpc("invoices", regtest_network.nodes[0])}
    assert invoices[invoice.payment_hash.hex]["state"] == "OPEN"
    assert invoices[invoice.payment_hash.hex]["amt_paid_msat"] == 0
    payments = {p["payment_hash"]: p for p in lndgrpc("payments", regtest_network.nodes[1])}
    assert payments[invoice.payment_hash.hex]["status"] == "FAILED"
