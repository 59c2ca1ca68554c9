"""The one payment tracker (DESIGN.md invariant 4): the attempt is written before the
wallet sees it and never made twice; a payment is paid once and followed, with a backoff
on the injected clock, until LND gives its final word, which goes into the ledger.

A fake wallet on a fake Lightning network, a real ledger (inline offloader), and a
virtual clock: nothing here waits on the wall clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import pytest

from gridnode.ledger import DuplicatePaymentError, PaymentStatus, SqliteLedger
from gridnode.money import Msat
from gridnode.node.payments import (
    NEVER_STARTED,
    NOT_FOUND_MARGIN_MS,
    Payment,
    PaymentOutcome,
    PaymentTracker,
)
from gridnode.trade.bolt11 import decode
from gridnode.wallet.port import (
    InvoiceNotFoundError,
    PaymentHash,
    PaymentResult,
    WalletError,
    WalletNotConnectedError,
    WalletUnreachableError,
)
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet

#: A scripted answer: a result to return, or an error to raise.
Answer = PaymentResult | WalletError


class ScriptedWallet(FakeWallet):
    """The fake wallet, whose pay and track calls can be told what to answer first (LND
    unreachable, a payment still in flight, no record of it); then it answers as the
    fake network says. Every call is noted with the virtual time it was made at."""

    def __init__(self, lightning: FakeLightning, clock: VirtualClock) -> None:
        super().__init__(lightning, "buyer")
        self.clock = clock
        self.pays: list[float] = []
        self.tracks: list[float] = []
        self.pay_answers: list[Answer] = []
        self.track_answers: list[Answer] = []
        #: pay for real, then raise this (the call failed after LND took the payment)
        self.fail_after_paying: WalletError | None = None

    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        self.pays.append(self.clock.monotonic())
        if self.pay_answers:
            return _give(self.pay_answers.pop(0))
        result = await super().pay_invoice(bolt11, max_fee, timeout_s)
        if self.fail_after_paying is not None:
            raise self.fail_after_paying
        return result

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        self.tracks.append(self.clock.monotonic())
        if self.track_answers:
            return _give(self.track_answers.pop(0))
        return await super().track_payment(payment_hash, timeout_s)


def _give(answer: Answer) -> PaymentResult:
    if isinstance(answer, WalletError):
        raise answer
    return answer


class World:
    def __init__(self, ledger: SqliteLedger) -> None:
        # the fake seller dates its BOLT11s by the wall clock, as LND does
        self.clock = VirtualClock(time.time_ns() // 1_000_000)
        self.lightning = FakeLightning()
        self.seller = FakeWallet(self.lightning, "seller")
        self.wallet = ScriptedWallet(self.lightning, self.clock)
        self.ledger = ledger
        self.tracker = PaymentTracker(ledger, self.wallet, self.clock)

    async def invoice(self, amount: int = 1_000, expiry_s: int = 60) -> Payment:
        created = await self.seller.create_invoice(Msat(amount), "step", expiry_s)
        return Payment(created.payment_hash.value, created.bolt11, Msat(amount), Msat(10))

    def in_flight(self, payment: Payment) -> PaymentResult:
        return PaymentResult(
            PaymentHash(payment.payment_hash), PaymentStatus.IN_FLIGHT, payment.amount, Msat(0)
        )

    async def settle(self, work: Coroutine[Any, Any, PaymentOutcome]) -> PaymentOutcome:
        """Run ``work`` to its end, moving virtual time as it waits."""
        task = asyncio.create_task(work)
        await self.clock.settle()  # what needs no waiting is done before time moves
        await self.clock.run_until(task.done, step_s=0.25, limit_s=600)
        return await task


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s1", "f" * 64, "meter", 0)
    yield World(ledger)
    await ledger.close()


async def test_a_payment_that_succeeds_is_written_with_its_preimage_and_fee(world: World) -> None:
    payment = await world.invoice(2_000)
    await world.tracker.start("s1", payment)
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert row.status is PaymentStatus.IN_FLIGHT  # written before the wallet saw it
    assert world.wallet.pays == []

    outcome = await world.settle(world.tracker.pay(payment))
    assert outcome.succeeded
    assert (outcome.amount, outcome.fee) == (Msat(2_000), Msat(0))
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert (row.status, row.preimage, row.fee) == (
        PaymentStatus.SUCCEEDED,
        outcome.preimage,
        Msat(0),
    )
    assert len(world.wallet.pays) == 1
    assert world.wallet.tracks == []  # nothing to follow
    assert world.clock.monotonic() == 0  # and nothing waited


async def test_a_payment_that_fails_is_written_with_lnds_reason(world: World) -> None:
    payment = await world.invoice()
    await world.seller.cancel_invoice(PaymentHash(payment.payment_hash))  # unpayable
    await world.tracker.start("s1", payment)
    outcome = await world.settle(world.tracker.pay(payment))
    assert (outcome.status, outcome.failure) == (PaymentStatus.FAILED, "incorrect_payment_details")
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert (row.status, row.failure, row.preimage) == (
        PaymentStatus.FAILED,
        "incorrect_payment_details",
        None,
    )


async def test_a_payment_in_flight_is_followed_with_backoff_until_it_succeeds(
    world: World,
) -> None:
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    # LND answers "in flight" to the pay call and to the first three tracks; meanwhile
    # the payment goes through on the network
    world.wallet.pay_answers = [world.in_flight(payment)]
    world.wallet.track_answers = [world.in_flight(payment)] * 3
    await FakeWallet.pay_invoice(world.wallet, payment.bolt11, payment.max_fee, 5)

    outcome = await world.settle(world.tracker.pay(payment))
    assert outcome.succeeded
    assert len(world.wallet.pays) == 1  # never paid again
    gaps = [b - a for a, b in zip(world.wallet.tracks, world.wallet.tracks[1:], strict=False)]
    assert gaps == pytest.approx([0.5, 1.0, 2.0])  # the backoff, on the virtual clock
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert row.status is PaymentStatus.SUCCEEDED


async def test_a_payment_lnd_never_started_fails_as_such_and_is_not_paid_again(
    world: World,
) -> None:
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    world.wallet.pay_answers = [WalletUnreachableError("LND went away mid-call")]
    world.wallet.track_answers = [InvoiceNotFoundError("payment isn't initiated")]
    outcome = await world.settle(world.tracker.pay(payment))
    assert (outcome.status, outcome.failure) == (PaymentStatus.FAILED, NEVER_STARTED)
    assert len(world.wallet.pays) == 1
    # written failed only once LND could no longer start it: its invoice had expired
    expires_ms = decode(payment.bolt11).expires_at_s * 1000
    assert world.clock.now_ms() >= expires_ms + NOT_FOUND_MARGIN_MS
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert (row.status, row.failure) == (PaymentStatus.FAILED, "never started by LND")


async def test_a_payment_lnd_has_no_record_of_yet_is_asked_after_until_lnd_pays_it(
    world: World,
) -> None:
    """The full drill's case: a buyer killed as its pay call reached LND came back, found
    no record in LND and wrote the payment failed; LND then paid it and the seller
    settled it. Before its invoice expires a payment unknown to LND is not given up on."""
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    world.wallet.pay_answers = [WalletUnreachableError("the node was killed mid-call")]
    world.wallet.track_answers = [InvoiceNotFoundError("payment isn't initiated")] * 3
    work = asyncio.create_task(world.tracker.pay(payment))
    await world.clock.run_until(lambda: len(world.wallet.tracks) == 3, step_s=0.25, limit_s=60)
    assert not work.done()
    # the call that was on its way reaches LND, which pays it
    await FakeWallet.pay_invoice(world.wallet, payment.bolt11, payment.max_fee, 5)
    await world.clock.run_until(work.done, step_s=0.25, limit_s=60)
    outcome = await work
    assert outcome.succeeded
    assert len(world.wallet.pays) == 1
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert row.status is PaymentStatus.SUCCEEDED


async def test_a_pay_call_that_never_reached_lnd_is_made_again_once_lnd_takes_calls(
    world: World,
) -> None:
    """The full drill's stall: the buyer's pay calls came while its LND refused
    connections; the tracker followed a payment LND had never seen until its invoice
    expired (a deposit: minutes), so the session closed having paid nothing. A call gRPC
    could not even send is made again, with the backoff, once LND answers; it pays once."""
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    refused = WalletNotConnectedError("failed to connect to all addresses: Connection refused")
    world.wallet.pay_answers = [refused] * 3
    outcome = await world.settle(world.tracker.pay(payment))
    assert outcome.succeeded
    gaps = [b - a for a, b in zip(world.wallet.pays, world.wallet.pays[1:], strict=False)]
    assert gaps == pytest.approx([0.5, 1.0, 2.0])  # three refused, the fourth reached LND
    assert world.wallet.tracks == []  # nothing in flight to follow
    invoice = await world.seller.lookup_invoice(PaymentHash(payment.payment_hash))
    assert invoice.amount_paid == payment.amount  # paid once
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert row.status is PaymentStatus.SUCCEEDED


async def test_a_pay_call_never_sent_before_its_invoice_expired_is_written_never_started(
    world: World,
) -> None:
    payment = await world.invoice(expiry_s=10)
    await world.tracker.start("s1", payment)
    world.wallet.pay_answers = [WalletNotConnectedError("LND is still starting")] * 100
    world.wallet.track_answers = [InvoiceNotFoundError("payment isn't initiated")] * 100
    outcome = await world.settle(world.tracker.pay(payment))
    assert (outcome.status, outcome.failure) == (PaymentStatus.FAILED, NEVER_STARTED)
    expires_ms = decode(payment.bolt11).expires_at_s * 1000
    # no call after the invoice expired: LND would refuse it, and it is written failed
    # once LND can no longer start one that was on its way
    started_ms = world.clock.now_ms() - world.clock.monotonic() * 1000  # no jumps here
    assert world.wallet.pays
    assert all(started_ms + t * 1000 < expires_ms for t in world.wallet.pays)
    assert world.clock.now_ms() >= expires_ms + NOT_FOUND_MARGIN_MS


async def test_wallet_errors_are_waited_out_with_a_capped_backoff_then_the_success_is_written(
    world: World,
) -> None:
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    # LND took the payment, then the call failed; LND stays unreachable for seven tracks
    world.wallet.fail_after_paying = WalletUnreachableError("connection reset")
    world.wallet.track_answers = [WalletUnreachableError("LND is restarting")] * 7
    outcome = await world.settle(world.tracker.pay(payment))
    assert outcome.succeeded
    assert outcome.preimage is not None
    assert len(world.wallet.pays) == 1
    gaps = [b - a for a, b in zip(world.wallet.tracks, world.wallet.tracks[1:], strict=False)]
    assert gaps == pytest.approx([0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0])
    row = await world.ledger.payments.get(payment.payment_hash)
    assert row is not None
    assert (row.status, row.preimage) == (PaymentStatus.SUCCEEDED, outcome.preimage)


async def test_following_a_payment_never_pays_it(world: World) -> None:
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    await FakeWallet.pay_invoice(world.wallet, payment.bolt11, payment.max_fee, 5)
    world.wallet.track_answers = [world.in_flight(payment), WalletError("busy")]
    outcome = await world.settle(
        world.tracker.follow(payment.payment_hash, payment.amount, payment.bolt11)
    )
    assert outcome.succeeded
    assert world.wallet.pays == []
    assert len(world.wallet.tracks) == 3


async def test_a_hash_attempted_before_is_refused_before_the_wallet_sees_it(world: World) -> None:
    payment = await world.invoice()
    await world.tracker.start("s1", payment)
    await world.settle(world.tracker.pay(payment))
    with pytest.raises(DuplicatePaymentError, match="never paid twice"):
        await world.tracker.start("s1", payment)
    assert len(world.wallet.pays) == 1
