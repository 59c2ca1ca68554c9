"""A load generator for the peer link: many buyers echoing through one seller, under flood.

Used by the soak test (tests/integration/peer/test_many_buyers.py) and by
scripts/bench_peer.py, and useful on a real Pi (from a checkout: it is not shipped in the
wheel) to see how many buyers it carries. The
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
import multiprocessing as mp
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from bench.loadflood import flood_main
from gridnode.identity import CERT_FILE, Role, create_identity, load_certificate, load_identity
from gridnode.peer.client import BuyerClient
from gridnode.peer.link import LinkDown, Message, PeerLink
from gridnode.peer.server import SellerServer
from gridnode.peer.settings import LinkSettings
from gridnode.peer.tls import PinnedPeer

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
    seller_process: bool = False
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
    seller_process: bool = False,
) -> LoadReport:
    """Run the load for ``duration_s`` and report the round trips.

    With ``seller_process`` the seller runs in a child process of its own (as on its
    own Pi), so the figures separate the seller's work from the buyers'.
    """
    seller_id = create_identity(work_dir / "seller", Role.SELLER)
    buyer_ids = [create_identity(work_dir / f"buyer{i}", Role.BUYER) for i in range(buyers)]
    hostile_id = create_identity(work_dir / "hostile", Role.BUYER)
    seller: _InProcessSeller | _ChildSeller = (
        _ChildSeller(work_dir, buyers, settings)
        if seller_process
        else _InProcessSeller(work_dir, buyers, settings)
    )
    host, port = await seller.start()
    seller_pin = PinnedPeer.of("seller", seller_id.certificate)
    clients = [
        BuyerClient(b, seller_pin, host, port, work_dir / f"store{i}", settings)
        for i, b in enumerate(buyer_ids)
    ]
    report = LoadReport(
        buyers=buyers, duration_s=duration_s, flood=flood, seller_process=seller_process
    )
    stats = [_BuyerStats() for _ in clients]
    heartbeat_rtts: list[float] = []
    lags: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    flooder: BaseProcess | None = None
    counters: Any = None
    try:
        for client in clients:
            client.start()
        await asyncio.gather(*(_wait_up(c.link) for c in clients))
        if flood:
            spawn = mp.get_context("spawn")
            counters = spawn.Array("q", 2)
            flooder = spawn.Process(
                target=flood_main,
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
            # read past the array's lock: a flooder terminated while holding it would
            # hold it for good (a loaded machine once hung the suite's run here)
            raw = counters.get_obj()
            report.flood_connections, report.flood_bytes = raw[0], raw[1]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in clients:
            await client.close()
        report.seller_refusals = seller.refused()
        await seller.close()
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


def _seller_server(work_dir: Path, buyers: int, settings: LinkSettings) -> SellerServer:
    pins = [
        PinnedPeer.of(f"buyer{i}", load_certificate(work_dir / f"buyer{i}" / CERT_FILE))
        for i in range(buyers)
    ]
    pins.append(PinnedPeer.of("hostile", load_certificate(work_dir / "hostile" / CERT_FILE)))
    identity = load_identity(work_dir / "seller")
    return SellerServer(identity, pins, work_dir / "seller-store", settings)


def _seller_app(server: SellerServer, buyers: int) -> list[asyncio.Task[None]]:
    """The seller's application: echo each buyer, drain the hostile one."""
    tasks = [asyncio.create_task(_echo(server.link(f"buyer{i}"))) for i in range(buyers)]
    tasks.append(asyncio.create_task(_drain(server.link("hostile"))))
    return tasks


class _InProcessSeller:
    def __init__(self, work_dir: Path, buyers: int, settings: LinkSettings) -> None:
        self._server = _seller_server(work_dir, buyers, settings)
        self._buyers = buyers
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> tuple[str, int]:
        address = await self._server.start()
        self._tasks = _seller_app(self._server, self._buyers)
        return address

    def refused(self) -> int:
        return self._server.refused

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.close()


class _ChildSeller:
    def __init__(self, work_dir: Path, buyers: int, settings: LinkSettings) -> None:
        spawn = mp.get_context("spawn")
        self._ports: Any = spawn.Queue()
        self._refused: Any = spawn.Value("q", 0)
        self._process = spawn.Process(
            target=_seller_main,
            args=(str(work_dir), buyers, settings, self._ports, self._refused),
            daemon=True,
        )

    async def start(self) -> tuple[str, int]:
        self._process.start()
        host, port = await asyncio.to_thread(self._ports.get, True, 30)
        return str(host), int(port)

    def refused(self) -> int:
        return int(self._refused.value)

    async def close(self) -> None:
        self._process.terminate()
        await asyncio.to_thread(self._process.join, 5)


def _seller_main(
    work_dir: str, buyers: int, settings: LinkSettings, ports: Any, refused: Any
) -> None:
    """The seller's child process: serve and echo until terminated."""

    async def serve() -> None:
        server = _seller_server(Path(work_dir), buyers, settings)
        ports.put(await server.start())
        _seller_app(server, buyers)
        while True:
            await asyncio.sleep(0.2)
            refused.value = server.refused

    asyncio.run(serve())


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


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
