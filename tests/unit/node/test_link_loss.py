"""A link lost for a while, in virtual time: a seller and a buyer runtime over in-process
links that report LinkExpired after ``EXPIRY_S`` down, as the real link does after
``session_expiry_s``.

Found by a helper (issue 16, a partition, a black hole): after a 90 s loss the supply
never came back and the buyer stayed SUSPENDED. The harness's fake wallet paid the
prepayment invoices that expired while the link was down (LND refuses to: the payee's
LND cancels them at their expiry); the seller had given up on them, so the buyer counted
as paid ahead what the seller never credited, and neither side moved again. Expected,
and checked here for losses below and beyond the expiry, whichever end sees the link go
first (the other end's heartbeats notice ``NOTICE_S`` later):

- below the expiry the same session resumes: the supply comes back once paid up;
- beyond it the session ends on both sides (the seller's relay off, its deposit settled
  or released and its closing statement written as a close after a fault) and, once the
  link is back, a new session starts and the supply resumes;
- a buyer with credit left is supplied until the expiry, then the relay opens within a
  tick; the seller's statement and the buyer's End, sent while the link was down, reach
  the other side when it comes back and are kept, so both receipts of the ended session
  verify and the credit note is carried into the next session on both sides (found
  here: the buyer dropped the late statement, so it refused the note the next offer
  carried, and the seller dropped the buyer's End once its next session ran).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.node.runner import SessionRunner
from gridnode.peer.settings import LinkSettings
from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade import codec
from gridnode.trade.states import BuyerState, SellerState
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair

#: The link's session expiry in these tests (the real default is 600 s).
EXPIRY_S = 60
#: How much later the other end notices the loss (its idle timeout).
NOTICE_S = 3
#: The runners' control tick, in seconds.
TICK_S = 0.25
SIDES = ("seller", "buyer")


def _other(side: str) -> str:
    return "buyer" if side == "seller" else "seller"


def _journal(pair: Pair[VirtualClock], node: str, session_id: str, kind: str) -> list[str]:
    with pair.stored(node) as store:
        return [e.text for e in store.sessions.entries(session_id, (kind,))]


async def _lose_link(pair: Pair[VirtualClock], first: str, loss_s: float) -> None:
    """Cut the wire with ``first`` noticing, the other end ``NOTICE_S`` later; restore it
    ``loss_s`` after the cut."""
    pair.links.cut(first)
    await pair.clock.advance(NOTICE_S)
    pair.links.notice(_other(first))
    await pair.clock.advance(loss_s - NOTICE_S)
    pair.links.set_up(True)


async def _supplying(pair: Pair[VirtualClock]) -> tuple[SessionRunner, SessionRunner]:
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(10)
    assert pair.wire.relay_on
    seller, buyer = pair.slot.runner, pair.partner.runner
    assert seller is not None
    assert buyer is not None
    return seller, buyer


@pytest.mark.parametrize("first", SIDES)
@pytest.mark.parametrize(
    ("loss_s", "expiry_s"),
    [(30, EXPIRY_S), (EXPIRY_S - 1, EXPIRY_S), (90, LinkSettings().session_expiry_s)],
)
async def test_a_loss_below_the_expiry_resumes_the_same_session(
    tmp_path: Path, loss_s: int, expiry_s: float, first: str
) -> None:
    """The last case is the one reported: 90 s lost, the default expiry (600 s)."""
    pair = await trading_pair(tmp_path, session_expiry_s=expiry_s)
    async with pair.trading():
        seller, buyer = await _supplying(pair)
        await _lose_link(pair, first, loss_s)
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(10)
        assert pair.wire.relay_on  # paid up again, and it stays on
        assert pair.slot.runner is seller
        assert pair.partner.runner is buyer
        assert not seller.closed.is_set()
        assert not buyer.closed.is_set()
        assert pair.slot.session is not None
        assert pair.partner.session is not None
        assert pair.slot.session.state is SellerState.SUPPLYING
        assert pair.partner.session.state is BuyerState.RECEIVING
        assert (pair.slot.sessions_started, pair.partner.sessions_started) == (1, 1)


@pytest.mark.parametrize("first", SIDES)
@pytest.mark.parametrize("loss_s", [EXPIRY_S + 1, 90])
async def test_a_loss_beyond_the_expiry_ends_the_session_and_a_new_one_resumes_supply(
    tmp_path: Path, loss_s: int, first: str
) -> None:
    pair = await trading_pair(tmp_path, session_expiry_s=EXPIRY_S)
    async with pair.trading():
        seller, buyer = await _supplying(pair)
        pair.links.cut(first)
        await pair.clock.advance(NOTICE_S)
        pair.links.notice(_other(first))
        seller_expires_s = EXPIRY_S + (0 if first == "seller" else NOTICE_S)
        await pair.clock.advance(seller_expires_s - NOTICE_S + TICK_S)
        # the seller's side expired: its session closes at once, the relay off
        assert seller.closed.is_set()
        assert not pair.wire.relay_on
        await pair.clock.advance(loss_s - seller_expires_s - TICK_S)
        pair.links.set_up(True)
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        await pair.clock.advance(10)
        assert pair.wire.relay_on
        # both sides closed the first session and run a new one
        assert buyer.closed.is_set()
        assert pair.slot.runner is not seller
        assert pair.partner.runner is not buyer
        assert (pair.slot.sessions_started, pair.partner.sessions_started) == (2, 2)
        assert pair.slot.session is not None
        assert pair.partner.session is not None
        assert pair.slot.session.state is SellerState.SUPPLYING
        assert pair.partner.session.state is BuyerState.RECEIVING
    # the first session was settled as a close: the statement and the deposit's fate
    assert _journal(pair, "seller", seller.session_id, "closing_statement")
    deposit = _journal(pair, "seller", seller.session_id, "deposit")
    assert any("settled" in text or "refunded" in text for text in deposit), deposit
    states = _journal(pair, "buyer", buyer.session_id, "state")
    assert any(text.startswith("closed") for text in states), states


def _protocol_id(pair: Pair[VirtualClock], session_id: str) -> str:
    with pair.stored("seller") as store:
        for entry in store.sessions.entries(session_id, ("frame_sent",)):
            return codec.decode(entry.data).envelope.session_id.hex()
    raise AssertionError(f"the seller sent no frame in session {session_id}")


@pytest.mark.parametrize("first", SIDES)
async def test_credit_left_at_the_expiry_is_carried_and_both_receipts_verify(
    tmp_path: Path, first: str
) -> None:
    # 0.1 kW: the credit paid ahead lasts beyond the expiry, so the relay is on until it
    pair = await trading_pair(tmp_path, session_expiry_s=EXPIRY_S, load_mw=100_000)
    async with pair.trading():
        seller, buyer = await _supplying(pair)
        cut_at = pair.clock.monotonic()
        await _lose_link(pair, first, 90)
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        await pair.clock.advance(10)
    seller_expires_s = EXPIRY_S + (0 if first == "seller" else NOTICE_S)
    offs = [at - cut_at for at, on in pair.wire.relay_log if not on and at > cut_at]
    assert seller_expires_s <= offs[0] <= seller_expires_s + TICK_S
    assert "relay off: the buyer stayed away too long" in _journal(
        pair, "seller", seller.session_id, "relay"
    )
    assert _journal(pair, "seller", seller.session_id, "deposit")[-1] == "deposit refunded"
    (statement,) = _journal(pair, "buyer", buyer.session_id, "closing_statement")
    assert "credit 0." in statement
    # the note of the ended session, carried into the next one on both sides
    for node, runner in (("seller", pair.slot.runner), ("buyer", pair.partner.runner)):
        assert runner is not None
        ended = (seller if node == "seller" else buyer).session_id
        with pair.stored(node) as store:
            (note,) = [n for n in store.credit.find() if n.session_id == ended]
        assert note.carried_into == runner.session_id, (node, note)
    protocol_id = _protocol_id(pair, seller.session_id)
    for node in SIDES:
        receipt = build_receipt(tmp_path / node / "ledger.sqlite", protocol_id)
        report = verify_receipt(receipt, VerifyOptions(trust_embedded_keys=True))
        assert report.problems == [], (node, report.problems)
