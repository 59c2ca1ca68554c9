"""Buyers that share one payer LND (``gridnode demo --payers K``) each reconcile and prune
only their own payments.

One LND paying for several buyer nodes holds every one of their payments; each buyer
reaches it with its own macaroon. A buyer that followed or deleted another buyer's
payment would resolve it in the wrong ledger or erase LND's record before the owner
holds its proof. Both duties are driven by the buyer's own ledger, never by a listing of
LND's payments; this checks it with two buyers on one fake LND."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from gridnode.ledger import PaymentStatus
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from gridnode.node.reconcile import reconcile_buyer
from gridnode.wallet.port import PaymentHash, PaymentResult
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet


class Macaroon(FakeWallet):
    """One buyer's access to the shared payer LND: it sees LND's one payment store and
    records which payments it asked about."""

    def __init__(self, lnd: FakeWallet, name: str) -> None:
        super().__init__(lnd.network, name, clock=lnd.clock)
        self.payments = lnd.payments  # one LND: one store of payments for every macaroon
        self.tracked: list[bytes] = []
        self.deleted: list[bytes] = []

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        self.tracked.append(payment_hash.value)
        return await super().track_payment(payment_hash, timeout_s)

    async def delete_payments(self, payment_hashes: Sequence[PaymentHash]) -> int:
        self.deleted += [h.value for h in payment_hashes]
        return await super().delete_payments(payment_hashes)


async def test_a_buyer_never_reconciles_or_prunes_another_buyer_s_payments(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    lnd = FakeWallet(lightning, "payer", clock=clock)
    alice, bob = Macaroon(lnd, "alice"), Macaroon(lnd, "bob")
    ledgers = {}
    for name in ("alice", "bob"):
        ledgers[name] = ledger = await open_ledger(tmp_path / f"{name}.sqlite", "buyer")
        await ledger.sessions.open(f"s-{name}", "f" * 64, "m", 0)
    hashes: dict[str, list[bytes]] = {"alice": [], "bob": []}
    for name, wallet in (("alice", alice), ("bob", bob)):
        ledger = ledgers[name]
        for n in range(2):
            invoice = await seller.create_invoice(Msat(100 + n), name, 600)
            h = invoice.payment_hash.value
            hashes[name].append(h)
            await ledger.payments.started(f"s-{name}", h, invoice.bolt11, Msat(100 + n), n)
            result = await wallet.pay_invoice(invoice.bolt11, Msat(0), 5)
            if n == 0:  # the first proven in the ledger; the second's result lost in a crash
                assert result.preimage is not None
                await ledger.payments.succeeded(h, n, result.preimage.value, result.fee)
    # bob's third payment is still on its way in LND (a deposit the seller holds)
    pending = bytes(range(32))
    hold = await seller.create_hold_invoice(PaymentHash(pending), Msat(5_000), "deposit", 60, 40)
    await ledgers["bob"].payments.started("s-bob", pending, hold.bolt11, Msat(5_000), 9)
    paying = asyncio.create_task(bob.pay_invoice(hold.bolt11, Msat(0), 3600))
    await clock.advance(0.1)
    assert lnd.payments[pending].status is PaymentStatus.IN_FLIGHT

    outcomes = await reconcile_buyer(ledgers["alice"], alice, clock)
    assert [o.payment_hash for o in outcomes] == [hashes["alice"][1]]
    assert alice.tracked == [hashes["alice"][1]]  # never one of bob's
    assert await Pruner(ledgers["alice"], alice).prune_payments() == 2
    assert sorted(alice.deleted) == sorted(hashes["alice"])
    # bob's records are all still in LND and bob's ledger is as bob left it
    assert set(lnd.payments) == {*hashes["bob"], pending}
    bob_rows = {p.payment_hash: p.status for p in await ledgers["bob"].payments.find()}
    assert bob_rows == {
        hashes["bob"][0]: PaymentStatus.SUCCEEDED,
        hashes["bob"][1]: PaymentStatus.IN_FLIGHT,
        pending: PaymentStatus.IN_FLIGHT,
    }
    paying.cancel()
    await asyncio.gather(paying, return_exceptions=True)
    for ledger in ledgers.values():
        await ledger.close()
