"""A load generator for the peer link: many buyers echoing through one seller, under flood.

Used by the soak test (tests/integration/peer/test_many_buyers.py) and by
scripts/bench_peer.py, and useful on a real Pi to see how many buyers it carries. The
seller and the honest buyers run in this one event loop on 127.0.0.1 with free ports;
the flooders run in a child process of their own, as a real attacker would, so their
busy loops do not stall the loop being measured. Identities are made fresh in
``work_dir``.

Each honest buyer sends a payload, the seller's application echoes it back as a new
message, and the buyer times the round trip (send to echo delivered, through the whole
link: outbox, framing, TLS, acknowledgement). Meanwhile flooders hammer the seller:
plain TCP connections pouring random bytes, and a pinned (authenticated) buyer that
sends garbage frames right after its hello, reconnecting each time it is thrown out.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from gridnode.identity import (
    NodeIdentity,
    Role,
    create_identity,
    load_certificate,
    load_identity,
)
from gridnode.peer.client import BuyerClient
from gridnode.peer.frames import PREFIX, Hello, encode, hello_frame
from gridnode.peer.link import LinkDown, Message, PeerLink
from gridnode.peer.server import SellerServer
from gridnode.peer.settings import LinkSettings
from gridnode.peer.tls import PinnedPeer, client_context

SOAK_SETTINGS = LinkSettings(
    handshake_timeout_s=2.0,
    read_timeout_s=2.0,
    heartbeat_interval_s=0.5,
    idle_timeout_s=3.0,
    drain_timeout_s=2.0,
    close_grace_s=0.5,
    reconnect_initial_s=0.1,
    reconnect_max_s=1.0,
    outbox_synchronous="NORMAL",
)


@dataclass
class LoadReport:
    """What a load run measured. Times in milliseconds unless named otherwise."""

    buyers: int
    duration_s: float
    flood: bool
    round_trips: int = 0
    rtt_p50_ms: float = 0.0
    rtt_p99_ms: float = 0.0
    rtt_max_ms: float = 0.0
    fewest_round_trips_one_buyer: int = 0
    longest_wait_for_echo_ms: float = 0.0
    honest_link_drops: int = 0
    flood_connections: int = 0
    flood_bytes: int = 0
    seller_refusals: int = 0
    heartbeat_rtt_p99_ms: float = 0.0
    loop_lag_p99_ms: float = 0.0
    loop_lag_max_ms: float = 0.0
    per_buyer: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("per_buyer")
        return doc


@dataclass
class _BuyerStats:
    rtts_s: list[float] = field(default_factory=list)
    longest_s: float = 0.0
    drops: int = 0


async def run_load(
    work_dir: Path,
    *,
    buyers: int = 50,
    duration_s: float = 30.0,
    flood: bool = True,
    pause_s: float = 0.05,
    settings: LinkSettings = SOAK_SETTINGS,
) -> LoadReport:
    """Run the load for ``duration_s`` and report the round trips."""
    seller_id = create_identity(work_dir / "seller", Role.SELLER)
    buyer_ids = [create_identity(work_dir / f"buyer{i}", Role.BUYER) for i in range(buyers)]
    hostile_id = create_identity(work_dir / "hostile", Role.BUYER)
    pins = [PinnedPeer.of(f"buyer{i}", b.certificate) for i, b in enumerate(buyer_ids)]
    pins.append(PinnedPeer.of("hostile", hostile_id.certificate))
    server = SellerServer(seller_id, pins, work_dir / "seller-store", settings)
    host, port = await server.start()
    seller_pin = PinnedPeer.of("seller", seller_id.certificate)
    clients = [
        BuyerClient(b, seller_pin, host, port, work_dir / f"store{i}", settings)
        for i, b in enumerate(buyer_ids)
    ]
    report = LoadReport(buyers=buyers, duration_s=duration_s, flood=flood)
    stats = [_BuyerStats() for _ in clients]
    heartbeat_rtts: list[float] = []
    lags: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    flooder: BaseProcess | None = None
    counters: Any = None
    try:
        tasks += [asyncio.create_task(_echo(server.link(f"buyer{i}"))) for i in range(buyers)]
        tasks.append(asyncio.create_task(_drain(server.link("hostile"))))
        for client in clients:
            client.start()
        await asyncio.gather(*(_wait_up(c.link) for c in clients))
        if flood:
            spawn = mp.get_context("spawn")
            counters = spawn.Array("q", 2)
            flooder = spawn.Process(
                target=_flood_main,
                args=(host, port, str(hostile_id.directory), str(seller_id.certificate_path)),
                kwargs={"counters": counters},
                daemon=True,
            )
            flooder.start()
        deadline = time.monotonic() + duration_s
        tasks.append(asyncio.create_task(_sample_heartbeats(clients, heartbeat_rtts)))
        tasks.append(asyncio.create_task(_loop_lag(lags)))
        await asyncio.gather(
            *(
                _round_trips(c.link, s, deadline, pause_s)
                for c, s in zip(clients, stats, strict=True)
            )
        )
    finally:
        if flooder is not None:
            flooder.terminate()
            flooder.join(5)
            report.flood_connections, report.flood_bytes = counters[0], counters[1]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in clients:
            await client.close()
        report.seller_refusals = server.refused
        await server.close()
    rtts = sorted(r for s in stats for r in s.rtts_s)
    report.round_trips = len(rtts)
    report.per_buyer = [len(s.rtts_s) for s in stats]
    report.fewest_round_trips_one_buyer = min(report.per_buyer, default=0)
    report.rtt_p50_ms = _ms(_quantile(rtts, 0.50))
    report.rtt_p99_ms = _ms(_quantile(rtts, 0.99))
    report.rtt_max_ms = _ms(rtts[-1] if rtts else 0.0)
    report.longest_wait_for_echo_ms = _ms(max((s.longest_s for s in stats), default=0.0))
    report.honest_link_drops = sum(s.drops for s in stats)
    report.heartbeat_rtt_p99_ms = _ms(_quantile(sorted(heartbeat_rtts), 0.99))
    lags.sort()
    report.loop_lag_p99_ms = _ms(_quantile(lags, 0.99))
    report.loop_lag_max_ms = _ms(lags[-1] if lags else 0.0)
    return report


async def _loop_lag(into: list[float], tick_s: float = 0.01) -> None:
    """How late the event loop wakes a 10 ms sleep: time it spent busy elsewhere."""
    while True:
        started = time.monotonic()
        await asyncio.sleep(tick_s)
        into.append(max(0.0, time.monotonic() - started - tick_s))


class _Tally:
    """Flood counters in shared memory, read by the parent."""

    def __init__(self, counters: Any) -> None:
        self._counters = counters

    def connection(self) -> None:
        self._counters[0] += 1

    def sent(self, count: int) -> None:
        self._counters[1] += count


def _flood_main(host: str, port: int, hostile_dir: str, seller_cert: str, counters: Any) -> None:
    """The flooders' child process: both floods until terminated."""
    hostile = load_identity(Path(hostile_dir))
    seller = PinnedPeer.of("seller", load_certificate(Path(seller_cert)))
    asyncio.run(_flood_forever(host, port, hostile, seller, _Tally(counters)))


