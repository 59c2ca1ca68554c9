"""An in-process node for the dashboard's tests: a :class:`~gridnode.ui.sources.StatusSource`
fed by the test, which behaves like a node that can go away and come back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from gridnode.errors import GridnodeError
from gridnode.status.client import StatusRefusedError, StatusUnavailableError
from gridnode.status.pb import status_pb2 as pb


class FakeSource:
    """An in-process node for tests: ``publish`` a snapshot, ``go_away`` and ``come_back``.

    ``stop_answer`` is what a stop request gets: a sentence (accepted) or a
    :class:`StatusRefusedError` (refused); every request is kept in ``stop_requests``.
    ``receipts`` holds what a receipt request gets, by session id (the node's refusal for
    any other), and ``receipt_requests`` every session asked for.
    """

    def __init__(self, name: str = "fake node", *, up: bool = True) -> None:
        self.name = name
        self.up = up
        self.latest: pb.NodeStatus | None = None
        self.stop_requests: list[tuple[str, str]] = []
        self.stop_answer: str | GridnodeError = "stopping"
        self.receipts: dict[str, pb.Receipt] = {}
        self.receipt_requests: list[str] = []
        self.connects = 0
        self._queues: list[asyncio.Queue[pb.NodeStatus | None]] = []

    def publish(self, status: pb.NodeStatus) -> None:
        self.latest = status
        for queue in self._queues:
            queue.put_nowait(status)

    def go_away(self) -> None:
        """The node stops: every reader's stream ends, new readers are refused."""
        self.up = False
        for queue in self._queues:
            queue.put_nowait(None)

    def come_back(self) -> None:
        self.up = True

    @property
    def readers(self) -> int:
        return len(self._queues)

    async def updates(self) -> AsyncIterator[pb.NodeStatus]:
        if not self.up:
            raise StatusUnavailableError(f"no node answers on {self.name}")
        self.connects += 1
        queue: asyncio.Queue[pb.NodeStatus | None] = asyncio.Queue()
        if self.latest is not None:
            queue.put_nowait(self.latest)
        self._queues.append(queue)
        try:
            while (status := await queue.get()) is not None:
                yield status
        finally:
            self._queues.remove(queue)

    async def stop_session(self, session_id: str, reason: str) -> str:
        self.stop_requests.append((session_id, reason))
        if isinstance(self.stop_answer, GridnodeError):
            raise self.stop_answer
        return self.stop_answer

    async def receipt(self, session_id: str) -> pb.Receipt:
        self.receipt_requests.append(session_id)
        if not self.up:
            raise StatusUnavailableError(f"no node answers on {self.name}")
        if session_id not in self.receipts:
            raise StatusRefusedError(404, f"no session {session_id} in this node's ledger")
        return self.receipts[session_id]
