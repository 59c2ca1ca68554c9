"""Every wallet effect that fails becomes an event the session journals and shows, and the
runtime retries what it can (issue 15, "failures are events"). Run in virtual time on the
in-process seller and buyer of tests/support/node.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from gridnode.ledger import InvoiceState
from gridnode.ledger.store import LedgerStore
from gridnode.money import Msat
from gridnode.node.tasks import TaskGroup
from gridnode.trade.actions import LedgerKind
from gridnode.trade.states import SellerState
from gridnode.wallet.port import (
    CreatedInvoice,
    InvoiceStatus,
    PaymentHash,
    WalletUnreachableError,
)
from tests.support.clock import VirtualClock
from tests.support.node import trading_pair
from tests.support.wallet import FakeWallet


def faults(store: LedgerStore) -> list[str]:
    return [
        entry.text
        for session_id in [s.session_id for s in store.sessions.find()]
        for entry in store.sessions.entries(session_id)
        if entry.kind == LedgerKind.FAULT.value
    ]


class CancelFailsTwice(FakeWallet):
    failures = 0

    async def cancel_invoice(self, payment_hash: PaymentHash) -> None:
        if self.failures < 2:
            self.failures += 1
            raise WalletUnreachableError("LND at 127.0.0.1:10009 is unreachable (test)")
        await super().cancel_invoice(payment_hash)


async def test_a_deposit_release_that_fails_is_journalled_retried_and_done(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path, seller_wallet_type=CancelFailsTwice)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(5)
    await pair.shutdown()
    seller = pair.stored("seller")
    deposits = [i for i in seller.invoices.find() if i.hold]
    assert [d.state for d in deposits] == [InvoiceState.CANCELED]  # released in the end
    found = faults(seller)
    releases = [f for f in found if f.startswith("could not release the deposit")]
    assert len(releases) == 2  # the 1st and the 2nd failure (then every power of two)
    assert all(f.endswith("; retrying") for f in releases)
    # the unreachable wallet was told to the health check at once, and its return too
    assert found[0].startswith("LND is unreachable")
    assert found[-1] == "LND answers again"


class WatchDropsOnce(FakeWallet):
    dropped = False

    async def invoice_updates(self, payment_hash: PaymentHash) -> AsyncIterator[InvoiceStatus]:
        if not self.dropped:
            self.dropped = True
            raise WalletUnreachableError("the invoice stream ended (test)")
        async for status in super().invoice_updates(payment_hash):
            yield status


async def test_a_lost_invoice_watch_is_journalled_and_started_again(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path, seller_wallet_type=WatchDropsOnce)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)  # the deposit locked
    await pair.shutdown()
    found = faults(pair.stored("seller"))
    watches = [f for f in found if f.startswith("could not watch an invoice")]
    assert len(watches) == 1
    assert watches[0].endswith("the invoice stream ended (test); retrying")


class InvoiceBug(FakeWallet):
    async def create_invoice(self, amount: Msat, memo: str, expiry_s: int) -> CreatedInvoice:
        raise RuntimeError("a bug in the wallet adapter (test)")


async def test_an_effect_that_raises_is_reported_to_the_session_not_lost(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path, seller_wallet_type=InvoiceBug)
    await pair.start()
    await pair.clock.advance(20)  # the deposit (a hold invoice) locks; no prepayment invoice
    view = pair.seller.snapshot().sessions[0]
    assert any("a bug in the wallet adapter" in note for note in view.notes)
    assert view.state != SellerState.SUPPLYING.value  # no paid-ahead credit: no supply
    await pair.shutdown()
    found = faults(pair.stored("seller"))
    assert found
    assert all("RuntimeError: a bug in the wallet adapter (test)" in f for f in found)


async def test_lnd_away_cuts_the_supply_by_the_terms_and_back_restores_it(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    pair.seller_wallet.offline = True
    cut = await pair.clock.run_until(lambda: not pair.wire.relay_on, limit_s=60)
    # no invoice can be made: the paid-ahead credit runs out and the relay opens
    assert cut <= 30
    assert any("LND is unreachable" in w for w in pair.seller.snapshot().warnings)
    pair.seller_wallet.offline = False
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
    assert pair.seller.snapshot().lnd_reachable
    await pair.shutdown()


async def test_a_long_lived_loop_that_fails_is_reported_and_started_again() -> None:
    clock = VirtualClock()
    group = TaskGroup(clock.now_ms)
    runs: list[int] = []

    async def loop() -> None:
        runs.append(clock.now_ms())
        if len(runs) < 3:
            raise RuntimeError(f"failure {len(runs)}")
        await clock.sleep(3600)

    group.keep_running(loop, name="settled invoices", sleep=clock.sleep, first_pause_s=1.0)
    await clock.advance(10)
    start = runs[0]
    assert [t - start for t in runs] == [0, 1_000, 3_000]  # pauses of 1 s, then 2 s
    assert [f.describe() for f in group.failures] == [
        "settled invoices failed: RuntimeError: failure 1",
        "settled invoices failed: RuntimeError: failure 2",
    ]
    await group.cancel_all()
