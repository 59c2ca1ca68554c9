"""A seller and a buyer runtime trading in virtual time, in one process (issue 15).

Everything the nodes do here they do in production: the runtime, the roles, the runners,
the ledger port over SQLite; only the wallets, links, meters and relay are in-process
fakes and the clock is stepped by the test, so a minute of trading takes a fraction of a
second and nothing waits on the wall clock.
"""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import InvoiceState, PaymentStatus
from gridnode.trade.states import BuyerState, SellerState
from tests.support.node import trading_pair


async def test_a_seller_and_a_buyer_trade_and_close_cleanly(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(60)
    seller_view = pair.seller.snapshot().sessions[0]
    buyer_view = pair.buyer.snapshot().sessions[0]
    assert seller_view.state == SellerState.SUPPLYING.value
    assert buyer_view.state == BuyerState.RECEIVING.value
    assert seller_view.relay_on
    paid = await pair.buyer_ledger.payments.find(status=PaymentStatus.SUCCEEDED)
    assert len(paid) >= 10
    settled = await pair.seller_ledger.invoices.find(state=InvoiceState.SETTLED)
    assert sum(i.amount.msat for i in settled if not i.hold) == sum(p.amount.msat for p in paid)
    await pair.shutdown()
    assert not pair.wire.relay_on
    seller, buyer = pair.stored("seller"), pair.stored("buyer")
    deposits = [i for i in seller.invoices.find() if i.hold]
    assert [d.state for d in deposits] == [InvoiceState.CANCELED]  # refunded at the close
    for store in (seller, buyer):
        assert store.sessions.open_ids() == []


async def test_lnd_stopping_under_a_running_node_shows_in_its_snapshot(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    assert pair.seller.snapshot().lnd_reachable
    pair.seller_wallet.offline = True
    period = pair.seller.ctx.health.period_s
    await pair.clock.advance(period + 0.1)
    snapshot = pair.seller.snapshot()
    assert not snapshot.lnd_reachable
    assert any("LND is unreachable" in w for w in snapshot.warnings)
    assert any("LND is unreachable" in n for n in snapshot.sessions[0].notes)
    pair.seller_wallet.offline = False
    await pair.clock.advance(period + 0.1)
    assert pair.seller.snapshot().lnd_reachable
    await pair.shutdown()
