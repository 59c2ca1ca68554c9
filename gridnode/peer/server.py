"""The seller's side: one listening socket, one :class:`PeerLink` per pinned buyer.

Each accepted socket gets its own task: the TLS handshake (with a timeout), the explicit
fingerprint check, the hello, then the connection's own reader, writer and heartbeat
tasks. Nothing one connection does can block another: there is no shared lock and no
await on another connection's I/O. Refusals are logged with the peer's address and
both fingerprints where TLS lets us see them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from gridnode.identity import NodeIdentity, Role
from gridnode.peer.connection import Connection
from gridnode.peer.errors import FingerprintMismatchError, PeerLinkError, describe_pins
from gridnode.peer.link import PeerLink
from gridnode.peer.outbox import Outbox, outbox_path
from gridnode.peer.settings import LinkSettings
from gridnode.peer.tls import PinnedPeer, check_peer, server_context

log = logging.getLogger("gridnode.peer")


class RefusalLog:
    """Logs refused connections, at most one line per source host per interval.

    A flooder must not be able to fill the Pi's SD card with log lines: further refusals
    from the same host are counted and the count goes on its next line.
    """

    def __init__(
        self, interval_s: float = 10.0, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval_s = interval_s
        self._monotonic = monotonic
        self._last: dict[str, tuple[float, int]] = {}

    def refused(self, address: str, sentence: str) -> None:
        host = address.rsplit(":", 1)[0]
        now = self._monotonic()
        last, suppressed = self._last.get(host, (-self.interval_s, 0))
        if now - last < self.interval_s:
            self._last[host] = (last, suppressed + 1)
            return
        if len(self._last) > 10_000:
            self._last.clear()
        self._last[host] = (now, 0)
        more = f" [{suppressed} more refusals from {host} not logged]" if suppressed else ""
        log.warning("peer link: refused %s: %s%s", address, sentence, more)


class SellerServer:
    """Serves many pinned buyers at once."""

    def __init__(
        self,
        identity: NodeIdentity,
        buyers: Sequence[PinnedPeer],
        store_dir: Path,
        settings: LinkSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self.settings = settings or LinkSettings()
        self._store_dir = store_dir
        self._clock = clock
        self._pinned = {b.fingerprint: b for b in buyers}
        self._context = server_context(identity, buyers)
        self.links: dict[str, PeerLink] = {b.fingerprint: self._make_link(b) for b in buyers}
        self._retired: list[PeerLink] = []
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self.refused = 0
        self._pending: dict[str, int] = {}
        self._pending_total = 0
        self.refusals = RefusalLog()

    def update_buyers(self, buyers: Sequence[PinnedPeer]) -> list[PeerLink]:
        """Pin a new set of buyers without a restart (a restart would switch every
        tenant's relay off until its session is proven paid up again).

        New connections are checked against the new set at once. Links of buyers still
        pinned are untouched, connected or not; removed buyers are disconnected with a
        sentence. Returns the links of the buyers added.
        """
        wanted = {b.fingerprint: b for b in buyers}
        self._context = server_context(self.identity, buyers)
        self._pinned = wanted
        added = [self._make_link(b) for fp, b in wanted.items() if fp not in self.links]
        for link in added:
            self.links[link.peer.fingerprint] = link
            if self._server is not None:
                link.arm_expiry()
        removed = [fp for fp in self.links if fp not in wanted]
        for fp in removed:
            link = self.links.pop(fp)
            link.close("this seller no longer sells to this buyer")
            self._retired.append(link)  # its store closes with the server
        log.info(
            "seller now pins %d buyers (%d added, %d removed)",
            len(wanted),
            len(added),
            len(removed),
        )
        return added

    def _make_link(self, buyer: PinnedPeer) -> PeerLink:
        outbox = Outbox(
            outbox_path(self._store_dir, buyer.fingerprint),
            synchronous=self.settings.outbox_synchronous,
        )
        return PeerLink(self.identity, Role.SELLER, buyer, outbox, self.settings, self._clock)

    def link(self, name_or_fingerprint: str) -> PeerLink:
        """The link to one buyer, by its configured name or fingerprint."""
        if name_or_fingerprint in self.links:
            return self.links[name_or_fingerprint]
        for link in self.links.values():
            if link.peer.name == name_or_fingerprint:
                return link
        raise KeyError(name_or_fingerprint)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Listen; return the bound address (port 0 picks a free port)."""
        self._server = await asyncio.start_server(self._accept, host, port)
        for link in self.links.values():
            link.arm_expiry()
        sockname = self._server.sockets[0].getsockname()
        log.info(
            "seller listening on %s:%d for %d buyers", sockname[0], sockname[1], len(self.links)
        )
        return str(sockname[0]), int(sockname[1])

    async def close(self) -> None:
        """Close every link cleanly (CLOSE frames), then stop listening."""
        if self._server is not None:
            self._server.close()
        for link in self.links.values():
            link.close("the seller is shutting down")
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=self.settings.close_grace_s * 2)
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        for link in [*self.links.values(), *self._retired]:
            link.close_store()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        address = _address(writer)
        try:
            await self._serve_socket(reader, writer, address)
        except asyncio.CancelledError:
            writer.transport.abort()
            raise
        except Exception:
            log.exception("peer link: unexpected error serving %s", address)
            writer.transport.abort()
        finally:
            self._handlers.discard(task)

    async def _serve_socket(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, address: str
    ) -> None:
        host = address.rsplit(":", 1)[0]
        if (
            self._pending_total >= self.settings.max_pending_handshakes
            or self._pending.get(host, 0) >= self.settings.max_pending_handshakes_per_host
        ):
            # Bounded so a flood of silent sockets cannot take every file descriptor
            # (the meter's serial port and the ledger need theirs).
            self.refused += 1
            self.refusals.refused(
                address,
                f"too many unfinished handshakes ({self._pending.get(host, 0)} from this "
                f"host, {self._pending_total} in all)",
            )
            writer.transport.abort()
            return
        self._pending[host] = self._pending.get(host, 0) + 1
        self._pending_total += 1
        try:
            ready = await self._handshake(writer, address)
        finally:
            self._pending_total -= 1
            self._pending[host] -= 1
            if not self._pending[host]:
                del self._pending[host]
        if ready:
            await self._serve_link(reader, writer, address)

    async def _handshake(self, writer: asyncio.StreamWriter, address: str) -> bool:
        """TLS; True if it completed (else the refusal is logged and the socket gone)."""
        try:
            # Not asyncio.wait_for: it runs start_tls in another task, which breaks the
            # stream's TLS upgrade on Python 3.11 (the handshake never completes).
            async with asyncio.timeout(self.settings.handshake_timeout_s + 1):
                await writer.start_tls(
                    self._context, ssl_handshake_timeout=self.settings.handshake_timeout_s
                )
        except (ssl.SSLError, OSError, TimeoutError, EOFError) as exc:
            self.refused += 1
            reason = explain_tls_failure(exc, self.settings.handshake_timeout_s)
            pins = describe_pins(sorted(self._pinned))
            self.refusals.refused(
                address, f"TLS handshake failed: {reason} (pinned buyers: {pins})"
            )
            writer.transport.abort()
            return False
        return True

    async def _serve_link(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, address: str
    ) -> None:
        connection = Connection(reader, writer, self.settings, address)
        try:
            buyer = check_peer(connection.ssl_object, self._pinned)
        except FingerprintMismatchError as exc:
            self.refused += 1
            self.refusals.refused(address, str(exc))
            writer.transport.abort()
            return
        link = self.links[buyer.fingerprint]
        connection.label = f"{buyer.name}@{address}"
        try:
            await link.serve(connection)
        except PeerLinkError as exc:
            self.refused += 1
            self.refusals.refused(address, f"{buyer.name} did not get past the hello: {exc}")


def explain_tls_failure(exc: BaseException, timeout_s: float) -> str:
    """A sentence for a failed TLS handshake, naming the likely cause."""
    text = str(exc)
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, ConnectionAbortedError) and "longer" in text
    ):
        return f"no TLS handshake within {timeout_s:g} s (a silent or very slow client)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its certificate is not one this node pins ({exc.verify_message})"
    upper = text.upper()
    if "CERTIFICATE_REQUIRED" in upper or "PEER DID NOT RETURN A CERTIFICATE" in upper:
        return "it presented no client certificate"
    if "WRONG_VERSION_NUMBER" in upper or "HTTP_REQUEST" in upper:
        return f"it is not speaking TLS ({text})"
    if "UNSUPPORTED_PROTOCOL" in upper or "VERSION" in upper:
        return f"it does not speak TLS 1.3 ({text})"
    return text or type(exc).__name__


def _address(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    with contextlib.suppress(TypeError, IndexError):
        return f"{peer[0]}:{peer[1]}"
    return str(peer)
