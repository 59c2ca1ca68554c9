"""A day's spending per peer, summed by the ledger (the liquidity watch asks on a timer):
only settled invoices and succeeded payments since the time asked count, each session's
money goes to its pinned peer, and the sums read the day's rows by an index, not every
row a ledger holds after years."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gridnode.ledger import InvoicePurpose, InvoiceState, LedgerStore, SqliteLedger
from gridnode.ledger.invoices import SETTLED_PER_PEER_SQL
from gridnode.ledger.payments import PAID_PER_PEER_SQL
from gridnode.money import Msat

DAY_MS = 86_400_000
NOW_MS = 10 * DAY_MS
PEER_B, PEER_C = "b" * 64, "c" * 64


def _hash(n: int) -> bytes:
    return hashlib.sha256(n.to_bytes(4, "big")).digest()


async def test_a_sellers_settled_invoices_are_summed_per_peer_since_the_time_asked(
    seller: SqliteLedger,
) -> None:
    # s1 (the fixture's) and s3 are buyer b's sessions, s2 buyer c's
    await seller.sessions.open("s2", PEER_C, "meter-2", 100)
    await seller.sessions.open("s3", PEER_B, "meter-1", 100)
    invoices = seller.invoices
    made = [
        # session, amount, paid (None: left unsettled), settled at
        ("s1", 1_000, 1_000, NOW_MS - 1_000),
        ("s3", 2_000, 0, NOW_MS - 2_000),  # LND said nothing of what was paid: the amount
        ("s2", 3_000, 3_000, NOW_MS - 3_000),
        ("s1", 4_000, 4_000, NOW_MS - 2 * DAY_MS),  # before the day asked for
        ("s2", 5_000, None, NOW_MS),  # open
    ]
    for n, (session, amount, paid, at_ms) in enumerate(made, start=1):
        await invoices.created(
            session, _hash(n), f"lnbcrt{n}", Msat(amount), InvoicePurpose.PREPAYMENT, False, 0
        )
        if paid is not None:
            await invoices.settled(_hash(n), n, Msat(paid), None, at_ms)
    canceled = len(made) + 1
    await invoices.created(
        "s2", _hash(canceled), "lnbcrt9", Msat(7_000), InvoicePurpose.DEPOSIT, True, 0
    )
    await invoices.set_state(_hash(canceled), InvoiceState.CANCELED)

    spent = await invoices.settled_per_peer_since(NOW_MS - DAY_MS)
    assert spent == {PEER_B: Msat(3_000), PEER_C: Msat(3_000)}
    assert await invoices.settled_per_peer_since(NOW_MS + 1) == {}


async def test_a_buyers_succeeded_payments_are_summed_with_their_fees(
    buyer: SqliteLedger,
) -> None:
    payments = buyer.payments
    await buyer.sessions.open("s2", PEER_C, "meter-1", 100)
    for n, (session, amount, fee) in enumerate([("s1", 1_000, 3), ("s2", 2_000, 0)], start=1):
        await payments.started(session, _hash(n), f"lnbcrt{n}", Msat(amount), NOW_MS - 10)
        await payments.succeeded(_hash(n), NOW_MS - 5, b"\x01" * 32, Msat(fee))
    await payments.started("s1", _hash(3), "lnbcrt3", Msat(4_000), NOW_MS)
    await payments.failed(_hash(3), NOW_MS, "no route")
    await payments.started("s1", _hash(4), "lnbcrt4", Msat(8_000), NOW_MS)  # in flight

    spent = await payments.paid_per_peer_since(NOW_MS - DAY_MS)
    assert spent == {"f" * 64: Msat(1_003), PEER_C: Msat(2_000)}


def test_the_sums_read_by_the_settlement_time_index(tmp_path: Path) -> None:
    with LedgerStore.open(tmp_path / "ledger.sqlite", "seller") as store:
        plans = [
            store.db.query(f"EXPLAIN QUERY PLAN {sql}", (0,))
            for sql in (SETTLED_PER_PEER_SQL, PAID_PER_PEER_SQL)
        ]
    said = [" ".join(str(row[-1]) for row in plan) for plan in plans]
    assert "invoices_settled_by_time" in said[0]
    assert "payments_succeeded_by_time" in said[1]
