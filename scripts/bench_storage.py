#!/usr/bin/env python3
"""Benchmark: what each Lightning payment costs in storage, in LND and in the ledgers.

Starts its own regtest network (two LND nodes, one direct channel), makes N payments
from node1 (buyer) to node0 (seller) through gridnode's adapter while both ledgers record
them as the node would, and measures each side's channel.db and ledger:

- raw: right after the payments;
- compacted: after a restart with bbolt auto-compaction;
- pruned: after the buyer deleted its payment records (the ledger holds their proof) and
  another compacting restart. The seller cannot delete settled invoices (no RPC).

LND's database is measured by the pages bbolt has allocated and the data they hold
(``bbolt stats`` with LND stopped, bench/bbolt.py), not by the file's size: bbolt grows
the file in doubling steps (256 KB to 16 MB over 1,000 payments), so its size says more
about where the last step fell than about what a payment adds. The file sizes are kept
beside them, to show the steps.

Prints one JSON document, with projections per day and year for a few payment steps,
and at the default real-install terms (gridnode.config.trade.REAL_INSTALL_PAYMENTS)
for a 2 kW mean load and a 7 kW car charger: the step the cadence chooses, payments per
day, storage per day and year, and the exposure those terms give (msat, seconds, and US
cents at a stated BTC price and electricity rate).

    .venv/bin/python scripts/bench_storage.py [--payments 1000] [--amount-msat 400]
    .venv/bin/python scripts/bench_storage.py --from-json docs/bench_storage.json
        # re-project from an earlier run's measurements, without a network

scripts/plot_cadence.py draws docs/cadence.png from the JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ beside gridnode/

from bench.bbolt import BboltStats, bbolt_stats
from gridnode.config.trade import REAL_INSTALL_PAYMENTS
from gridnode.ledger import InlineOffloader, InvoicePurpose, LedgerStore, SqliteLedger
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from gridnode.regtest.daemons import LndNode
from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import Daemon
from gridnode.trade.cadence import (
    BYTES_PER_PAYMENT,
    PAYMENT_LEAD_MS,
    Budgets,
    cadence,
    min_interval_ms,
    msat_per_ms,
    window_budget,
)
from gridnode.trade.units import energy_at_power_mwh
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.lnd_connect import LndConnection

COMPACT = ("--db.bolt.auto-compact", "--db.bolt.auto-compact-min-age=0")
STEPS_S = (5, 30, 60, 300)
#: The stated exchange assumptions for cents: 100,000 USD per BTC (1 sat is 0.1 US
#: cent) and electricity at 0.30 USD/kWh, i.e. 300 sat (300,000 msat) per kWh.
USD_PER_BTC = 100_000
PRICE_MSAT_PER_KWH = 300_000
#: The example seller's supply: 32 A at 230 V.
MAX_POWER_MW = 7_360_000
LOADS_MW = {"house_2kw_mean": 2_000_000, "car_charger_7kw": 7_000_000}
#: Payment steps (sat) for the exposure-against-storage plot.
PLOT_STEPS_SAT = (1, 2, 5, 10, 20, 50, 100)
STORAGE_BUDGET_MB_PER_DAY = 20


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
) -> tuple[LedgerStore, LedgerStore]:
    seller_ledger = LedgerStore.open(root / "seller.sqlite", "seller")
    buyer_ledger = LedgerStore.open(root / "buyer.sqlite", "buyer")
    for ledger in (seller_ledger, buyer_ledger):
        ledger.sessions.open("bench", "f" * 64, "meter", 0)
    async with wallet(network.nodes[0]) as seller, wallet(network.nodes[1]) as buyer:
        for n in range(count):
            now = time.time_ns() // 1_000_000
            invoice = await seller.create_invoice(amount, f"step {n}", 600)
            h = invoice.payment_hash.value
            seller_ledger.invoices.created(
                "bench", h, invoice.bolt11, amount, InvoicePurpose.PREPAYMENT, False, now
            )
            buyer_ledger.payments.started("bench", h, invoice.bolt11, amount, now)
            result = await buyer.pay_invoice(invoice.bolt11, Msat(1_000), 30)
            if result.preimage is None:
                raise SystemExit(f"payment {n} did not succeed: {result}")
            buyer_ledger.payments.succeeded(h, now, result.preimage.value, result.fee)
            status = await seller.lookup_invoice(invoice.payment_hash)
            seller_ledger.invoices.settled(
                h, status.settle_index, status.amount_paid, result.preimage.value, now
            )
    return seller_ledger, buyer_ledger


async def prune(network: RegtestNetwork, ledger: LedgerStore) -> int:
    # the node's pruner takes the async port; nothing else runs here, so inline is fine
    async with wallet(network.nodes[1]) as buyer:
        port = SqliteLedger(ledger, InlineOffloader())
        return await Pruner(port, buyer, batch=200).prune_payments()


SIDES = {"payee": 0, "payer": 1}


def measure(network: RegtestNetwork) -> dict[str, int]:
    return {side: size(channel_db(network.nodes[i])) for side, i in SIDES.items()}


def restart_reading_pages(
    network: RegtestNetwork, extra_args: tuple[str, ...] = COMPACT
) -> dict[str, BboltStats]:
    """Stop each LND, read its database's pages (bbolt needs the file to itself), and
    start it again with ``extra_args`` (as RegtestNetwork.restart_lnd, with the read
    between stop and start)."""
    pages = {}
    for side, i in SIDES.items():
        node = network.nodes[i]
        node.daemon.stop()
        pages[side] = bbolt_stats(channel_db(node))
        base = tuple(a for a in node.daemon.argv if a not in extra_args)
        node.daemon = Daemon(node.name, node.daemon.pid, (*base, *extra_args), node.daemon.log)
        network.start_lnd(i)
    return pages


def cents(amount_msat: int) -> float:
    """US cents at USD_PER_BTC."""
    return round(amount_msat / 1_000 / 100_000_000 * USD_PER_BTC * 100, 3)


def storage(per_day: float, lnd: dict[str, float], ledger: dict[str, float]) -> dict[str, Any]:
    per_side = {side: lnd[side] + ledger[side] for side in lnd}
    return {
        "mb_per_day": {side: round(per_day * b / 1e6, 2) for side, b in per_side.items()},
        "gb_per_year": {side: round(365 * per_day * b / 1e9, 2) for side, b in per_side.items()},
    }


def at_default_terms(measured: dict[str, Any]) -> dict[str, Any]:
    """The cadence of the real-install defaults at each load, steady state."""
    pay, price = REAL_INSTALL_PAYMENTS, Fraction(PRICE_MSAT_PER_KWH)
    lnd = measured["lnd_bytes_per_payment"]
    ledger = measured["ledger_bytes_per_payment"]
    loads = {}
    for name, power in LOADS_MW.items():

        def budget(cap: Msat, window_ms: int, power_mw: int = power) -> Msat:
            energy = energy_at_power_mwh(power_mw, window_ms)
            return window_budget(cap, window_ms, energy, MAX_POWER_MW, price)

        budgets = Budgets(
            budget(pay.prepayment, pay.prepayment_ms), budget(pay.unpaid, pay.unpaid_ms)
        )
        pace = cadence(
            power_mw=power,
            price_msat_per_kwh=price,
            budgets=budgets,
            smallest=pay.min_payment,
            largest=pay.max_payment,
            min_interval_ms=min_interval_ms(STORAGE_BUDGET_MB_PER_DAY, BYTES_PER_PAYMENT),
        )
        assert pace.interval_ms is not None
        rate = msat_per_ms(power, price)
        per_day = 86_400_000 / pace.interval_ms
        # paid at credit ~0: just after a payment the buyer is a step ahead; during the
        # payment lead the seller has delivered the lead's energy unpaid; a buyer that
        # stops paying leaves the seller the whole unpaid budget
        loads[name] = {
            "power_w": power // 1_000,
            "step_msat": pace.step.msat,
            "interval_s": round(pace.interval_ms / 1_000, 1),
            "payments_per_day": round(per_day),
            "within_storage_budget": pace.within_storage,
            "storage_raw": storage(per_day, lnd["raw"], ledger),
            "storage_compacted_after_pruning": storage(
                per_day, lnd["compacted_after_pruning"], ledger
            ),
            "exposure": {
                "buyer_paid_ahead_msat": pace.step.msat,
                "buyer_paid_ahead_s": round(float(pace.step.msat / rate) / 1_000, 1),
                "buyer_paid_ahead_cap_msat": budgets.ahead.msat,
                "seller_unpaid_cap_msat": budgets.unpaid.msat,
                "seller_unpaid_cap_s": round(float(budgets.unpaid.msat / rate) / 1_000, 1),
                "seller_unpaid_during_a_payment_msat": int(rate * PAYMENT_LEAD_MS),
                "buyer_paid_ahead_cents": cents(pace.step.msat),
                "seller_unpaid_cap_cents": cents(budgets.unpaid.msat),
            },
        }
    return {
        "assumptions": {
            "price_msat_per_kwh": PRICE_MSAT_PER_KWH,
            "usd_per_btc": USD_PER_BTC,
            "usd_per_kwh": PRICE_MSAT_PER_KWH / 1e11 * USD_PER_BTC,
            "max_power_w": MAX_POWER_MW // 1_000,
            "storage_budget_mb_per_day": STORAGE_BUDGET_MB_PER_DAY,
            "bytes_per_payment_assumed_by_the_cadence": BYTES_PER_PAYMENT,
        },
        "terms": {
            "min_payment_msat": pay.min_payment.msat,
            "max_payment_msat": pay.max_payment.msat,
            "prepayment_msat": pay.prepayment.msat,
            "prepayment_s": pay.prepayment_ms / 1_000,
            "unpaid_msat": pay.unpaid.msat,
            "unpaid_s": pay.unpaid_ms / 1_000,
        },
        "loads": loads,
        "loads_note": "per day and per year as if the load ran all day (a car charges for hours)",
    }


def plot_steps(measured: dict[str, Any]) -> list[dict[str, Any]]:
    """Exposure against storage per day for a few fixed payment steps (the plot)."""
    lnd, ledger = measured["lnd_bytes_per_payment"], measured["ledger_bytes_per_payment"]
    price = Fraction(PRICE_MSAT_PER_KWH)
    rows = []
    for name, power in LOADS_MW.items():
        rate = msat_per_ms(power, price)
        for step_sat in PLOT_STEPS_SAT:
            interval_ms = step_sat * 1_000 / rate
            per_day = float(86_400_000 / interval_ms)
            rows.append(
                {
                    "load": name,
                    "step_sat": step_sat,
                    "interval_s": round(float(interval_ms) / 1_000, 1),
                    "exposure_cents": cents(step_sat * 1_000),
                    "payee_mb_per_day_raw": round(
                        per_day * (lnd["raw"]["payee"] + ledger["payee"]) / 1e6, 2
                    ),
                    "payee_mb_per_day_compacted": round(
                        per_day * (lnd["compacted_after_pruning"]["payee"] + ledger["payee"]) / 1e6,
                        2,
                    ),
                }
            )
    return rows


def measure_storage(payments: int, amount_msat: int) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="gridnode-bench-storage-"))
    print(f"starting a regtest network in {root}", file=sys.stderr)
    network = RegtestNetwork.up(root / "regtest", nodes=2)
    try:
        pages_before = restart_reading_pages(network)
        network.wait_payable()
        before = measure(network)
        t0 = time.monotonic()
        seller_ledger, buyer_ledger = asyncio.run(pay(network, root, payments, Msat(amount_msat)))
        elapsed = time.monotonic() - t0
        raw = measure(network)
        pages_raw = restart_reading_pages(network)
        compacted = measure(network)
        pruned_count = asyncio.run(prune(network, buyer_ledger))
        restart_reading_pages(network)  # this start compacts what the pruning freed
        pages_pruned = restart_reading_pages(network)
        pruned = measure(network)
        seller_ledger.close()  # the last connection checkpoints the WAL into the file
        buyer_ledger.close()
        ledgers = {"payee": size(seller_ledger.path), "payer": size(buyer_ledger.path)}
    finally:
        network.down()
    n = payments

    def per_payment(after: dict[str, int]) -> dict[str, float]:
        return {side: round((after[side] - before[side]) / n, 1) for side in after}

    def pages(after: dict[str, BboltStats], field: str) -> dict[str, float]:
        return {
            side: round((getattr(after[side], field) - getattr(pages_before[side], field)) / n, 1)
            for side in after
        }

    return {
        "payments": n,
        "amount_msat": amount_msat,
        "payments_per_s": round(n / elapsed, 1),
        # what a payment adds to LND's database: the pages bbolt allocated for it (the
        # disk it takes, short of the file's next doubling) and the data in them
        "lnd_bytes_per_payment": {
            "raw": pages(pages_raw, "allocated_bytes"),
            "compacted_after_pruning": pages(pages_pruned, "allocated_bytes"),
        },
        "lnd_data_bytes_per_payment": {
            "raw": pages(pages_raw, "used_bytes"),
            "compacted_after_pruning": pages(pages_pruned, "used_bytes"),
        },
        "payer_records_pruned": pruned_count,
        "ledger_bytes_per_payment": {side: round(b / n, 1) for side, b in ledgers.items()},
        # the file's growth, for comparison: quantised by bbolt's doublings
        "lnd_file_bytes_per_payment": {
            "raw": per_payment(raw),
            "compacted": per_payment(compacted),
            "compacted_after_pruning": per_payment(pruned),
        },
        "lnd_file_bytes": {
            "before": before,
            "raw": raw,
            "compacted": compacted,
            "compacted_after_pruning": pruned,
        },
        "lnd_allocated_bytes": {
            "before": {side: p.allocated_bytes for side, p in pages_before.items()},
            "raw": {side: p.allocated_bytes for side, p in pages_raw.items()},
            "compacted_after_pruning": {
                side: p.allocated_bytes for side, p in pages_pruned.items()
            },
        },
    }


MEASURED = (
    "payments",
    "amount_msat",
    "payments_per_s",
    "lnd_bytes_per_payment",
    "payer_records_pruned",
    "ledger_bytes_per_payment",
    "lnd_data_bytes_per_payment",
    "lnd_file_bytes_per_payment",
    "lnd_file_bytes",
    "lnd_allocated_bytes",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--amount-msat", type=int, default=400)
    parser.add_argument(
        "--from-json", type=Path, help="re-project from an earlier run (no network)"
    )
    args = parser.parse_args()
    if args.from_json:
        earlier = json.loads(args.from_json.read_text())
        measured = {key: earlier[key] for key in MEASURED if key in earlier}
    else:
        measured = measure_storage(args.payments, args.amount_msat)
    kept = measured["lnd_bytes_per_payment"]["compacted_after_pruning"]
    ledger = measured["ledger_bytes_per_payment"]
    projections = {}
    for step in STEPS_S:
        per_day = 86_400 // step
        projections[f"one_payment_every_{step}_s"] = {
            "payments_per_day": per_day,
            **storage(per_day, kept, ledger),
        }
    doc = {
        **measured,
        "projections_lnd_plus_ledger": projections,
        "at_default_real_install_terms": at_default_terms(measured),
        "exposure_against_storage": plot_steps(measured),
        "note": (
            "lnd_bytes_per_payment is the pages bbolt allocated (bbolt stats, LND stopped), "
            "not the file: bbolt grows channel.db in doublings (up to 1 GB a step), so the "
            "file is at most one doubling ahead of its pages, and file growth over 1,000 "
            "payments (one step, 256 KB to 16 MB) over-states a payment by about 2x. The "
            "payee's settled invoices cannot be deleted through LND's RPC; storage_raw is "
            "before the start-up compaction, the bound a node that runs for weeks between "
            "restarts must plan for"
        ),
    }
    json.dump(doc, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
