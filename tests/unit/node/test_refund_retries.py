"""A refund that fails is asked again, with a growing pause, until it is paid or waived,
and shown meanwhile (issue 19); a buyer asks for its credit or waives it by hand (the
status socket's Credit, ``gridnode credit ask|waive``).

The two refund desks of one credit note, in virtual time, each with its own ledger and
wallet on one fake Lightning network, the link between them a queue each side reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridnode.identity import Role
from gridnode.ledger import CreditNoteState, JournalEntry
from gridnode.money import Msat
from gridnode.node.buyer_refunds import RETRY_FIRST_S, BuyerRefunds
from gridnode.node.context import NodeContext
from gridnode.node.refunds import SellerRefunds
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind
from gridnode.trade.messages import AcceptanceMessage, Envelope
from gridnode.trade.signing import P256Signer
from tests.support.clock import VirtualClock
from tests.support.node import trading_pair
from tests.support.node_parts import node_context
from tests.support.wallet import FakeLightning, FakeWallet

NOTE = b"N" * 16
CREDIT = Msat(1_500)


@dataclass
class Desks:
    clock: VirtualClock
    buyer: BuyerRefunds
    seller: SellerRefunds
    seller_wallet: FakeWallet
    buyer_ctx: NodeContext
    seller_ctx: NodeContext
    to_buyer: asyncio.Queue[bytes]

    async def settle(self, seconds: float = 1.0) -> None:
        await self.clock.advance(seconds)

    async def states(self) -> tuple[CreditNoteState, CreditNoteState]:
        held = await self.buyer_ctx.ledger.credit.get(NOTE)
        owed = await self.seller_ctx.ledger.credit.get(NOTE)
        assert held is not None
        assert owed is not None
        return held.state, owed.state

    async def asked(self) -> int:
        """How often the buyer asked for the note back (its journal)."""
        entries = await self.buyer_ctx.ledger.sessions.entries("b1", ("refund",))
        return sum(e.text.endswith("requested") for e in entries)


@pytest.fixture
async def desks(tmp_path: Path) -> AsyncIterator[Desks]:
    clock = VirtualClock()
    network = FakeLightning()
    seller_wallet = FakeWallet(network, "seller", clock=clock)
    buyer_wallet = FakeWallet(network, "buyer", clock=clock)
    seller_ctx = await node_context(tmp_path / "seller", Role.SELLER, clock, seller_wallet)
    buyer_ctx = await node_context(tmp_path / "buyer", Role.BUYER, clock, buyer_wallet)
    buyer_key = P256Signer(buyer_ctx.identity.key)
    # both ledgers hold the note; the seller holds the buyer's signed acceptance too,
    # which names the buyer's Lightning node as the only payee of refunds
    for ctx, session in ((seller_ctx, "s1"), (buyer_ctx, "b1")):
        await ctx.ledger.sessions.open(session, "peer-fp", "m1", 1)
        await ctx.ledger.credit.noted(NOTE, session, "peer-fp", CREDIT, b"statement", 2)
    acceptance = AcceptanceMessage(b"d" * 32, Msat(600), buyer_wallet.pubkey)
    frame = codec.encode(Envelope(NOTE, 2, acceptance), buyer_key)
    kind = LedgerKind.TERMS_ACCEPTED.value
    await seller_ctx.ledger.sessions.journal(JournalEntry("s1", kind, 2, "accepted", frame))
    to_seller: asyncio.Queue[bytes] = asyncio.Queue()
    to_buyer: asyncio.Queue[bytes] = asyncio.Queue()
    seller = SellerRefunds(seller_ctx, "peer-fp", buyer_key.verifier(), to_buyer.put_nowait)
    buyer = BuyerRefunds(buyer_ctx, "peer-fp", to_seller.put_nowait)

    async def carry(queue: asyncio.Queue[bytes], deliver: object) -> None:
        assert callable(deliver)
        while True:
            await deliver(await queue.get())

    links = [
        asyncio.create_task(carry(to_seller, seller.on_request)),
        asyncio.create_task(carry(to_buyer, buyer.on_paid)),
    ]
    yield Desks(clock, buyer, seller, seller_wallet, buyer_ctx, seller_ctx, to_buyer)
    for task in links:
        task.cancel()
    for ctx in (seller_ctx, buyer_ctx):
        await ctx.tasks.cancel_all()
        await ctx.ledger.close()


async def test_a_refund_asked_back_is_paid_once(desks: Desks) -> None:
    assert await desks.buyer.ask() == "asked for 1 of 1 credit notes back (1.500 sat)"
    await desks.settle()
    assert await desks.states() == (CreditNoteState.PAID, CreditNoteState.PAID)
    assert not desks.buyer.warnings()
    assert not desks.seller.warnings()
    await desks.settle(10 * RETRY_FIRST_S)
    assert await desks.asked() == 1  # paid: never asked again
    assert len(desks.seller_wallet.payments) == 1


async def test_a_failed_refund_is_asked_again_with_a_growing_pause_until_it_is_paid(
    desks: Desks,
) -> None:
    desks.seller_wallet.local = Msat(0)  # the seller cannot pay for now
    await desks.buyer.ask()
    await desks.settle()
    assert await desks.states() == (CreditNoteState.REQUESTED, CreditNoteState.OPEN)
    assert "the payment failed (insufficient_balance)" in " ".join(desks.seller.warnings())
    await desks.settle(RETRY_FIRST_S)
    assert await desks.asked() == 2
    [said] = desks.buyer.warnings()
    assert said.endswith("1.500 sat not paid back yet: asked again (attempt 2); next in 30 s")
    await desks.settle(2 * RETRY_FIRST_S - 2)
    assert await desks.asked() == 2  # the pause doubled
    await desks.settle(2)
    assert await desks.asked() == 3
    assert "(attempt 3); next in 60 s" in desks.buyer.warnings()[0]
    desks.seller_wallet.local = Msat(10**10)  # it can pay again
    await desks.settle(4 * RETRY_FIRST_S)
    assert await desks.asked() == 4
    assert await desks.states() == (CreditNoteState.PAID, CreditNoteState.PAID)
    assert not desks.buyer.warnings()
    assert not desks.seller.warnings()
    held = await desks.buyer_ctx.ledger.credit.get(NOTE)
    owed = await desks.seller_ctx.ledger.credit.get(NOTE)
    assert held is not None
    assert owed is not None
    assert (held.payment_hash, held.bolt11) == (owed.payment_hash, owed.bolt11)
    assert held.preimage == owed.preimage is not None
    await desks.settle(20 * RETRY_FIRST_S)
    assert await desks.asked() == 4  # paid: no more asking


async def test_a_lost_proof_is_answered_again_for_a_new_invoice_and_never_paid_twice(
    desks: Desks,
) -> None:
    lost: list[bytes] = []
    desks.seller.send = lost.append  # the seller's answer never arrives
    await desks.buyer.ask()
    await desks.settle()
    assert await desks.states() == (CreditNoteState.REQUESTED, CreditNoteState.PAID)
    desks.seller.send = desks.to_buyer.put_nowait  # the link works again
    await desks.settle(RETRY_FIRST_S + 1)  # asked again, with a new invoice
    assert await desks.asked() == 2
    assert await desks.states() == (CreditNoteState.PAID, CreditNoteState.PAID)
    assert len(desks.seller_wallet.payments) == 1  # the proof again, not a second payment
    held = await desks.buyer_ctx.ledger.credit.get(NOTE)
    owed = await desks.seller_ctx.ledger.credit.get(NOTE)
    assert held is not None
    assert owed is not None
    # the buyer's note names the invoice that was paid, not the one it asked last
    assert (held.payment_hash, held.bolt11, held.preimage) == (
        owed.payment_hash,
        owed.bolt11,
        owed.preimage,
    )
    assert not desks.buyer.warnings()


async def test_waiving_by_hand_settles_the_note_on_both_sides_and_ends_the_asking(
    desks: Desks,
) -> None:
    desks.seller_wallet.local = Msat(0)
    await desks.buyer.ask()
    await desks.settle()
    assert await desks.buyer.waive() == "waived 1 credit notes (1.500 sat); the seller is told"
    await desks.settle()
    assert await desks.states() == (CreditNoteState.WAIVED, CreditNoteState.WAIVED)
    asked = await desks.asked()
    desks.seller_wallet.local = Msat(10**10)
    await desks.settle(10 * RETRY_FIRST_S)
    assert await desks.asked() == asked
    assert not desks.buyer.warnings()
    assert not desks.seller.warnings()
    assert all(not p.succeeded for p in desks.seller_wallet.payments.values())
    assert await desks.buyer.waive() == "owes no credit"


async def test_a_seller_the_buyer_does_not_have_is_named_in_the_refusal(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    ok, text = await pair.buyer_role.credit(False, "nobody")
    assert not ok
    assert text == "this buyer has no seller named 'nobody'; its sellers: seller"
    ok, text = await pair.buyer_role.credit(False, "")
    assert (ok, text) == (True, "seller: owes no credit")
    await pair.close()
