"""Reading a node's status socket (the dashboard, the demo, scripts)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

from gridnode.errors import DependencyUnreachableError, GridnodeError
from gridnode.status.framing import Decoder, encode
from gridnode.status.pb import status_pb2 as pb


class StatusUnavailableError(DependencyUnreachableError):
    """No node answers on the status socket."""


class StatusRefusedError(GridnodeError):
    """The node answered the request with an error."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code


async def _open(path: Path) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    try:
        return await asyncio.open_unix_connection(str(path))
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        raise StatusUnavailableError(
            f"no node answers on {path}; is 'gridnode sell', 'gridnode buy' or 'gridnode "
            "battery' running with that status_socket?"
        ) from exc


async def _updates(reader: asyncio.StreamReader) -> AsyncIterator[pb.Update]:
    decoder = Decoder(pb.Update)
    while True:
        data = await reader.read(65536)
        if not data:
            return
        for update in decoder.feed(data):
            if update.WhichOneof("kind") == "error":
                raise StatusRefusedError(update.error.code, update.error.text)
            yield update


async def subscribe(path: Path, max_interval_ms: int = 0) -> AsyncGenerator[pb.NodeStatus, None]:
    """Every snapshot the node sends, until it goes away."""
    reader, writer = await _open(path)
    try:
        request = pb.Request(subscribe=pb.Subscribe(max_interval_ms=max_interval_ms))
        writer.write(encode(request))
        await writer.drain()
        async for update in _updates(reader):
            if update.WhichOneof("kind") == "status":
                yield update.status
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _ask(path: Path, request: pb.Request) -> pb.Update:
    """Send one request and read its one answer (an error answer raises)."""
    reader, writer = await _open(path)
    try:
        writer.write(encode(request))
        await writer.drain()
        async for update in _updates(reader):
            return update
        raise StatusUnavailableError(f"the node on {path} closed without answering")
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def stop_session(path: Path, session_id: str, reason: str) -> str:
    """Ask a seller to stop a session; returns its sentence, raises if refused."""
    request = pb.Request(stop_session=pb.StopSession(session_id=session_id, reason=reason))
    return (await _ask(path, request)).control.text


async def receipt(path: Path, session_id: str) -> pb.Receipt:
    """One session's receipt, built from the node's ledger and checked by the node."""
    update = await _ask(path, pb.Request(get_receipt=pb.GetReceipt(session_id=session_id)))
    if update.WhichOneof("kind") != "receipt":
        raise StatusUnavailableError(f"the node on {path} answered with no receipt")
    return update.receipt


async def credit(path: Path, *, waive: bool, seller: str = "") -> str:
    """Ask a buyer to ask its sellers for its credit back, or to waive it (``seller``:
    one seller's name, "" for all); returns the node's sentence, raises if refused."""
    request = pb.Request(credit=pb.Credit(waive=waive, seller=seller))
    return (await _ask(path, request)).control.text


async def reload(path: Path) -> tuple[bool, str]:
    """Ask a seller to read its configuration again: (whether it applied, its sentence)."""
    update = await _ask(path, pb.Request(reload=pb.Reload()))
    return update.control.ok, update.control.text
