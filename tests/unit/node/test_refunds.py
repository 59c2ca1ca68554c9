"""Unused credit goes back to the buyer (issue 19), two runtimes in virtual time: a buyer
that leaves is paid its credit back to the msat, once; a refund a restart cut short is
finished once at the next start; a refund invoice that is not the buyer's is refused."""

from __future__ import annotations

import asyncio
import copy
import hashlib
from pathlib import Path

from gridnode.identity import Role
from gridnode.ledger import CreditNoteState, PaymentStatus
from gridnode.money import Msat
from gridnode.node.refunds import SellerRefunds
from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade import codec
from gridnode.trade.messages import ClosingStatement, Envelope, RefundRequest
from gridnode.trade.signing import P256Signer
from gridnode.wallet.port import PaymentHash
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair
from tests.support.node_parts import node_context
from tests.support.wallet import FakeLightning, FakeWallet


async def _buyer_leaves(pair: Pair[VirtualClock]) -> None:
    """Run both nodes, trade a while, then stop the buyer alone (it leaves)."""
    seller_stop, buyer_stop = asyncio.Event(), asyncio.Event()
    pair.tasks = [
        asyncio.create_task(pair.seller.run(seller_stop)),
        asyncio.create_task(pair.buyer.run(buyer_stop)),
    ]
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(20)
    buyer_stop.set()
    await pair.clock.run_until(lambda: pair.tasks[1].done(), limit_s=60)
    pair.tasks[1].result()
    seller_stop.set()
    pair.stop.set()
    await pair.clock.run_until(lambda: pair.tasks[0].done(), limit_s=60)
    pair.tasks[0].result()


