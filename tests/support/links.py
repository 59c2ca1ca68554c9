"""In-process peer links for unit tests of the node runtime.

:func:`link_pair` gives two :class:`MemoryLink` ends that satisfy
:class:`gridnode.node.links.Link`: a payload sent on one comes out of the other as a
:class:`~gridnode.peer.link.Message` with the sender's seq, in order, exactly once, and
:meth:`LinkPair.set_up` raises LinkUp or LinkDown on both ends. While the pair is down,
payloads wait (as a real link's outbox keeps them) and are delivered when it comes back.
:meth:`LinkPair.cut` breaks the wire with only one end noticing (a black hole: the other
end notices later, :meth:`LinkPair.notice`, or never). Given a clock and an expiry, an end
that stays down that long reports :class:`~gridnode.peer.link.LinkExpired`, as
:class:`~gridnode.peer.link.PeerLink` does after ``session_expiry_s``.
:class:`MemoryDialer` and :class:`MemoryListener` stand in for the buyer's client and the
seller's server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from gridnode.clock import Clock
from gridnode.peer.errors import CloseCode
from gridnode.peer.link import LinkDown, LinkEvent, LinkExpired, LinkUp, Message


class MemoryLink:
    def __init__(
        self, name: str, clock: Clock | None = None, expiry_s: float | None = None
    ) -> None:
        """``clock`` and ``expiry_s``: report LinkExpired after this end has been down
        ``expiry_s`` (none without them)."""
        self.name = name
        self.peer: MemoryLink | None = None
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self._up = False
        #: the wire between the ends carries payloads (False: cut, noticed or not)
        self.wire_ok = True
        self._clock = clock
        self._expiry_s = expiry_s
        self._expiry: asyncio.Task[None] | None = None
        self._next_seq = 1
        #: payloads sent while down, delivered when the link comes up
        self._waiting: list[tuple[int, bytes]] = []
        self.sent: list[bytes] = []
        #: every seq the node marked consumed, in order
        self.consumed_seqs: list[int] = []
        #: how far the two clocks may differ (the node's link setting)
        self.skew_limit_s = 5.0
        #: why the node dropped the connection, each time
        self.dropped: list[str] = []

    @property
    def up(self) -> bool:
        return self._up

    def send(self, payload: bytes) -> int:
        seq = self._next_seq
        self._next_seq += 1
        self.sent.append(payload)
        if self._up and self.wire_ok and self.peer is not None and self.peer._up:
            self.peer.events.put_nowait(Message(self.name, seq, payload))
        else:
            self._waiting.append((seq, payload))
        return seq

    async def next_event(self) -> LinkEvent:
        return await self.events.get()

    def consumed(self, seq: int) -> None:
        self.consumed_seqs.append(seq)

    @property
    def clock_skew_limit_s(self) -> float:
        return self.skew_limit_s

    def drop(self, reason: str) -> None:
        """The node dropped the connection (the clocks disagree): both ends go down
        until the test brings the pair up again."""
        self.dropped.append(reason)
        for end in (self, self.peer):
            if end is not None:
                end._set_up(False)

    def _set_up(self, up: bool) -> None:
        if up == self._up:
            return
        self._up = up
        if up:
            if self._expiry is not None:
                self._expiry.cancel()
                self._expiry = None
            self.events.put_nowait(LinkUp(self.name))
            self._flush()
        else:
            self.events.put_nowait(LinkDown(self.name, CloseCode.NORMAL, "cut by the test"))
            if self._clock is not None and self._expiry_s is not None:
                self._expiry = asyncio.get_running_loop().create_task(
                    self._expire(self._clock, self._expiry_s)
                )

    def _flush(self) -> None:
        """Deliver what waits, once both ends are up and the wire carries."""
        peer = self.peer
        if peer is None or not (self._up and peer._up and self.wire_ok):
            return
        for seq, payload in self._waiting:
            peer.events.put_nowait(Message(self.name, seq, payload))
        self._waiting.clear()

    async def _expire(self, clock: Clock, expiry_s: float) -> None:
        await clock.sleep(expiry_s)
        self._expiry = None
        if not self._up:
            self.events.put_nowait(LinkExpired(self.name, expiry_s))


@dataclass
class LinkPair:
    seller: MemoryLink
    buyer: MemoryLink

    def set_up(self, up: bool) -> None:
        """Bring both ends up (LinkUp on each, waiting payloads delivered) or down."""
        for end in (self.seller, self.buyer):
            end.wire_ok = up
        self.seller._set_up(up)
        self.buyer._set_up(up)
        if up:
            self.seller._flush()
            self.buyer._flush()

    def cut(self, noticed_by: str) -> None:
        """Break the wire with only one end (``"seller"`` or ``"buyer"``) noticing now: a
        black hole or a partition its heartbeats found first. Nothing passes either way
        until :meth:`set_up`; the other end's sends wait, as in a real link's outbox."""
        for end in (self.seller, self.buyer):
            end.wire_ok = False
        self.notice(noticed_by)

    def notice(self, side: str) -> None:
        """The ``side`` end notices the cut (LinkDown there; its expiry starts)."""
        self._end(side)._set_up(False)

    def _end(self, side: str) -> MemoryLink:
        if side not in ("seller", "buyer"):
            raise ValueError(f"no {side!r} end: name 'seller' or 'buyer'")
        return self.seller if side == "seller" else self.buyer


def link_pair(
    seller_end: str = "buyer",
    buyer_end: str = "seller",
    *,
    clock: Clock | None = None,
    expiry_s: float | None = None,
) -> LinkPair:
    """A seller's end (named for its buyer) and a buyer's end (named for its seller);
    with ``clock`` and ``expiry_s`` each end reports LinkExpired after that long down."""
    seller = MemoryLink(seller_end, clock, expiry_s)
    buyer = MemoryLink(buyer_end, clock, expiry_s)
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
