"""The ledgers keep when LND reported each money event next to when the node recorded
it, so the demo measures credit latency from the nodes' own records (issue 17)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from gridnode.ledger import InvoicePurpose
from gridnode.money import Msat
from gridnode.node.payments import Payment, PaymentTracker
from gridnode.node.settlements import SettlementRouter
from gridnode.wallet.lnd_mapping import payment_result
from gridnode.wallet.lnrpc import lightning_pb2 as ln
from gridnode.wallet.port import PaymentResult
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet

RESOLVED_NS = 1_765_000_000_123_456_789


class StampingWallet(FakeWallet):
    """A payer whose wallet says when the HTLCs resolved, as LND does."""

    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        result = await super().pay_invoice(bolt11, max_fee, timeout_s)
        return PaymentResult(
            result.payment_hash,
            result.status,
            result.amount,
            result.fee,
            result.preimage,
            result.failure,
            resolved_at_ms=RESOLVED_NS // 1_000_000,
        )


def test_lnd_s_htlc_resolve_time_is_the_payment_s_settle_time() -> None:
    payment = ln.Payment(
        payment_hash="11" * 32,
        value_msat=500,
        status=ln.Payment.SUCCEEDED,
        payment_preimage="22" * 32,
        htlcs=[
            ln.HTLCAttempt(resolve_time_ns=RESOLVED_NS - 5_000_000),
            ln.HTLCAttempt(resolve_time_ns=RESOLVED_NS),
        ],
    )
    assert payment_result(payment).resolved_at_ms == RESOLVED_NS // 1_000_000


async def test_the_payer_keeps_lnd_s_settle_time_and_the_seller_its_report_time(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = StampingWallet(lightning, "buyer", clock=clock)
    seller_ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    buyer_ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    for ledger in (seller_ledger, buyer_ledger):
        await ledger.sessions.open("s", "f" * 64, "m", 0)
    router = SettlementRouter(seller, seller_ledger, clock.now_ms, clock=clock)
    stream = asyncio.create_task(router.run())
    invoice = await seller.create_invoice(Msat(700), "step", 600)
    h = invoice.payment_hash.value
    await seller_ledger.invoices.created(
        "s", h, invoice.bolt11, Msat(700), InvoicePurpose.PREPAYMENT, False, 1
    )
    tracker = PaymentTracker(buyer_ledger, buyer, clock)
    payment = Payment(h, invoice.bolt11, Msat(700), Msat(7))
    await tracker.start("s", payment)
    await tracker.pay(payment)
    await clock.advance(0.1)
    assert router.credited == 1
    stream.cancel()
    await asyncio.gather(stream, return_exceptions=True)
    await seller_ledger.close()
    await buyer_ledger.close()
    with sqlite3.connect(tmp_path / "buyer.sqlite") as db:
        (resolved,) = db.execute("SELECT lnd_resolved_at_ms FROM payments").fetchone()
    assert resolved == RESOLVED_NS // 1_000_000
    with sqlite3.connect(tmp_path / "seller.sqlite") as db:
        reported, credited = db.execute(
            "SELECT reported_at_ms, settled_at_ms FROM invoices"
        ).fetchone()
    assert reported is not None
    assert reported <= credited