async def test_a_buyer_that_leaves_gets_its_unused_credit_back_to_the_msat(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    await _buyer_leaves(pair)
    seller, buyer = pair.stored("seller"), pair.stored("buyer")
    [owed] = seller.credit.find()
    [held] = buyer.credit.find()
    assert owed.state is held.state is CreditNoteState.PAID
    assert owed.preimage == held.preimage is not None
    assert owed.credit == held.credit > Msat(0)
    statement = codec.decode(owed.statement).envelope.body
    assert isinstance(statement, ClosingStatement)
    # LND's word: the buyer paid the seller, the seller paid back, the rest is the energy
    paid = sum((p.amount for p in buyer.payments.find(status=PaymentStatus.SUCCEEDED)), Msat(0))
    [refund] = seller.payments.find()
    assert refund.status is PaymentStatus.SUCCEEDED
    assert refund.amount == owed.credit
    assert paid - refund.amount == statement.cost
    assert pair.seller_wallet.payments[refund.payment_hash].succeeded
    # both journals carry the refund: the BOLT11 asked and the preimage that proves it
    for ledger, note in ((seller, owed), (buyer, held)):
        entries = ledger.sessions.entries(note.session_id, ("refund",))
        assert [e.text.split(" of ")[0] for e in entries] == ["refund", "refund"]
        assert entries[0].data == refund.bolt11.encode()
        assert entries[1].data == owed.preimage


async def _seller_with_note(tmp_path: Path) -> tuple[SellerRefunds, FakeWallet, bytes]:
    """A seller's refund desk with one credit note whose refund was requested (the
    BOLT11 written) when the node was killed, before it paid."""
    clock = VirtualClock()
    network = FakeLightning()
    seller_wallet = FakeWallet(network, "seller", clock=clock)
    buyer_wallet = FakeWallet(network, "buyer", clock=clock)
    ctx = await node_context(tmp_path / "seller", Role.SELLER, clock, seller_wallet)
    buyer_key = P256Signer.generate()
    note_id = b"N" * 16
    await ctx.ledger.sessions.open("s1", "buyer-fp", "m1", 1)
    await ctx.ledger.credit.noted(note_id, "s1", "buyer-fp", Msat(1_500), b"frame", 2)
    created = await buyer_wallet.create_invoice(Msat(1_500), "gridnode refund", 3600)
    assert await ctx.ledger.credit.requested(note_id, created.bolt11, created.payment_hash.value)
    refunds = SellerRefunds(ctx, "buyer-fp", buyer_key.verifier(), lambda frame: None)
    return refunds, seller_wallet, created.payment_hash.value


async def test_a_refund_a_restart_cut_short_is_paid_once_at_the_next_start(
    tmp_path: Path,
) -> None:
    refunds, wallet, payment_hash = await _seller_with_note(tmp_path)
    assert await refunds.resume() == 1
    assert await refunds.resume() == 0  # paid: nothing left to finish
    ledger = refunds.ctx.ledger
    note = await ledger.credit.get(b"N" * 16)
    assert note is not None
    assert note.state is CreditNoteState.PAID
    assert note.preimage is not None
    assert hashlib.sha256(note.preimage).digest() == payment_hash
    [payment] = await ledger.payments.find()
    assert payment.status is PaymentStatus.SUCCEEDED
    assert list(wallet.payments) == [payment_hash]
    await ledger.close()


async def test_a_refund_in_flight_at_the_kill_is_followed_never_paid_again(
    tmp_path: Path,
) -> None:
    refunds, wallet, payment_hash = await _seller_with_note(tmp_path)
    ledger = refunds.ctx.ledger
    note = await ledger.credit.get(b"N" * 16)
    assert note is not None
    # the attempt was written and LND paid it; the node died before it heard
    await ledger.payments.started("s1", payment_hash, note.bolt11, Msat(1_500), 3)
    result = await wallet.pay_invoice(note.bolt11, Msat(0), 5)
    assert result.succeeded
    assert await refunds.resume() == 1
    note = await ledger.credit.get(b"N" * 16)
    assert note is not None
    assert note.state is CreditNoteState.PAID
    assert len(wallet.payments) == 1
    assert (await wallet.track_payment(PaymentHash(payment_hash), 1)).succeeded
    await ledger.close()


async def test_a_refund_invoice_that_is_not_the_buyers_is_never_paid(tmp_path: Path) -> None:
    clock = VirtualClock()
    network = FakeLightning()
    seller_wallet = FakeWallet(network, "seller", clock=clock)
    stranger = FakeWallet(network, "stranger", clock=clock)
    ctx = await node_context(tmp_path / "seller", Role.SELLER, clock, seller_wallet)
    buyer_key = P256Signer.generate()
    await ctx.ledger.sessions.open("s1", "buyer-fp", "m1", 1)
    await ctx.ledger.credit.noted(b"N" * 16, "s1", "buyer-fp", Msat(1_500), b"frame", 2)
    refunds = SellerRefunds(ctx, "buyer-fp", buyer_key.verifier(), lambda frame: None)
    created = await stranger.create_invoice(Msat(1_500), "gridnode refund", 3600)
    request = RefundRequest(created.bolt11, created.payment_hash.value, Msat(1_500))
    await refunds.on_request(codec.encode(Envelope(b"N" * 16, 1, request), buyer_key))
    note = await ctx.ledger.credit.get(b"N" * 16)
    assert note is not None
    assert note.state is CreditNoteState.OPEN
    assert seller_wallet.payments == {}
    assert refunds.warnings()  # shown until a good invoice is paid or the buyer waives
    await ctx.ledger.close()


async def test_a_carried_note_is_honoured_by_the_next_session_before_any_invoice(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(10)
        first = pair.slot.runner
        assert first is not None
        # the seller ends the session; the buyer stays: its credit is carried, not paid
        assert await pair.seller.stop_session(first.session_id, "maintenance") is None
        await pair.clock.run_until(lambda: pair.slot.sessions_started == 2, limit_s=60)
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        second = pair.slot.runner
        assert second is not None
        seller_notes = await pair.seller_ledger.credit.find()
        buyer_notes = await pair.buyer_ledger.credit.find()
        buyer_runner = pair.partner.runner
        assert buyer_runner is not None
        for notes, carried_into in (
            (seller_notes, second.session_id),
            (buyer_notes, buyer_runner.session_id),
        ):
            [note] = notes
            assert note.state is CreditNoteState.CARRIED
            assert note.carried_into == carried_into
        [note] = seller_notes
        # the new session counted it as paid before its first invoice: its books start there
        session = pair.slot.session
        assert session is not None
        assert session.billing.carried_in == note.credit > Msat(0)
        buyer_session = pair.partner.session
        assert buyer_session is not None
        assert buyer_session.payments.carried is not None
        assert buyer_session.payments.carried.credit == note.credit
    # both sessions' receipts verify (from the buyer's ledger, which holds both series
    # whole): the carried note counts as paid in the second
    fprs = VerifyOptions(
        seller_fpr=pair.seller.snapshot().fingerprint,
        buyer_fpr=pair.buyer.snapshot().fingerprint,
    )
    for session_id in (first.session_id, second.session_id):
        report = verify_receipt(
            build_receipt(tmp_path / "buyer" / "ledger.sqlite", session_id), fprs
        )
        assert report.ok, [str(p) for p in report.problems]
    assert report.checked["credit"]["carried_in_msat"] == note.credit.msat


async def test_the_receipts_of_a_refunded_session_verify_and_a_forged_refund_does_not(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    await _buyer_leaves(pair)
    [note] = pair.stored("seller").credit.find()
    fprs = VerifyOptions(
        seller_fpr=pair.seller.snapshot().fingerprint,
        buyer_fpr=pair.buyer.snapshot().fingerprint,
    )
    for node in ("seller", "buyer"):
        receipt = build_receipt(tmp_path / node / "ledger.sqlite", note.note_id.hex())
        report = verify_receipt(receipt, fprs)
        assert report.ok, [str(p) for p in report.problems]
        credit = report.checked["credit"]
        assert credit["returned_msat"] == credit["credit_msat"] == note.credit.msat
        assert receipt["credit"]["refund"]["preimage"] == (note.preimage or b"").hex()
    # a refund paid elsewhere, or not at all, is named
    forged = copy.deepcopy(receipt)
    forged["credit"]["refund"]["preimage"] = "00" * 32
    assert [p.code for p in verify_receipt(forged, fprs).problems] == [
        "refund_unproven",
        "credit_outstanding",
    ]
    owed = copy.deepcopy(receipt)
    owed["credit"]["state"] = "open"
    [problem] = verify_receipt(owed, fprs).problems
    assert problem.code == "credit_outstanding"
    assert f"{note.credit.msat} msat is still owed" in problem.message


async def test_a_refund_written_but_never_sent_to_lnd_is_paid_once_after_the_restart(
    tmp_path: Path,
) -> None:
    refunds, wallet, payment_hash = await _seller_with_note(tmp_path)
    ledger = refunds.ctx.ledger
    note = await ledger.credit.get(b"N" * 16)
    assert note is not None
    # the attempt was written; the node died before LND saw it
    await ledger.payments.started("s1", payment_hash, note.bolt11, Msat(1_500), 3)
    assert await refunds.resume() == 1
    note = await ledger.credit.get(b"N" * 16)
    assert note is not None
    assert note.state is CreditNoteState.PAID
    assert list(wallet.payments) == [payment_hash]
    [payment] = await ledger.payments.find()
    assert payment.status is PaymentStatus.SUCCEEDED
    await ledger.close()


async def test_pausing_buying_is_leaving_the_credit_comes_back_first(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(10)
        assert await pair.buyer.set_buying(False) is None
        await pair.clock.run_until(lambda: not pair.links.buyer.up, limit_s=60)
        [note] = await pair.buyer_ledger.credit.find()
        assert note.state is CreditNoteState.PAID
        [owed] = await pair.seller_ledger.credit.find()
        assert owed.state is CreditNoteState.PAID


async def test_a_refund_asked_while_paused_is_paid_back_when_the_link_returns(
    tmp_path: Path,
) -> None:
    """The buyer paused and asked its credit back, and the seller's payment failed; asked
    again while paused (the link is down), the request waits in the link. When buying
    resumes the seller offers at once, before that request reaches it: the offer must not
    carry the note (the buyer asked it back), so the request finds it owed and it is paid
    back, not carried into the next session."""
    pair = await trading_pair(tmp_path)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(10)
        balance, pair.seller_wallet.local = pair.seller_wallet.local, Msat(0)  # refunds fail
        assert await pair.buyer.set_buying(False) is None
        await pair.clock.run_until(lambda: not pair.links.seller.up, limit_s=60)
        await pair.clock.advance(30)  # the seller's quiet time is over: it would offer
        [asked] = await pair.buyer_ledger.credit.find()
        assert asked.state is CreditNoteState.REQUESTED
        [owed] = await pair.seller_ledger.credit.find()
        assert owed.state is CreditNoteState.OPEN  # its payment failed: owed still
        pair.seller_wallet.local = balance
        assert (await pair.partner.refunds.ask()).startswith("asked for 1")  # link down
        await pair.clock.advance(5)
        [owed] = await pair.seller_ledger.credit.find()
        assert owed.state is CreditNoteState.OPEN  # the request waits in the link
        assert await pair.buyer.set_buying(True) is None
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        await pair.clock.advance(5)
        session = pair.slot.session
        assert session is not None
        assert session.billing.carried_in == Msat(0)  # the new session carries nothing in
    for ledger in ("buyer", "seller"):
        with pair.stored(ledger) as store:
            note = store.credit.get(asked.note_id)
            assert note is not None
            assert note.state is CreditNoteState.PAID, (ledger, note)
            assert not [n for n in store.credit.find() if n.state is CreditNoteState.CARRIED]
