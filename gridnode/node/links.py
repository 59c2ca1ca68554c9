"""What the node runtime uses of the peer link, as protocols.

The real ones are :class:`gridnode.peer.link.PeerLink` (one per pinned partner),
:class:`gridnode.peer.server.SellerServer` (a seller's listener) and
:class:`gridnode.peer.client.BuyerClient` (a buyer's connection to one seller); a test
passes in-process links instead (``tests/support/links.py``).
"""

from __future__ import annotations

from typing import Protocol

from gridnode.peer.link import LinkEvent


class Link(Protocol):
    """Ordered, exactly-once delivery to one pinned peer, across connections."""

    @property
    def up(self) -> bool: ...

    def send(self, payload: bytes) -> int:
        """Store ``payload`` for the peer and deliver it once; returns its seq."""
        ...

    async def next_event(self) -> LinkEvent: ...

    def consumed(self, seq: int) -> None:
        """Every payload up to ``seq`` is durably handled (none is handed up again)."""
        ...

    @property
    def clock_skew_limit_s(self) -> float:
        """How far the two clocks may differ (the hello's check, and the sessions')."""
        ...

    def drop(self, reason: str) -> None:
        """Close the current connection because the clocks disagree: the link connects
        again, and its next hello holds trading until they agree."""
        ...


class Listener(Protocol):
    """A seller's server for its buyers' links."""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]: ...

    async def close(self) -> None: ...


class Dialer(Protocol):
    """A buyer's connection to one seller, kept up while it runs."""

    host: str
    port: int

    @property
    def link(self) -> Link: ...

    def start(self) -> None: ...

    def pause(self, reason: str) -> None:
        """Close the connection and stop dialling until :meth:`resume` (the link and
        what it stores stay)."""
        ...

    def resume(self) -> None: ...

    async def close(self) -> None: ...
