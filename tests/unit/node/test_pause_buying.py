"""Pausing a buyer by hand (issue 23, MQTT's switch), through the runtime's one entry
point: the live session closes cleanly (the deposit is released, the relay opens), the
link goes down so the seller offers nothing, and resuming brings a new session."""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import InvoiceState, PaymentStatus
from gridnode.ocmf import ClockStatus
from gridnode.trade.states import BuyerState
from tests.support.node import trading_pair


async def test_pausing_closes_the_session_and_starts_none_until_resumed(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(10)

        assert await pair.buyer.set_buying(False) is None
        await pair.clock.run_until(lambda: not pair.links.buyer.up, limit_s=30)
        assert not pair.wire.relay_on
        view = pair.buyer.snapshot()
        assert view.buying_paused
        assert view.sessions[0].state == "buying paused"
        seller = pair.stored("seller")
        assert [i.state for i in seller.invoices.find() if i.hold] == [InvoiceState.CANCELED]
        paid = len(await pair.buyer_ledger.payments.find(status=PaymentStatus.SUCCEEDED))

        # far longer than the seller's quiet time: no offer reaches a paused buyer
        await pair.clock.advance(120)
        assert not pair.wire.relay_on
        assert pair.partner.sessions_started == 1
        assert len(await pair.buyer_ledger.payments.find(status=PaymentStatus.SUCCEEDED)) == paid

        assert await pair.buyer.set_buying(True) is None
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        assert not pair.buyer.snapshot().buying_paused
        assert pair.partner.sessions_started == 2
        assert pair.buyer.snapshot().sessions[0].state == BuyerState.RECEIVING.value


async def test_a_seller_does_not_buy(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    assert await pair.seller.set_buying(False) == "this node does not buy"
    assert not pair.seller.snapshot().buying_paused
    await pair.close()


async def test_pausing_before_the_clock_gate_opens_keeps_the_link_down(tmp_path: Path) -> None:
    pair = await trading_pair(
        tmp_path, buyer_clock_status=ClockStatus.UNKNOWN, buyer_requires_sync=True
    )
    async with pair.trading():
        assert await pair.buyer.set_buying(False) is None
        pair.buyer_clock.status = ClockStatus.SYNCHRONIZED
        await pair.clock.advance(30)  # the gate opens, but buying is paused
        assert not pair.links.buyer.up
        assert pair.partner.sessions_started == 0
        assert await pair.buyer.set_buying(True) is None
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
