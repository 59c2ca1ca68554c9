"""LND's records are deleted only once the ledger holds their proof."""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import PaymentStatus
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet


async def test_only_resolved_payments_are_pruned_in_batches(tmp_path: Path) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s", "f" * 64, "m", 0)
    for n in range(7):
        invoice = await seller.create_invoice(Msat(100 + n), "step", 600)
        h = invoice.payment_hash.value
        await ledger.payments.started("s", h, invoice.bolt11, Msat(100 + n), n)
        result = await buyer.pay_invoice(invoice.bolt11, Msat(0), 5)
        if n < 6:  # the last one stays in flight in the ledger
            assert result.preimage is not None
            await ledger.payments.succeeded(h, n, result.preimage.value, result.fee)
    in_flight = (await ledger.payments.find(status=PaymentStatus.IN_FLIGHT))[0].payment_hash
    pruner = Pruner(ledger, buyer, batch=4)
    assert await pruner.prune_payments() == 6
    assert set(buyer.payments) == {in_flight}  # LND keeps only what the ledger has not proven
    assert await pruner.prune_payments() == 0
    assert await ledger.payments.unpruned(10) == []
    await ledger.close()
