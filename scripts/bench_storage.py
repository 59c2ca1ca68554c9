#!/usr/bin/env python3
"""Benchmark: what each Lightning payment costs in storage, in LND and in the ledgers.

Starts its own regtest network (two LND nodes, one direct channel), makes N payments
from node1 (buyer) to node0 (seller) through gridnode's adapter while both ledgers record
them as the node would, and measures each side's channel.db and ledger file:

- raw: right after the payments;
- compacted: after a restart with bbolt auto-compaction;
- pruned: after the buyer deleted its payment records (the ledger holds their proof) and
  another compacting restart. The seller cannot delete settled invoices (no RPC).

Prints one JSON document, with projections per day and year for a few payment steps.

    .venv/bin/python scripts/bench_storage.py [--payments 1000] [--amount-msat 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from gridnode.regtest.daemons import LndNode
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.lnd_connect import LndConnection

COMPACT = ("--db.bolt.auto-compact", "--db.bolt.auto-compact-min-age=0")
STEPS_S = (5, 30, 60, 300)


def channel_db(node: LndNode) -> Path:
    return node.lnddir / "data" / "graph" / "regtest" / "channel.db"


def size(path: Path) -> int:
    """The file and its WAL, if any."""
    total = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    return total + (wal.stat().st_size if wal.exists() else 0)


def wallet(node: LndNode) -> LndWallet:
    return LndWallet(LndConnection.from_files(node.grpc_host, node.tls_cert, node.admin_macaroon))


async def pay(
    network: RegtestNetwork, root: Path, count: int, amount: Msat
) -> tuple[Ledger, Ledger]:
    seller_ledger = Ledger.open(root / "seller.sqlite", "seller")
    buyer_ledger = Ledger.open(root / "buyer.sqlite", "buyer")
    for ledger in (seller_ledger, buyer_ledger):
        ledger.open_session("bench", "f" * 64, "meter", 0)
    async with wallet(network.nodes[0]) as seller, wallet(network.nodes[1]) as buyer:
        for n in range(count):
            now = time.time_ns() // 1_000_000
            invoice = await seller.create_invoice(amount, f"step {n}", 600)
            h = invoice.payment_hash.value
            seller_ledger.invoice_created(
                "bench", h, invoice.bolt11, amount, "prepayment", False, now
            )
            buyer_ledger.payment_started("bench", h, invoice.bolt11, amount, now)
            result = await buyer.pay_invoice(invoice.bolt11, Msat(1_000), 30)
            if result.preimage is None:
                raise SystemExit(f"payment {n} did not succeed: {result}")
            buyer_ledger.payment_resolved(h, "succeeded", now, result.preimage.value, result.fee)
            status = await seller.lookup_invoice(invoice.payment_hash)
            seller_ledger.invoice_settled(
                h, status.settle_index, status.amount_paid, result.preimage.value, now
            )
    return seller_ledger, buyer_ledger


async def prune(network: RegtestNetwork, ledger: Ledger) -> int:
    async with wallet(network.nodes[1]) as buyer:
        return await Pruner(ledger, buyer, batch=200).prune_payments()


def measure(network: RegtestNetwork) -> dict[str, int]:
    return {
        "payee": size(channel_db(network.nodes[0])),
        "payer": size(channel_db(network.nodes[1])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--amount-msat", type=int, default=400)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gridnode-bench-storage-"))
    print(f"starting a regtest network in {root}", file=sys.stderr)
    network = RegtestNetwork.up(root / "regtest", nodes=2)
    try:
        for i in (0, 1):
            network.restart_lnd(i, COMPACT)
        network.wait_payable()
        before = measure(network)
        t0 = time.monotonic()
        seller_ledger, buyer_ledger = asyncio.run(
            pay(network, root, args.payments, Msat(args.amount_msat))
        )
        elapsed = time.monotonic() - t0
        raw = measure(network)
        for i in (0, 1):
            network.restart_lnd(i, COMPACT)
        compacted = measure(network)
        pruned_count = asyncio.run(prune(network, buyer_ledger))
        for i in (0, 1):
            network.restart_lnd(i, COMPACT)
        pruned = measure(network)
        seller_ledger.close()  # the last connection checkpoints the WAL into the file
        buyer_ledger.close()
        ledgers = {"payee": size(seller_ledger.path), "payer": size(buyer_ledger.path)}
    finally:
        network.down()
    n = args.payments

    def per_payment(after: dict[str, int]) -> dict[str, float]:
        return {side: round((after[side] - before[side]) / n, 1) for side in after}

    kept = per_payment(pruned)
    ledger_per = {side: round(b / n, 1) for side, b in ledgers.items()}
    projections = {}
    for step in STEPS_S:
        per_day = 86_400 // step
        projections[f"one_payment_every_{step}_s"] = {
            "payments_per_day": per_day,
            "mb_per_day": {
                side: round(per_day * (kept[side] + ledger_per[side]) / 1e6, 2) for side in kept
            },
            "gb_per_year": {
                side: round(365 * per_day * (kept[side] + ledger_per[side]) / 1e9, 2)
                for side in kept
            },
        }
    doc = {
        "payments": n,
        "amount_msat": args.amount_msat,
        "payments_per_s": round(n / elapsed, 1),
        "lnd_bytes_per_payment": {
            "raw": per_payment(raw),
            "compacted": per_payment(compacted),
            "compacted_after_pruning": kept,
        },
        "payer_records_pruned": pruned_count,
        "ledger_bytes_per_payment": ledger_per,
        "projections_lnd_plus_ledger": projections,
        "note": "the payee's settled invoices cannot be deleted through LND's RPC",
    }
    json.dump(doc, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
