#!/usr/bin/env python3
"""Resident memory per thousand gRPC calls of the wallet adapter, against a regtest LND.

The soak (docs/drill.md) found the seller's RSS growing about 12 MB an hour outside
Python's heap, with no descriptor or thread growing and glibc's arenas ruled out. What a
seller does five times as often as a buyer is open a stream: one
``SubscribeSingleInvoice`` per invoice it follows; a buyer opens one ``SendPaymentV2``
per payment. This measures each kind of call alone, in one process, after a warm-up:

- ``unary``: ``LookupInvoice`` (the control: no stream);
- ``invoice_stream``: an invoice made, its stream opened, its first update read, the
  stream closed (what the seller does per invoice, :meth:`LndWallet.invoice_updates`);
- ``payment_stream``: a 1-sat invoice paid with ``SendPaymentV2`` (the buyer's).

    .venv/bin/python bench/grpc_streams.py --calls 2000 > /tmp/grpc_streams.json

Prints one JSON document: per kind, RSS before and after (KB, after a ``gc.collect``)
and the growth per thousand calls.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridnode.money import Msat
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from tests.support.regtest.lnd import connection

Call = Callable[[int], Awaitable[object]]


def _rss_kb() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss // 1024)


async def _measure(name: str, call: Call, calls: int, warmup: int) -> dict[str, Any]:
    for n in range(warmup):
        await call(n)
    before = _rss_kb()
    started = time.monotonic()
    for n in range(calls):
        await call(warmup + n)
    seconds = time.monotonic() - started
    after = _rss_kb()
    return {
        "kind": name,
        "calls": calls,
        "seconds": round(seconds, 1),
        "rss_kb": {"before": before, "after": after},
        "kb_per_1000_calls": round((after - before) * 1000 / calls, 1),
    }


async def _run(network: RegtestNetwork, calls: int, warmup: int) -> list[dict[str, Any]]:
    seller = LndWallet(connection(network.nodes[0]))
    buyer = LndWallet(connection(network.nodes[1]))
    try:
        made = await seller.create_invoice(Msat(1_000), "lookup", 3_600)

        async def unary(_n: int) -> object:
            return await seller.lookup_invoice(made.payment_hash)

        async def invoice_stream(n: int) -> object:
            invoice = await seller.create_invoice(Msat(1_000), f"stream {n}", 3_600)
            async for first in seller.invoice_updates(invoice.payment_hash):
                return first  # the stream is left as the node leaves it
            return None

        async def payment_stream(n: int) -> object:
            invoice = await seller.create_invoice(Msat(1_000), f"pay {n}", 3_600)
            return await buyer.pay_invoice(invoice.bolt11, Msat(1_000), 30.0)

        return [
            await _measure("unary", unary, calls, warmup),
            await _measure("invoice_stream", invoice_stream, calls, warmup),
            await _measure("payment_stream", payment_stream, calls, warmup),
        ]
    finally:
        await seller.close()
        await buyer.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gridnode-grpc-"))
    network = RegtestNetwork.up(root, nodes=2, tied=True)
    try:
        kinds = asyncio.run(_run(network, args.calls, args.warmup))
    finally:
        network.down()
    print(json.dumps({"grpc": kinds}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
