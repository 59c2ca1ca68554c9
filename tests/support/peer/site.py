"""A seller and its pinned buyers on loopback, for the peer link's integration tests:
fast timeouts, and waits for a link's events (the fixtures are in the tier's conftest)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from gridnode.identity import NodeIdentity
from gridnode.peer import BuyerClient, LinkEvent, LinkSettings, PeerLink, PinnedPeer, SellerServer

FAST = LinkSettings(
    handshake_timeout_s=1.0,
    read_timeout_s=0.5,
    heartbeat_interval_s=0.2,
    idle_timeout_s=0.8,
    drain_timeout_s=1.0,
    close_grace_s=0.3,
    reconnect_initial_s=0.05,
    reconnect_max_s=0.3,
    outbox_synchronous="NORMAL",
)

E = TypeVar("E", bound=LinkEvent)


async def expect(link: PeerLink, kind: type[E], within_s: float = 20.0) -> E:
    """The next event of ``kind`` on ``link`` (others before it are skipped); the bound
    only ends a wait for what never comes: a loaded machine may take seconds."""
    async with asyncio.timeout(within_s):
        while True:
            event = await link.next_event()
            if isinstance(event, kind):
                return event


async def wait_until(condition: Callable[[], bool], within_s: float) -> None:
    """Poll observable state until ``condition`` holds; TimeoutError after ``within_s``."""
    async with asyncio.timeout(within_s):
        while not condition():  # noqa: ASYNC110 - polls state owned by the code under test
            await asyncio.sleep(0.01)


@dataclass
class Site:
    """A seller with its pinned buyers, and a way to start buyer clients."""

    root: Path
    seller_id: NodeIdentity
    buyer_ids: list[NodeIdentity]
    settings: LinkSettings
    server: SellerServer | None = None
    host: str = "127.0.0.1"
    port: int = 0
    clients: list[BuyerClient] = field(default_factory=list)

    def pin_seller(self, identity: NodeIdentity | None = None) -> PinnedPeer:
        return PinnedPeer.of("seller", (identity or self.seller_id).certificate)

    async def start_seller(self, *, clock: Callable[[], float] = time.time) -> SellerServer:
        buyers = [PinnedPeer.of(f"buyer{i}", b.certificate) for i, b in enumerate(self.buyer_ids)]
        self.server = SellerServer(
            self.seller_id, buyers, self.root / "seller-store", self.settings, clock=clock
        )
        self.host, self.port = await self.server.start()
        return self.server

    async def start_seller_on(self, port: int) -> SellerServer:
        """A new seller process, as after a restart: same identity, store and port."""
        buyers = [PinnedPeer.of(f"buyer{i}", b.certificate) for i, b in enumerate(self.buyer_ids)]
        self.server = SellerServer(
            self.seller_id, buyers, self.root / "seller-store", self.settings
        )
        self.host, self.port = await self.server.start(self.host, port)
        return self.server

    def buyer(
        self,
        index: int,
        *,
        port: int | None = None,
        seller: PinnedPeer | None = None,
        clock: Callable[[], float] = time.time,
        start: bool = True,
    ) -> BuyerClient:
        client = BuyerClient(
            self.buyer_ids[index],
            seller or self.pin_seller(),
            self.host,
            port or self.port,
            self.root / f"buyer{index}-store",
            self.settings,
            clock=clock,
        )
        self.clients.append(client)
        if start:
            client.start()
        return client