async def _flood_forever(
    host: str, port: int, hostile: NodeIdentity, seller: PinnedPeer, tally: _Tally
) -> None:
    await asyncio.gather(
        _flood_plain(host, port, tally), _flood_framed(host, port, hostile, seller, tally)
    )


async def _wait_up(link: PeerLink) -> None:
    async with asyncio.timeout(30):
        while not link.up:  # noqa: ASYNC110 - the link's state, polled once at start
            await asyncio.sleep(0.01)


async def _echo(link: PeerLink) -> None:
    """The seller's application: send every message straight back."""
    while True:
        event = await link.next_event()
        if isinstance(event, Message):
            link.send(event.payload)


async def _drain(link: PeerLink) -> None:
    while True:
        await link.next_event()


async def _round_trips(link: PeerLink, stats: _BuyerStats, deadline: float, pause_s: float) -> None:
    while time.monotonic() < deadline:
        sent = time.monotonic()
        link.send(sent.hex().encode())
        while True:
            event = await link.next_event()
            if isinstance(event, LinkDown):
                stats.drops += 1
            if isinstance(event, Message):
                break
        took = time.monotonic() - sent
        stats.rtts_s.append(took)
        stats.longest_s = max(stats.longest_s, took)
        await asyncio.sleep(pause_s)


async def _sample_heartbeats(clients: list[BuyerClient], into: list[float]) -> None:
    while True:
        await asyncio.sleep(0.5)
        into.extend(c.link.rtt_s for c in clients if c.link.rtt_s is not None)


async def _flood_plain(host: str, port: int, tally: _Tally) -> None:
    """Random bytes over plain TCP, as fast as the seller takes them, reconnecting."""
    junk = os.urandom(64 * 1024)
    while True:
        tally.connection()
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection(host, port)
            try:
                while True:
                    writer.write(junk)
                    await writer.drain()
                    tally.sent(len(junk))
            except OSError:
                pass
            finally:
                writer.transport.abort()
        await asyncio.sleep(0.001)


async def _flood_framed(
    host: str, port: int, hostile: NodeIdentity, seller: PinnedPeer, tally: _Tally
) -> None:
    """A pinned buyer that says hello, then floods garbage frames, reconnecting."""
    ctx = client_context(hostile, seller)
    junk = PREFIX.pack(1024) + os.urandom(1024)
    while True:
        tally.connection()
        with contextlib.suppress(OSError, TimeoutError):
            async with asyncio.timeout(5):
                _, writer = await asyncio.open_connection(host, port, ssl=ctx)
            try:
                hello = Hello(
                    Role.BUYER,
                    int(time.time() * 1000),
                    bytes.fromhex(hostile.fingerprint),
                    os.urandom(16),
                    bytes(16),
                    500,
                )
                writer.write(encode(hello_frame(hello, 0)))
                while True:
                    writer.write(junk * 16)
                    await writer.drain()
                    tally.sent(len(junk) * 16)
            except OSError:
                pass
            finally:
                writer.transport.abort()
        await asyncio.sleep(0.01)


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
