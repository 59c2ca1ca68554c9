"""The demo's latency figures are read from the nodes' own ledgers and logs."""

from __future__ import annotations

import json
import os
from pathlib import Path

from gridnode.demo.latency import buyer_account, latency_ms, percentile
from gridnode.ledger import InvoicePurpose, JournalEntry
from gridnode.money import Msat
from gridnode.node.tick_lag import TickLag
from tests.support.ledger import open_ledger

BUYER = "b" * 64


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 0.99) is None
    assert percentile([5, 1, 3], 0.5) == 3
    assert percentile(range(1, 101), 0.99) == 99
    assert percentile(range(1, 101), 0.5) == 50


async def test_latencies_and_a_buyer_s_account_come_from_the_ledgers(tmp_path: Path) -> None:
    seller = await open_ledger(tmp_path / "seller.sqlite", "seller")
    buyer = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await seller.sessions.open("s", BUYER, "seller-meter-1", 0)
    await buyer.sessions.open("s", "f" * 64, "house-1", 0)
    for n, (resolved, reported, credited) in enumerate(
        [(1_000, 1_004, 1_010), (None, 2_000, 2_030)]
    ):
        h, preimage = os.urandom(32), os.urandom(32)
        await seller.invoices.created(
            "s", h, f"lnbcrt{n}", Msat(500), InvoicePurpose.PREPAYMENT, False, 1
        )
        await buyer.payments.started("s", h, f"lnbcrt{n}", Msat(500), 1)
        await buyer.payments.succeeded(h, credited, preimage, Msat(0), lnd_resolved_at_ms=resolved)
        await seller.invoices.settled(
            h, n + 1, Msat(500), preimage, credited, reported_at_ms=reported
        )
    deadline = {"deadline_ms": 5_000, "seen_ms": 5_900}
    await seller.sessions.journal(
        JournalEntry(
            "s",
            "state",
            5_900,
            "credit ran past the cut line at 5000 ms, seen at 5900 ms",
            json.dumps(deadline).encode(),
            None,
            b"",
        )
    )
    await seller.evidence.relay_switch("s", False, "credit", 5_950)
    await seller.evidence.relay_switch("s", False, "requested", 9_000)  # at shutdown
    await seller.close()
    await buyer.close()
    lag = TickLag()
    for late in (0, 0, 2, 30):
        lag.add(late)
    log = tmp_path / "seller.log"
    log.write_text(json.dumps({"msg": lag.describe()}) + "\n")

    figures = latency_ms(tmp_path / "seller.sqlite", [tmp_path / "buyer.sqlite"], log, 8_000)
    assert figures["credits"] == 2
    assert figures["credit_p50"] == 10  # 1,010 less LND's 1,000 (before the report at 1,004)
    assert figures["credit_p99"] == 30  # no LND stamp: from the stream's report
    assert figures["relay_open_p99"] == 950
    assert figures["relay_open_from_seen_p99"] == 50
    assert figures["tick_lag_p99"] == 30
    assert figures["ticks"] == 4

    paying = buyer_account(
        tmp_path / "seller.sqlite", tmp_path / "buyer.sqlite", BUYER, None, 8_000
    )
    assert paying == {
        "payments": 2,
        "paid_msat": 1_000,
        "cuts": 1,
        "cut_causes": {"credit": 1},
        "cut_without_cause": True,
        "stalled": False,
    }
    stalled = buyer_account(
        tmp_path / "seller.sqlite", tmp_path / "buyer.sqlite", BUYER, 4_000, 8_000
    )
    assert stalled["cut_without_cause"] is False
