"""A node whose disk fills: it stops supplying or paying, says why, and goes on when space
returns (issue 16, "the ledger's disk full"). SQLite's own SQLITE_FULL, through
``PRAGMA max_page_count`` (as on a full disk, the file cannot grow), in virtual time on the
in-process seller and buyer of tests/support/node.py; the drills fill a real tmpfs under
the demo's nodes (docs/drill.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridnode.ledger import SqliteLedger
from gridnode.node.seller_slot import MAX_QUIET_AFTER_REJECTION_MS
from gridnode.wallet.port import InvoiceState
from tests.support.node import Pair, trading_pair


def fill(ledger: SqliteLedger) -> None:
    """No room left: the ledger's file cannot grow by one more page."""
    db = ledger.store.db
    pages = db.query("PRAGMA page_count")[0][0]
    db.query(f"PRAGMA max_page_count = {pages}")


def make_room(ledger: SqliteLedger) -> None:
    ledger.store.db.query("PRAGMA max_page_count = 1073741823")


def said(pair: Pair[Any], node: str) -> list[str]:
    runtime = pair.seller if node == "seller" else pair.buyer
    return [w for w in runtime.snapshot().warnings if "is full" in w]


async def test_a_seller_whose_disk_fills_cuts_the_supply_says_why_and_goes_on(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    fill(pair.seller_ledger)
    await pair.clock.run_until(lambda: not pair.wire.relay_on, limit_s=60)
    assert said(pair, "seller"), pair.seller.snapshot().warnings
    await pair.clock.advance(30)
    assert not pair.wire.relay_on  # nothing it does could be recorded: no supply
    # the failed session's deposit is not left locked until a restart (the fault drill)
    held = [i.status.state for i in pair.network.invoices.values() if i.hold]
    assert held
    assert InvoiceState.ACCEPTED not in held, held
    make_room(pair.seller_ledger)
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=120)
    await pair.shutdown()


async def test_a_buyer_whose_disk_fills_stops_paying_says_why_and_goes_on(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    fill(pair.buyer_ledger)
    await pair.clock.run_until(lambda: not pair.wire.relay_on, limit_s=60)
    assert said(pair, "buyer"), pair.buyer.snapshot().warnings
    paid = len(pair.buyer_wallet.payments)
    await pair.clock.advance(30)
    assert len(pair.buyer_wallet.payments) == paid  # nothing paid while it cannot record
    make_room(pair.buyer_ledger)
    # the seller, whose offers the failing buyer could not take, waits at most its
    # longest quiet time before the next; a minute of margin for the offer, the deposit
    # and the first payment
    limit_s = MAX_QUIET_AFTER_REJECTION_MS / 1000 + 60
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=limit_s)
    await pair.shutdown()
