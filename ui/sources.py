"""Where the dashboard's snapshots come from: the port and the real socket.

The app only knows :class:`StatusSource`. :class:`SocketSource` reads a running node's
status socket (gridnode/status/client.py); the tests' in-process node is
tests/support/status_source.FakeSource.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from gridnode.status import client
from gridnode.status.client import StatusRefusedError, StatusUnavailableError
from gridnode.status.pb import status_pb2 as pb


class StatusSource(Protocol):
    """A node's live status, as the dashboard reads it."""

    #: Said on screen: which node this is ("/run/gridnode/status.sock").
    name: str

    def updates(self) -> AsyncIterator[pb.NodeStatus]:
        """Snapshots until the node goes away (the iterator ends or raises
        :class:`StatusUnavailableError`); the app calls it again to reconnect."""
        ...

    async def stop_session(self, session_id: str, reason: str) -> str:
        """Ask the node to stop a session; its sentence, or :class:`StatusRefusedError`."""
        ...

    async def receipt(self, session_id: str) -> pb.Receipt:
        """The node's receipt of a session, built from its ledger and checked by it."""
        ...


class SocketSource:
    """A running node's status socket."""

    def __init__(self, path: Path, max_interval_ms: int = 1000) -> None:
        self.path = path
        self.name = str(path)
        self.max_interval_ms = max_interval_ms

    def updates(self) -> AsyncIterator[pb.NodeStatus]:
        return client.subscribe(self.path, self.max_interval_ms)

    async def stop_session(self, session_id: str, reason: str) -> str:
        return await client.stop_session(self.path, session_id, reason)

    async def receipt(self, session_id: str) -> pb.Receipt:
        return await client.receipt(self.path, session_id)


__all__ = [
    "SocketSource",
    "StatusRefusedError",
    "StatusSource",
    "StatusUnavailableError",
]
