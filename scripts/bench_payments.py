#!/usr/bin/env python3
"""Benchmark: Lightning payments through gridnode's adapter and through the raw stubs.

Starts its own regtest network (or uses one: --dir DIR of a running `gridnode regtest
up`), creates the invoices first, then pays them from node1 to node0 with 1 and with 8
concurrent payers, through :class:`gridnode.wallet.lnd.LndWallet` and through the
generated gRPC stubs called directly (SendPaymentV2, read to the final update), in
alternating rounds of one run. Prints one JSON document: median and p99 seconds per
payment, payments per second, and the adapter/raw ratios.

    .venv/bin/python scripts/bench_payments.py [--payments 200] [--rounds 2] [--dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
import grpc.aio

from gridnode.money import Msat
from gridnode.regtest.daemons import LndNode
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.lnd_connect import LndConnection
from gridnode.wallet.lnrpc import lightning_pb2 as ln
from gridnode.wallet.lnrpc import router_pb2 as router
from gridnode.wallet.lnrpc import router_pb2_grpc as router_grpc

FEE = Msat(10_000)
Pay = Callable[[str], Awaitable[None]]


def connection(node: LndNode) -> LndConnection:
    return LndConnection.from_files(node.grpc_host, node.tls_cert, node.admin_macaroon)


class RawPayer:
    """The generated stubs with no adapter: what the adapter's overhead is measured against."""

    def __init__(self, conn: LndConnection) -> None:
        creds = grpc.ssl_channel_credentials(conn.tls_cert_pem)
        self.channel = grpc.aio.secure_channel(conn.host, creds)
        self.router = router_grpc.RouterStub(self.channel)
        self.metadata = (("macaroon", conn.macaroon_hex),)

    async def pay(self, bolt11: str) -> None:
        request = router.SendPaymentRequest(
            payment_request=bolt11, fee_limit_msat=FEE.msat, timeout_seconds=30
        )
        async for update in self.router.SendPaymentV2(request, metadata=self.metadata):
            if update.status == ln.Payment.SUCCEEDED:
                return
            if update.status == ln.Payment.FAILED:
                raise RuntimeError(f"raw payment failed: {update.failure_reason}")


async def run(pay: Pay, invoices: list[str], payers: int) -> dict[str, float]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for bolt11 in invoices:
        queue.put_nowait(bolt11)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            bolt11 = queue.get_nowait()
            t0 = time.perf_counter()
            await pay(bolt11)
            latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(payers)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "payments": len(latencies),
        "median_s": statistics.median(latencies),
        "p99_s": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "payments_per_s": len(latencies) / elapsed,
    }


def merge(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "payments": sum(r["payments"] for r in runs),
        "median_s": round(statistics.median(r["median_s"] for r in runs), 4),
        "p99_s": round(max(r["p99_s"] for r in runs), 4),
        "payments_per_s": round(statistics.median(r["payments_per_s"] for r in runs), 1),
    }


async def bench(network: RegtestNetwork, payments: int, rounds: int) -> dict[str, object]:
    payee_node, payer_node = network.nodes[0], network.nodes[1]
    results: dict[str, dict[str, list[dict[str, float]]]] = {"adapter": {}, "raw": {}}
    async with (
        LndWallet(connection(payee_node)) as payee,
        LndWallet(connection(payer_node)) as payer,
    ):
        raw = RawPayer(connection(payer_node))

        async def adapter_pay(bolt11: str) -> None:
            result = await payer.pay_invoice(bolt11, FEE, timeout_s=30)
            if not result.succeeded:
                raise RuntimeError(f"adapter payment failed: {result.failure}")

        for _ in range(rounds):
            for payers in (1, 8):
                for name, pay in (("adapter", adapter_pay), ("raw", raw.pay)):
                    invoices = [
                        (await payee.create_invoice(Msat(1_000), "bench", 3600)).bolt11
                        for _ in range(payments)
                    ]
                    outcome = await run(pay, invoices, payers)
                    results[name].setdefault(f"{payers}_payers", []).append(outcome)
        await raw.channel.close(None)
    summary: dict[str, object] = {}
    for name, by_payers in results.items():
        summary[name] = {key: merge(runs) for key, runs in by_payers.items()}
    ratios = {}
    for key in ("1_payers", "8_payers"):
        a = summary["adapter"][key]  # type: ignore[index]
        r = summary["raw"][key]  # type: ignore[index]
        ratios[key] = {
            "median_adapter_over_raw": round(a["median_s"] / r["median_s"], 3),
            "throughput_adapter_over_raw": round(a["payments_per_s"] / r["payments_per_s"], 3),
        }
    summary["ratios"] = ratios
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=200, help="payments per run")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds")
    parser.add_argument("--dir", type=Path, help="a running regtest network to use")
    args = parser.parse_args()
    own = args.dir is None
    if own:
        root = Path(tempfile.mkdtemp(prefix="gridnode-bench-"))
        print(f"starting a regtest network in {root}", file=sys.stderr)
        network = RegtestNetwork.up(root, nodes=2)
    else:
        network = RegtestNetwork.load(args.dir)
    try:
        summary = asyncio.run(bench(network, args.payments, args.rounds))
    finally:
        if own:
            network.down()
    summary["config"] = {
        "payments_per_run": args.payments,
        "rounds": args.rounds,
        "channel": "one direct channel, node1 -> node0, regtest",
    }
    json.dump(summary, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
