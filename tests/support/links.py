"""In-process peer links for unit tests of the node runtime.

:func:`link_pair` gives two :class:`MemoryLink` ends that satisfy
:class:`gridnode.node.links.Link`: a payload sent on one comes out of the other as a
:class:`~gridnode.peer.link.Message` with the sender's seq, in order, exactly once, and
:meth:`LinkPair.set_up` raises LinkUp or LinkDown on both ends. While the pair is down,
payloads wait (as a real link's outbox keeps them) and are delivered when it comes back.
:class:`MemoryDialer` and :class:`MemoryListener` stand in for the buyer's client and the
seller's server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from gridnode.peer.errors import CloseCode
from gridnode.peer.link import LinkDown, LinkEvent, LinkUp, Message


class MemoryLink:
    def __init__(self, name: str) -> None:
        self.name = name
        self.peer: MemoryLink | None = None
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self._up = False
        self._next_seq = 1
        #: payloads sent while down, delivered when the link comes up
        self._waiting: list[tuple[int, bytes]] = []
        self.sent: list[bytes] = []
        #: every seq the node marked consumed, in order
        self.consumed_seqs: list[int] = []

    @property
    def up(self) -> bool:
        return self._up

    def send(self, payload: bytes) -> int:
        seq = self._next_seq
        self._next_seq += 1
        self.sent.append(payload)
        if self._up and self.peer is not None:
            self.peer.events.put_nowait(Message(self.name, seq, payload))
        else:
            self._waiting.append((seq, payload))
        return seq

    async def next_event(self) -> LinkEvent:
        return await self.events.get()

    def consumed(self, seq: int) -> None:
        self.consumed_seqs.append(seq)

    def _set_up(self, up: bool) -> None:
        if up == self._up:
            return
        self._up = up
        if up:
            self.events.put_nowait(LinkUp(self.name))
            assert self.peer is not None
            for seq, payload in self._waiting:
                self.peer.events.put_nowait(Message(self.name, seq, payload))
            self._waiting.clear()
        else:
            self.events.put_nowait(LinkDown(self.name, CloseCode.NORMAL, "cut by the test"))


@dataclass
class LinkPair:
    seller: MemoryLink
    buyer: MemoryLink

    def set_up(self, up: bool) -> None:
        """Bring both ends up (LinkUp on each, waiting payloads delivered) or down."""
        self.seller._set_up(up)
        self.buyer._set_up(up)


def link_pair(seller_end: str = "buyer", buyer_end: str = "seller") -> LinkPair:
    """A seller's end (named for its buyer) and a buyer's end (named for its seller)."""
    seller, buyer = MemoryLink(seller_end), MemoryLink(buyer_end)
    seller.peer, buyer.peer = buyer, seller
    return LinkPair(seller, buyer)


@dataclass
class MemoryDialer:
    """A buyer's client over a :class:`MemoryLink`: starting it brings the pair up."""

    pair: LinkPair
    host: str = "seller.test"
    port: int = 7878
    started: bool = False
    closed: bool = False
    paused: bool = False

    @property
    def link(self) -> MemoryLink:
        return self.pair.buyer

    def start(self) -> None:
        self.started = True
        self.pair.set_up(True)

    def pause(self, reason: str) -> None:
        self.paused = True
        self.pair.set_up(False)

    def resume(self) -> None:
        self.paused = False
        self.pair.set_up(True)

    async def close(self) -> None:
        self.closed = True
        self.pair.set_up(False)


@dataclass
class MemoryListener:
    """A seller's server: nothing to listen on; it reports an address."""

    started: list[tuple[str, int]] = field(default_factory=list)
    closed: bool = False

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        self.started.append((host, port))
        return host, port or 7878

    async def close(self) -> None:
        self.closed = True
