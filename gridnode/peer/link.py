"""Delivery to one peer across connections: ordered, exactly-once payloads, and events.

A :class:`PeerLink` outlives its connections. ``send`` stores the payload in the peer's
outbox (:mod:`gridnode.peer.outbox`) and writes it if the link is up; after every
(re)connection the hellos tell each side how far the other has received, and everything
above that is resent in order. Incoming DATA frames below the receive point are
duplicates and are dropped (and acknowledged again); a gap is a protocol error.

The upper layer reads :meth:`PeerLink.next_event`: :class:`LinkUp`, :class:`Message`
(payload with its seq, in order, once), :class:`LinkDown` with a reason, and
:class:`LinkExpired` when the link stayed down for ``session_expiry_s``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gridnode.identity import NodeIdentity, Role
from gridnode.peer.connection import Connection
from gridnode.peer.errors import (
    CloseCode,
    FrameTooLargeError,
    HelloRefusedError,
    MalformedFrameError,
    OutboxFullError,
    PeerLinkError,
)
from gridnode.peer.frames import HEADER, PREFIX, Frame, FrameKind, Hello
from gridnode.peer.handshake import exchange_hello
from gridnode.peer.outbox import Outbox
from gridnode.peer.settings import LinkSettings
from gridnode.peer.tls import PinnedPeer

log = logging.getLogger("gridnode.peer")


@dataclass(frozen=True)
class LinkUp:
    """The link to ``peer`` is up; unacknowledged payloads have been resent."""

    peer: str


@dataclass(frozen=True)
class LinkDown:
    """The link to ``peer`` went down; payloads sent now wait in the outbox."""

    peer: str
    code: CloseCode
    reason: str


@dataclass(frozen=True)
class LinkExpired:
    """The link has been down for ``session_expiry_s``: time to close the session."""

    peer: str
    down_for_s: float


@dataclass(frozen=True)
class Message:
    """One payload from the peer, in order, exactly once. ``seq`` is the peer's.

    ``redelivered``: handed up before a restart and not marked consumed since (only with
    ``keep_until_consumed``); the application skips it if it already applied ``seq``.
    """

    peer: str
    seq: int
    payload: bytes
    redelivered: bool = False


LinkEvent = LinkUp | LinkDown | LinkExpired | Message


class PeerLink:
    """This node's side of the link with one pinned peer."""

    def __init__(
        self,
        identity: NodeIdentity,
        role: Role,
        peer: PinnedPeer,
        outbox: Outbox,
        settings: LinkSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self.role = role
        self.peer = peer
        self.settings = settings
        self._outbox = outbox
        self._clock = clock
        self._events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self._connection: Connection | None = None
        self._unacked = outbox.pending_count()
        self._unacked_bytes = outbox.pending_bytes()
        self._acked_seq = 0
        self._expiry: asyncio.TimerHandle | None = None
        self._down_since = time.monotonic()
        self._max_payload = settings.max_frame_bytes - HEADER.size - PREFIX.size
        self._max_backlog = settings.max_backlog_events
        self._room = asyncio.Event()
        self._room.set()
        self._closed = False
        self._close_reason = ""
        self._keep = settings.keep_until_consumed
        if self._keep:
            for seq, payload in outbox.unconsumed():
                self._events.put_nowait(Message(peer.name, seq, payload, redelivered=True))

    @property
    def up(self) -> bool:
        return self._connection is not None

    @property
    def unacknowledged(self) -> int:
        """Payloads sent but not yet acknowledged by the peer."""
        return self._unacked

    @property
    def rtt_s(self) -> float | None:
        """The last heartbeat round trip, when connected."""
        return self._connection.rtt_s if self._connection is not None else None

    async def next_event(self) -> LinkEvent:
        event = await self._events.get()
        self._after_get()
        return event

    def event_nowait(self) -> LinkEvent | None:
        try:
            event = self._events.get_nowait()
        except asyncio.QueueEmpty:
            return None
        self._after_get()
        return event

    @property
    def backlog(self) -> int:
        """Events waiting for the application."""
        return self._events.qsize()

    async def wait_for_room(self) -> None:
        await self._room.wait()

    def _after_get(self) -> None:
        if not self._room.is_set() and self._events.qsize() <= self._max_backlog // 2:
            self._room.set()

    def send(self, payload: bytes) -> int:
        """Store ``payload`` for the peer and send it if the link is up; return its seq.

        It is delivered exactly once, in order, however often the link drops.
        """
        if len(payload) > self._max_payload:
            raise FrameTooLargeError(
                f"A payload of {len(payload)} bytes exceeds the link's limit of "
                f"{self._max_payload} bytes."
            )
        if (
            self._unacked >= self.settings.outbox_max_messages
            or self._unacked_bytes + len(payload) > self.settings.outbox_max_bytes
        ):
            raise OutboxFullError(
                f"{self._unacked} messages ({self._unacked_bytes} bytes) to {self.peer.name} "
                f"wait for acknowledgement (limits {self.settings.outbox_max_messages} "
                f"messages, {self.settings.outbox_max_bytes} bytes); the peer is not "
                "keeping up or has been away too long."
            )
        seq = self._outbox.append(payload)
        self._unacked += 1
        self._unacked_bytes += len(payload)
        if self._connection is not None:
            self._connection.send(Frame(FrameKind.DATA, seq, 0, payload))
        return seq

    def consumed(self, seq: int) -> None:
        """The application has durably applied every payload up to ``seq`` (with
        ``keep_until_consumed``; otherwise there is nothing to do)."""
        if self._keep:
            self._outbox.consumed(seq)

    def close(self, reason: str = "the node is shutting down") -> None:
        """Close the current connection cleanly (the peer sees a CLOSE with ``reason``)."""
        self._closed = True
        self._close_reason = reason
        if self._connection is not None:
            self._connection.close(CloseCode.NORMAL, reason)
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None  # or, reopened, a link that goes down never expires

    @property
    def clock_skew_limit_s(self) -> float:
        return self.settings.max_clock_skew_s

    def drop(self, reason: str) -> None:
        """Close the current connection as the clocks disagree (the session saw it in a
        reading); the link connects again, and the next hello checks the clocks."""
        if self._connection is not None:
            self._connection.close(CloseCode.CLOCK_SKEW, reason)

    def reopen(self) -> None:
        """Accept connections again after :meth:`close` (a buyer resuming after a pause)."""
        self._closed = False
        self._close_reason = ""

    def close_store(self) -> None:
        self._outbox.close()

    async def serve(self, connection: Connection) -> None:
        """Run the hello, then the connection, until it ends. Never raises PeerLinkError."""
        expected_role = Role.BUYER if self.role is Role.SELLER else Role.SELLER
        mine = self.make_hello()
        try:
            theirs = await exchange_hello(
                connection,
                mine,
                self._outbox.received_seq,
                expected_role=expected_role,
                expected_fingerprint=self.peer.fingerprint,
                clock=self._clock,
            )
        except HelloRefusedError as exc:
            log.warning("peer %s: refused: %s", self.peer.name, exc, extra={"peer": self.peer.name})
            connection.close(exc.code, str(exc))
            await connection.run(self)
            raise
        except (PeerLinkError, EOFError, OSError) as exc:
            await connection.shutdown()
            raise _as_link_error(exc) from exc
        self.attach(connection, theirs.hello, theirs.ack_seq)
        try:
            code, reason = await connection.run(self)
        except asyncio.CancelledError:
            connection.abort()
            self.detach(connection, CloseCode.NORMAL, "the node stopped serving this link")
            raise
        self.detach(connection, code, reason)

    def make_hello(self) -> Hello:
        """Our hello: who we are, our clock, our stream and how far we have theirs."""
        return Hello(
            role=self.role,
            clock_ms=int(self._clock() * 1000),
            fingerprint=bytes.fromhex(self.identity.fingerprint),
            stream_id=self._outbox.stream_id,
            ack_stream_id=self._outbox.peer_stream_id,
            heartbeat_ms=int(self.settings.heartbeat_interval_s * 1000),
        )

    # FrameSink

    def received_seq(self) -> int:
        return self._outbox.received_seq

    def on_frame(self, connection: Connection, frame: Frame) -> None:
        if connection is not self._connection:
            return  # a replaced connection winding down
        self._on_ack(frame.ack_seq)
        if frame.kind is FrameKind.DATA:
            expected = self._outbox.received_seq + 1
            if expected == 1 and frame.seq > 1:
                # Nothing received on this stream yet, and the peer's oldest unacknowledged
                # payload is above 1: this node lost its store after acknowledging the
                # earlier ones. Those are gone with it; start from here instead of
                # refusing the stream forever.
                log.warning(
                    "peer %s: their stream resumes at seq %d but this node has no record "
                    "of seq 1 to %d (its link store was lost or replaced)",
                    self.peer.name,
                    frame.seq,
                    frame.seq - 1,
                    extra={"peer": self.peer.name},
                )
                expected = frame.seq
            if frame.seq > expected:
                raise MalformedFrameError(
                    f"DATA seq {frame.seq} arrived while {expected} was expected: a gap."
                )
            if frame.seq == expected:
                self._outbox.mark_received(frame.seq, frame.body if self._keep else None)
                self._events.put_nowait(Message(self.peer.name, frame.seq, frame.body))
                if self._events.qsize() >= self._max_backlog and self._room.is_set():
                    self._room.clear()
                    log.warning(
                        "peer %s: the application is %d events behind; reading from the "
                        "peer pauses until it catches up",
                        self.peer.name,
                        self._events.qsize(),
                        extra={"peer": self.peer.name},
                    )
            connection.queue_ack()

    def _on_ack(self, ack_seq: int) -> None:
        if ack_seq > self._acked_seq:
            self._acked_seq = ack_seq
            count, size = self._outbox.acknowledge(ack_seq)
            self._unacked -= count
            self._unacked_bytes -= size

    def attach(self, connection: Connection, hello: Hello, ack_seq: int) -> None:
        """Make ``connection`` current after the hellos: resend what the peer lacks."""
        old = self._connection
        if old is not None:
            log.warning(
                "peer %s: a new connection replaces the open one (%s): a dead link not yet "
                "noticed, or two nodes sharing one key",
                self.peer.name,
                old.label,
                extra={"peer": self.peer.name},
            )
            old.close(CloseCode.REPLACED, "the same peer connected again")
        self._outbox.received_from(hello.stream_id)
        if hello.ack_stream_id == self._outbox.stream_id:
            self._on_ack(ack_seq)
        self._connection = connection
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        pending = self._outbox.pending()
        for seq, payload in pending:
            connection.send(Frame(FrameKind.DATA, seq, 0, payload))
        if self._closed:
            # close() came while this connection was still in its hello: end it cleanly.
            connection.close(CloseCode.NORMAL, self._close_reason)
        log.info(
            "peer %s: link up, resent %d unacknowledged, resuming after their seq %d",
            self.peer.name,
            len(pending),
            self._outbox.received_seq,
            extra={"peer": self.peer.name},
        )
        self._events.put_nowait(LinkUp(self.peer.name))

    def detach(self, connection: Connection, code: CloseCode, reason: str) -> None:
        """``connection`` ended; if it was current, the link is down."""
        if connection is not self._connection:
            return
        self._connection = None
        self._down_since = time.monotonic()
        log.info("peer %s: link down: %s", self.peer.name, reason, extra={"peer": self.peer.name})
        self._events.put_nowait(LinkDown(self.peer.name, code, reason))
        self.arm_expiry()

    def arm_expiry(self) -> None:
        """Report LinkExpired if the link is still down ``session_expiry_s`` from now.
        Armed when the link goes down, and by the seller at start-up, so a buyer that
        never comes back after a restart is noticed too."""
        if self._closed or self._connection is not None or self._expiry is not None:
            return
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(self.settings.session_expiry_s, self._expire)

    def _expire(self) -> None:
        self._expiry = None
        if self._connection is None:
            down_for = time.monotonic() - self._down_since
            self._events.put_nowait(LinkExpired(self.peer.name, down_for))


def _as_link_error(exc: BaseException) -> PeerLinkError:
    if isinstance(exc, PeerLinkError):
        return exc
    if isinstance(exc, EOFError):
        return PeerLinkError(
            "The peer hung up during the hello. If this keeps happening, it most likely does "
            "not pin this node's key: compare fingerprints with its owner."
        )
    return PeerLinkError(f"The connection failed during the hello: {exc}")
