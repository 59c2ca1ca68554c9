"""The buyer's side: connect to the one pinned seller, reconnect with backoff, resume.

The link (and its outbox) outlives every connection: a reconnect resends what the seller
has not acknowledged and skips what we already received, so the session above sees
ordered, exactly-once payloads and a LinkDown / LinkUp pair.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Callable
from pathlib import Path

from gridnode.identity import NodeIdentity, Role, fingerprint_of_certificate
from gridnode.peer.connection import Connection
from gridnode.peer.errors import FingerprintMismatchError, PeerLinkError
from gridnode.peer.fetch import fetch_certificate
from gridnode.peer.link import PeerLink
from gridnode.peer.outbox import Outbox, outbox_path
from gridnode.peer.settings import LinkSettings
from gridnode.peer.tls import PinnedPeer, check_peer, client_context

log = logging.getLogger("gridnode.peer")


class BuyerClient:
    """Keeps one link to the seller up for as long as it runs."""

    def __init__(
        self,
        identity: NodeIdentity,
        seller: PinnedPeer,
        host: str,
        port: int,
        store_dir: Path,
        settings: LinkSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings or LinkSettings()
        self.host = host
        self.port = port
        self.seller = seller
        self._context = client_context(identity, seller)
        outbox = Outbox(
            outbox_path(store_dir, seller.fingerprint),
            synchronous=self.settings.outbox_synchronous,
        )
        self.link = PeerLink(identity, Role.BUYER, seller, outbox, self.settings, clock)
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._paused = False
        self.attempts = 0
        self.last_error: str | None = None

    def stopped(self) -> bool:
        """True once close() was called."""
        return self._closing

    def start(self) -> None:
        """Start connecting in the background; events arrive on ``self.link``."""
        self._task = asyncio.create_task(self._run(), name=f"buyer-link {self.seller.name}")

    def pause(self, reason: str) -> None:
        """Close the connection cleanly (the seller reads ``reason``) and stop dialling
        until :meth:`resume`; the link and its store stay, so nothing is lost."""
        self._paused = True
        self.link.close(reason)

    def resume(self) -> None:
        """Dial the seller again after :meth:`pause`."""
        if self._closing or not self._paused:
            return
        self._paused = False
        self.link.reopen()
        if self._task is None or self._task.done():
            self.start()

    def _halted(self) -> bool:
        return self._closing or self._paused

    async def close(self) -> None:
        """Close the link cleanly and stop reconnecting."""
        self._closing = True
        self.link.close("the buyer is shutting down")
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), self.settings.close_grace_s * 2)
            except TimeoutError:
                self._task.cancel()
            except asyncio.CancelledError:
                pass
            await asyncio.gather(self._task, return_exceptions=True)
        self.link.close_store()

    async def connect_once(self) -> None:
        """One connection: TLS, fingerprint check, hello, then serve until it ends."""
        self.attempts += 1
        try:
            async with asyncio.timeout(self.settings.handshake_timeout_s + 1):
                reader, writer = await asyncio.open_connection(
                    self.host,
                    self.port,
                    ssl=self._context,
                    ssl_handshake_timeout=self.settings.handshake_timeout_s,
                )
        except ssl.SSLCertVerificationError as exc:
            presented = await self._probe_fingerprint()
            raise FingerprintMismatchError(
                presented, [self.seller.fingerprint], f"TLS: {exc.verify_message}"
            ) from exc
        connection = Connection(
            reader, writer, self.settings, f"{self.seller.name}@{self.host}:{self.port}"
        )
        try:
            check_peer(connection.ssl_object, {self.seller.fingerprint: self.seller})
        except FingerprintMismatchError:
            writer.transport.abort()
            raise
        await self.link.serve(connection)

    async def _run(self) -> None:
        delay = self.settings.reconnect_initial_s
        while not self._halted():
            try:
                await self.connect_once()
                delay = self.settings.reconnect_initial_s
                self.last_error = None
            except (PeerLinkError, OSError, TimeoutError, EOFError) as exc:
                self.last_error = str(exc) or type(exc).__name__
                log.warning(
                    "peer %s: cannot reach the seller at %s:%d: %s; retrying in %.1f s",
                    self.seller.name,
                    self.host,
                    self.port,
                    self.last_error,
                    delay,
                    extra={"peer": self.seller.name},
                )
            if self._halted():
                return
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self.settings.reconnect_max_s)

    async def _probe_fingerprint(self) -> str | None:
        """Fetch the key the seller presents, only to name it in the log line."""
        try:
            certificate = await fetch_certificate(
                self.host, self.port, self.settings.handshake_timeout_s
            )
        except PeerLinkError:
            return None
        return fingerprint_of_certificate(certificate)
