#!/usr/bin/env python3
"""Benchmark: the peer link's round trips under load, and its one-way throughput.

Round trips: N buyers each send a message that the seller's application echoes back,
timed from ``send`` to the echo's delivery (outbox write, framing, TLS 1.3, ack), with
and without flooders (plain TCP garbage and a pinned buyer sending garbage frames, in a
process of their own). The buyers share one event loop on 127.0.0.1; the seller shares
it too, except in the last run, where it has a process of its own as on its Pi.

Throughput: one seller sends ``--messages`` payloads of 200 bytes to one buyer as fast
as the outbox allows, with the outbox at synchronous=FULL (survives a power cut, an
fsync per message) and NORMAL (survives a crash).

Prints one JSON document on stdout.

    .venv/bin/python scripts/bench_peer.py [--buyers 50] [--seconds 30] [--messages 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import platform
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from gridnode.identity import Role, create_identity
from gridnode.peer import BuyerClient, LinkUp, Message, PinnedPeer, SellerServer

# The load harness lives in bench/ at the repository root (not shipped in the wheel).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.loadtest import SOAK_SETTINGS, run_load


async def throughput(work: Path, messages: int, synchronous: str) -> dict[str, Any]:
    settings = replace(SOAK_SETTINGS, outbox_synchronous=synchronous)
    seller = create_identity(work / "s", Role.SELLER)
    buyer = create_identity(work / "b", Role.BUYER)
    server = SellerServer(seller, [PinnedPeer.of("b", buyer.certificate)], work / "ss", settings)
    host, port = await server.start()
    client = BuyerClient(
        buyer, PinnedPeer.of("s", seller.certificate), host, port, work / "bs", settings
    )
    client.start()
    try:
        while not isinstance(await client.link.next_event(), LinkUp):
            pass
        link = server.link("b")
        payload = bytes(200)
        started = time.perf_counter()
        for _ in range(messages):
            link.send(payload)
        sent_s = time.perf_counter() - started
        got = 0
        while got < messages:
            if isinstance(await client.link.next_event(), Message):
                got += 1
        total_s = time.perf_counter() - started
    finally:
        await client.close()
        await server.close()
    return {
        "outbox_synchronous": synchronous,
        "messages": messages,
        "send_calls_per_s": round(messages / sent_s),
        "delivered_per_s": round(messages / total_s),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "round_trips": [],
        "throughput": [],
    }
    runs = [
        (1, False, False),
        (args.buyers, False, False),
        (args.buyers, True, False),
        (args.buyers, True, True),
    ]
    for buyers, flood, seller_process in runs:
        with tempfile.TemporaryDirectory() as work:
            report = await run_load(
                Path(work),
                buyers=buyers,
                duration_s=args.seconds,
                flood=flood,
                seller_process=seller_process,
            )
        results["round_trips"].append(report.as_json())
        print(
            f"round trips: {buyers} buyers, flood={flood}, "
            f"seller in its own process={seller_process}: done",
            file=sys.stderr,
        )
    for synchronous in ("FULL", "NORMAL"):
        with tempfile.TemporaryDirectory() as work:
            results["throughput"].append(await throughput(Path(work), args.messages, synchronous))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--messages", type=int, default=2000)
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
