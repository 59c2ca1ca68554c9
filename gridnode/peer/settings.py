"""Limits and timeouts of the peer link, one documented field each.

The defaults suit a Raspberry Pi on a home LAN or the internet; tests shrink them so a
dead link is noticed in a second. docs/peer-link.md explains how they fit together.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.errors import UsageError
from gridnode.peer.frames import DEFAULT_MAX_FRAME_BYTES


@dataclass(frozen=True)
class LinkSettings:
    """How patient the link is, and how much it holds."""

    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    """Largest frame accepted or sent (header and payload); a bigger length prefix ends the
    connection before any of the frame is read."""

    handshake_timeout_s: float = 10.0
    """Time allowed for the TLS handshake, and again for the exchange of hellos."""

    max_pending_handshakes: int = 256
    """Connections the seller lets sit in the TLS handshake at once; more are closed at
    once (a flood of silent sockets must not take every file descriptor)."""

    max_pending_handshakes_per_host: int = 64
    """The same, from one source address (buyers behind one NAT share it)."""

    read_timeout_s: float = 10.0
    """Time allowed from a frame's first byte to its last (a frame cut in half)."""

    heartbeat_interval_s: float = 5.0
    """How often each side sends a PING when connected."""

    idle_timeout_s: float = 15.0
    """A link on which nothing at all arrives for this long is dead (three missed PINGs)."""

    drain_timeout_s: float = 10.0
    """A peer that does not read our bytes for this long, with the write buffer full, is
    disconnected so it cannot hold memory or delay anyone."""

    write_buffer_bytes: int = 256 * 1024
    """High-water mark of a connection's write buffer; above it writing waits (drains)."""

    close_grace_s: float = 1.0
    """After a CLOSE frame is queued, how long the connection may take to go before it is
    aborted."""

    max_clock_skew_s: float = 5.0
    """Largest difference between the two nodes' clocks; above it the link is refused."""

    reconnect_initial_s: float = 0.5
    """The buyer's first wait before reconnecting; doubles on each failure."""

    reconnect_max_s: float = 30.0
    """The longest wait between the buyer's reconnection attempts."""

    outbox_max_messages: int = 10_000
    """Most payloads that may wait for the peer's acknowledgement; sending more fails."""

    outbox_max_bytes: int = 16 * 1024 * 1024
    """Most payload bytes that may wait for the peer's acknowledgement (they are also
    queued in memory while the link is up); sending more fails."""

    max_backlog_events: int = 1_000
    """Messages received but not yet taken by the application; at this many the link
    stops reading from the peer (TCP pushes back) until half have been taken."""

    keep_until_consumed: bool = False
    """Keep each received payload on disk until the application calls
    ``PeerLink.consumed(seq)``, and hand the unconsumed ones up again (``redelivered``)
    after a restart: at-least-once to the application across a crash, deduplicated by
    seq there. Off: a payload is handed up once, and a crash between hand-up and the
    application's own write loses it."""

    session_expiry_s: float = 600.0
    """How long after a link goes down the link reports ``LinkExpired``: the seller keeps
    supplying a disconnected buyer against existing credit until then."""

    outbox_synchronous: str = "NORMAL"
    """SQLite ``synchronous`` for the outbox (WAL mode). NORMAL survives a crash or kill -9;
    FULL also survives a power cut but costs an fsync per message on the event loop
    (167 to 2,732 messages/s against 8,040 to 16,469 with NORMAL in the benchmark runs;
    see docs/peer-link.md)."""

    def __post_init__(self) -> None:
        for name in (
            "handshake_timeout_s",
            "read_timeout_s",
            "heartbeat_interval_s",
            "idle_timeout_s",
            "drain_timeout_s",
            "close_grace_s",
            "max_clock_skew_s",
            "reconnect_initial_s",
            "reconnect_max_s",
            "session_expiry_s",
        ):
            if getattr(self, name) <= 0:
                raise UsageError(f"peer link setting {name} must be above zero.")
        if self.idle_timeout_s <= self.heartbeat_interval_s:
            raise UsageError(
                "peer link setting idle_timeout_s must exceed heartbeat_interval_s "
                "(three intervals is usual), or a quiet but healthy link is dropped."
            )
        if self.max_backlog_events < 2:
            raise UsageError("peer link setting max_backlog_events must be at least 2.")
        if self.max_frame_bytes < 1024:
            raise UsageError("peer link setting max_frame_bytes must be at least 1024.")
        if self.outbox_synchronous not in {"FULL", "NORMAL", "EXTRA"}:
            raise UsageError("peer link setting outbox_synchronous must be FULL or NORMAL.")
