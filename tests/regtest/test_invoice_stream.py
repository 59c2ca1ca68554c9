"""The settled-invoice stream delivers every settlement exactly once: across a dropped
stream, an LND killed with SIGKILL and restarted, and a subscriber restarted from the
settle index it stored with the credit it granted."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridnode.money import Msat
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.port import (
    CreatedInvoice,
    InvoiceState,
    InvoiceStatus,
    PaymentStatus,
    WalletError,
)
from tests.support.regtest.lnd import lndgrpc

pytestmark = pytest.mark.regtest

FEE = Msat(10_000)


class CreditLedger:
    """The node's pattern in miniature: the credit and the settle index in one transaction."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS cursor (settle_index INTEGER NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS credit (payment_hash TEXT PRIMARY KEY,"
            " settle_index INTEGER NOT NULL, amount_msat INTEGER NOT NULL)"
        )
        self.duplicates: list[str] = []

    def start_at(self, settle_index: int) -> None:
        with self.db:
            self.db.execute("DELETE FROM cursor")
            self.db.execute("INSERT INTO cursor VALUES (?)", (settle_index,))

    def settle_index(self) -> int:
        (index,) = self.db.execute("SELECT settle_index FROM cursor").fetchone()
        return int(index)

    def credit(self, invoice: InvoiceStatus) -> None:
        try:
            with self.db:
                self.db.execute(
                    "INSERT INTO credit VALUES (?, ?, ?)",
                    (invoice.payment_hash.hex, invoice.settle_index, invoice.amount_paid.msat),
                )
                self.db.execute("UPDATE cursor SET settle_index = ?", (invoice.settle_index,))
        except sqlite3.IntegrityError:
            self.duplicates.append(invoice.payment_hash.hex)

    def credited(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT payment_hash, settle_index FROM credit").fetchall())


async def highest_settle_index(wallet: LndWallet) -> int:
    return max((i.settle_index for i in await wallet.list_invoices()), default=0)


async def run_subscriber(wallet: LndWallet, ledger: CreditLedger) -> None:
    stream: AsyncIterator[InvoiceStatus] = wallet.settled_invoices(ledger.settle_index())
    async for invoice in stream:
        assert invoice.state is InvoiceState.SETTLED
        ledger.credit(invoice)


async def pay_until_settled(payer: LndWallet, invoice: CreatedInvoice) -> None:
    """Pay; retry only a payment that FAILED, track one in flight (never pay it blind)."""
    while True:
        try:
            result = await payer.pay_invoice(invoice.bolt11, FEE, timeout_s=10)
        except WalletError:
            await asyncio.sleep(0.5)
            continue
        while result.status is PaymentStatus.IN_FLIGHT:
            result = await payer.track_payment(invoice.payment_hash, timeout_s=10)
        if result.status is PaymentStatus.SUCCEEDED:
            return
        await asyncio.sleep(0.5)


async def wait_credited(ledger: CreditLedger, count: int, timeout_s: float) -> None:
    async with asyncio.timeout(timeout_s):
        while len(ledger.credited()) < count:  # noqa: ASYNC110 - polls the ledger file
            await asyncio.sleep(0.1)


def assert_lnd_agrees(network: RegtestNetwork, ledger: CreditLedger, paid: list[str]) -> None:
    credited = ledger.credited()
    assert ledger.duplicates == []
    assert sorted(credited) == sorted(paid)
    lnd = {i["payment_hash"]: i for i in lndgrpc("invoices", network.nodes[0])}
    for payment_hash, settle_index in credited.items():
        assert lnd[payment_hash]["state"] == "SETTLED"
        assert lnd[payment_hash]["settle_index"] == settle_index


async def test_subscriber_restarted_from_its_stored_index_gets_each_settlement_once(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet, tmp_path: Path
) -> None:
    ledger = CreditLedger(tmp_path / "credit.sqlite")
    ledger.start_at(await highest_settle_index(payee))
    invoices = [await payee.create_invoice(Msat(2_000 + n), f"s{n}", 600) for n in range(30)]

    subscriber = asyncio.create_task(run_subscriber(payee, ledger))
    for invoice in invoices[:5]:
        await pay_until_settled(payer, invoice)
    await wait_credited(ledger, 5, 30)
    subscriber.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await subscriber

    for invoice in invoices[5:27]:  # 22 settle while nobody listens
        await pay_until_settled(payer, invoice)
    assert len(ledger.credited()) == 5

    subscriber = asyncio.create_task(run_subscriber(payee, ledger))
    for invoice in invoices[27:]:
        await pay_until_settled(payer, invoice)
    await wait_credited(ledger, 30, 30)
    await asyncio.sleep(1.0)  # room for a duplicate to show up, if there were one
    subscriber.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await subscriber

    assert_lnd_agrees(regtest_network, ledger, [i.payment_hash.hex for i in invoices])


async def test_receiving_lnd_killed_and_restarted_mid_stream_loses_and_repeats_nothing(
    regtest_network: RegtestNetwork, payee: LndWallet, payer: LndWallet, tmp_path: Path
) -> None:
    ledger = CreditLedger(tmp_path / "credit.sqlite")
    ledger.start_at(await highest_settle_index(payee))
    invoices = [await payee.create_invoice(Msat(3_000 + n), f"k{n}", 600) for n in range(30)]
    for invoice in invoices:  # payments fail while node0 is down; LND logs each at error level
        regtest_network.expect_log_errors(invoice.payment_hash.hex)
    regtest_network.expect_log_errors(*RESTART_NOISE)

    subscriber = asyncio.create_task(run_subscriber(payee, ledger))

    async def pay_all() -> None:
        for invoice in invoices:
            await pay_until_settled(payer, invoice)

    payments = asyncio.create_task(pay_all())
    await wait_credited(ledger, 10, 60)
    await asyncio.to_thread(regtest_network.kill_lnd, 0)
    await asyncio.sleep(1.0)
    await asyncio.to_thread(regtest_network.start_lnd, 0)
    await asyncio.wait_for(payments, 120)
    await wait_credited(ledger, 30, 60)
    await asyncio.sleep(1.0)
    subscriber.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await subscriber

    assert_lnd_agrees(regtest_network, ledger, [i.payment_hash.hex for i in invoices])


# Error lines LND writes when its peer is killed and comes back: each is about the
# vanished connection, none about a payment or an invoice.
RESTART_NOISE = [
    r"unable to read message from peer",
    r"Unable to connect to",
    r"peer .* disconnected",
    r"Websocket receive error from .*unexpected EOF",  # btcd, when the lnd is killed
    # killed just after it took an HTLC: on reconnection the payer's LND sends the HTLC
    # again, the restarted LND refuses the onion it has already seen (and the payment
    # settles on the payer's retry), and the peers' gossip meets its own channel update
    r"sphinx packet replay attempted",
    r"Channel update of ourselves received",
]
