"""A session's receipt over the status socket: the node's answer reaches the reader as
sent, a node without receipts and a request without a session are refused in words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridnode.receipt.summary import ReceiptSummary
from gridnode.status import client
from gridnode.status.client import StatusRefusedError
from gridnode.status.pb import status_pb2 as pb
from gridnode.status.server import (
    ERROR_BAD_REQUEST,
    ERROR_FAILED,
    ERROR_NOT_SERVED,
    StatusServer,
)


class Desk:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def receipt(self, session_id: str) -> ReceiptSummary:
        self.asked.append(session_id)
        return ReceiptSummary(
            session_id,
            True,
            "✔ verified: every signature, preimage and amount holds",
            "Receipt of session s1\n  seller  ab…\n",
            "gridnode receipt s1 --ledger ledger.sqlite --out receipt.json",
        )


async def _served(path: Path, desk: Desk | None) -> StatusServer:
    server = StatusServer(
        path,
        pb.NodeStatus,
        receipt=desk.receipt if desk is not None else None,
        request_timeout_s=1.0,
        write_timeout_s=1.0,
    )
    await server.start()
    return server


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[tuple[Desk, Path]]:
    served = Desk()
    path = tmp_path / "status.sock"
    server = await _served(path, served)
    yield served, path
    await server.close()


async def test_the_nodes_receipt_reaches_the_reader(desk: tuple[Desk, Path]) -> None:
    served, path = desk
    answer = await client.receipt(path, "s1")
    assert served.asked == ["s1"]
    assert answer.session_id == "s1"
    assert answer.ok
    assert answer.verdict == "✔ verified: every signature, preimage and amount holds"
    assert answer.text.startswith("Receipt of session s1")
    assert answer.command == "gridnode receipt s1 --ledger ledger.sqlite --out receipt.json"


async def test_a_request_naming_no_session_is_refused(desk: tuple[Desk, Path]) -> None:
    served, path = desk
    with pytest.raises(StatusRefusedError, match="name the session") as caught:
        await client.receipt(path, "")
    assert caught.value.code == ERROR_BAD_REQUEST
    assert served.asked == []


async def test_a_node_without_receipts_says_so(tmp_path: Path) -> None:
    path = tmp_path / "status.sock"
    server = await _served(path, None)
    try:
        with pytest.raises(StatusRefusedError, match="does not serve receipts") as caught:
            await client.receipt(path, "s1")
        assert caught.value.code == ERROR_NOT_SERVED
    finally:
        await server.close()


async def test_a_receipt_that_fails_to_be_made_is_said_to_the_reader(tmp_path: Path) -> None:
    async def broken(session_id: str) -> ReceiptSummary:
        raise KeyError("exported")

    path = tmp_path / "status.sock"
    server = StatusServer(path, pb.NodeStatus, receipt=broken, request_timeout_s=1.0)
    await server.start()
    try:
        with pytest.raises(StatusRefusedError, match="could not be made") as caught:
            await client.receipt(path, "s1")
        assert caught.value.code == ERROR_FAILED
        assert len(await _statuses(path)) == 1  # and the node goes on serving
    finally:
        await server.close()


async def _statuses(path: Path) -> list[pb.NodeStatus]:
    got: list[pb.NodeStatus] = []
    async for status in client.subscribe(path):
        got.append(status)
        break
    return got
