"""A TCP fault proxy between a buyer and its seller, on asyncio, in a thread of its own.

Each :class:`FaultProxy` listens on 127.0.0.1 port 0 and forwards every connection to its
target; the drill writes the proxy's address into the buyer's configuration instead of the
seller's. What the link between them does is set at any moment with :meth:`FaultProxy.set`
(from any thread), as the faults a home network gives:

- ``DELAY``: every chunk arrives ``delay_s`` late (order kept);
- ``LOSS``: each chunk is, with probability ``loss``, held back as long as a TCP
  retransmission would take (0.2 to 1 s), order kept: packet loss as the application
  sees it (TCP never hands up a gap);
- ``DROP``: every connection is closed (FIN) now, and each new one after a random 0.5 to
  5 s: a flapping link;
- ``RESET``: the same with RST (a router or NAT that forgets the connection);
- ``BLACK_HOLE``: connections are accepted and stay open, and every byte either way is
  discarded: the peer looks alive to TCP and says nothing, and the stream is broken for
  good once anything was lost;
- ``PARTITION``: nothing passes either way, and nothing is lost: bytes are held and
  delivered when the partition heals (TCP's retransmissions), unless an end gave up on
  the connection meanwhile. New connections are accepted and wait too.

``NONE`` forwards as is. The proxy counts connections and bytes, for the drill's JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import random
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

#: The largest read from either side in one go.
CHUNK = 65_536
#: A TCP retransmission timeout as the application sees it, low and high.
RTO_S = (0.2, 1.0)
#: How long a connection lives under DROP and RESET, low and high.
FLAP_LIFE_S = (0.5, 5.0)


class LinkFault(enum.Enum):
    NONE = "none"
    DELAY = "delay"
    LOSS = "loss"
    DROP = "drop"
    RESET = "reset"
    BLACK_HOLE = "black_hole"
    PARTITION = "partition"


@dataclass(frozen=True, slots=True)
class LinkState:
    """What the link does now."""

    fault: LinkFault = LinkFault.NONE
    delay_s: float = 0.0
    loss: float = 0.0


@dataclass
class ProxyStats:
    connections: int = 0
    bytes_forwarded: int = 0
    bytes_discarded: int = 0
    closed_by_fault: int = 0
    reset_by_fault: int = 0


@dataclass(eq=False)  # kept in a set, by identity
class _Connection:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def close(self, reset: bool) -> None:
        for writer in (self.client, self.server):
            if reset:
                sock = writer.get_extra_info("socket")
                if sock is not None:  # SO_LINGER 0: close() sends RST, not FIN
                    with contextlib.suppress(OSError):
                        sock.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                writer.transport.abort()
            else:
                writer.close()
        for task in self.tasks:
            task.cancel()


class FaultProxy:
    """One proxy to ``target`` (host, port); started on a :class:`ProxyLoop`."""

    def __init__(self, name: str, target: tuple[str, int], seed: int) -> None:
        self.name = name
        self.target = target
        self.state = LinkState()
        self.stats = ProxyStats()
        self.port = 0
        self._rng = random.Random(seed)
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        #: set while bytes may flow (cleared during a partition)
        self._flowing = asyncio.Event()
        self._flowing.set()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.close(reset=False)
        self._connections.clear()

    async def apply(self, state: LinkState) -> None:
        """Change what the link does; DROP and RESET act on the open connections now."""
        self.state = state
        if state.fault is LinkFault.PARTITION:
            self._flowing.clear()
        else:
            self._flowing.set()
        if state.fault in (LinkFault.DROP, LinkFault.RESET):
            for connection in list(self._connections):
                self._cut(connection)

    def _cut(self, connection: _Connection) -> None:
        reset = self.state.fault is LinkFault.RESET
        if reset:
            self.stats.reset_by_fault += 1
        else:
            self.stats.closed_by_fault += 1
        self._connections.discard(connection)
        connection.close(reset)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats.connections += 1
        await self._flowing.wait()  # in a partition, a new connection gets nowhere either
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()  # the seller is down: the buyer sees a refused link
            return
        connection = _Connection(writer, up_writer)
        self._connections.add(connection)
        connection.tasks = [
            asyncio.create_task(self._pump(reader, up_writer, connection)),
            asyncio.create_task(self._pump(up_reader, writer, connection)),
        ]
        if self.state.fault in (LinkFault.DROP, LinkFault.RESET):
            connection.tasks.append(asyncio.create_task(self._flap(connection)))
        await asyncio.gather(*connection.tasks, return_exceptions=True)
        self._connections.discard(connection)
        connection.close(reset=False)

    async def _flap(self, connection: _Connection) -> None:
        await asyncio.sleep(self._rng.uniform(*FLAP_LIFE_S))
        if self.state.fault in (LinkFault.DROP, LinkFault.RESET):
            self._cut(connection)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: _Connection
    ) -> None:
        """Read one direction and hand each chunk to its writer, due when the fault says."""
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        sender = asyncio.create_task(self._send(queue, writer))
        connection.tasks.append(sender)
        loop = asyncio.get_running_loop()
        last_due = 0.0
        try:
            while data := await reader.read(CHUNK):
                state = self.state
                if state.fault is LinkFault.BLACK_HOLE:
                    self.stats.bytes_discarded += len(data)
                    continue
                due = loop.time()
                if state.fault is LinkFault.DELAY:
                    due += state.delay_s
                elif state.fault is LinkFault.LOSS and self._rng.random() < state.loss:
                    due += self._rng.uniform(*RTO_S)
                last_due = max(due, last_due)  # TCP keeps the order
                queue.put_nowait((last_due, data))
        except (ConnectionError, OSError):
            pass
        finally:
            queue.put_nowait(None)
            await asyncio.gather(sender, return_exceptions=True)

    async def _send(
        self, queue: asyncio.Queue[tuple[float, bytes] | None], writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        try:
            while (item := await queue.get()) is not None:
                due, data = item
                await asyncio.sleep(max(0.0, due - loop.time()))
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
                self.stats.bytes_forwarded += len(data)
            await self._flowing.wait()  # an end's FIN is held in a partition too
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            pass


class ProxyLoop:
    """An event loop in a daemon thread that runs the proxies; the drill calls it from
    its own thread."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy")
        self._thread.daemon = True
        self._thread.start()
        self.proxies: dict[str, FaultProxy] = {}

    def _call(self, work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)

    def add(self, name: str, target: str, seed: int) -> FaultProxy:
        """A proxy named ``name`` to ``target`` ("host:port"), listening already."""
        host, port = target.rsplit(":", 1)
        proxy = FaultProxy(name, (host, int(port)), seed)
        self._call(proxy.start())
        self.proxies[name] = proxy
        return proxy

    def set(self, name: str, state: LinkState) -> None:
        self._call(self.proxies[name].apply(state))

    def clear(self, name: str) -> None:
        self.set(name, LinkState())

    def close(self) -> None:
        for proxy in self.proxies.values():
            self._call(proxy.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
