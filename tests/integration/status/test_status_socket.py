"""The status socket on a real Unix socket: many readers, bad requests, the one control."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import stat
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridnode.errors import UsageError
from gridnode.status import client
from gridnode.status.pb import status_pb2 as pb
from gridnode.status.server import StatusServer


class Node:
    def __init__(self) -> None:
        self.state = "supplying"
        self.stopped: list[tuple[str, str]] = []
        self.credit_asked: list[tuple[bool, str]] = []

    def snapshot(self) -> pb.NodeStatus:
        return pb.NodeStatus(
            role="seller",
            fingerprint="ab" * 32,
            sessions=[pb.SessionStatus(session_id="s1", state=self.state, power_mw=3_680_000)],
        )

    async def stop(self, session_id: str, reason: str) -> str | None:
        if session_id != "s1":
            return f"no session {session_id}"
        self.stopped.append((session_id, reason))
        return None

    async def credit(self, waive: bool, seller: str) -> tuple[bool, str]:
        if seller not in ("", "landlord"):
            return False, f"this buyer has no seller named {seller!r}"
        self.credit_asked.append((waive, seller))
        return True, f"landlord: {'waived' if waive else 'asked for'} 1 credit notes"


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[StatusServer, Node, Path]]:
    node = Node()
    path = tmp_path / "status.sock"
    server = StatusServer(
        path,
        node.snapshot,
        stop_session=node.stop,
        credit=node.credit,
        max_interval_s=5.0,
        request_timeout_s=1.0,
        write_timeout_s=1.0,
    )
    await server.start()
    yield server, node, path
    await server.close()


async def first(path: Path, n: int = 1) -> list[pb.NodeStatus]:
    got: list[pb.NodeStatus] = []
    async for status in client.subscribe(path):
        got.append(status)
        if len(got) == n:
            break
    return got


async def test_the_socket_is_private_to_the_nodes_user(
    served: tuple[StatusServer, Node, Path],
) -> None:
    _, _, path = served
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_many_readers_see_a_change_at_once(served: tuple[StatusServer, Node, Path]) -> None:
    server, node, path = served

    async def reader() -> list[str]:
        states = []
        async for status in client.subscribe(path):
            states.append(status.sessions[0].state)
            if len(states) == 2:
                return states
        return states

    readers = [asyncio.create_task(reader()) for _ in range(20)]
    await asyncio.sleep(0.5)
    node.state = "suspended_credit"
    await server.changed()
    results = await asyncio.wait_for(asyncio.gather(*readers), 3.0)  # not the 5 s ceiling
    assert all(r == ["supplying", "suspended_credit"] for r in results)


async def test_garbage_gets_an_error_and_the_node_keeps_serving(
    served: tuple[StatusServer, Node, Path],
) -> None:
    _, _, path = served
    reader, writer = await asyncio.open_unix_connection(str(path))
    writer.write(struct.pack(">I", 5) + b"\xff\xff\xff\xff\xff")
    await writer.drain()
    with pytest.raises(client.StatusRefusedError, match="did not decode"):
        async for _ in client._updates(reader):
            pass
    writer.close()
    assert (await first(path))[0].role == "seller"


async def test_an_oversized_frame_is_refused(served: tuple[StatusServer, Node, Path]) -> None:
    _, _, path = served
    reader, writer = await asyncio.open_unix_connection(str(path))
    writer.write(struct.pack(">I", 50_000_000))
    await writer.drain()
    with pytest.raises(client.StatusRefusedError, match="over the"):
        async for _ in client._updates(reader):
            pass
    writer.close()


async def test_a_silent_client_is_closed_and_a_stalled_reader_dropped(
    served: tuple[StatusServer, Node, Path],
) -> None:
    server, _, path = served
    silent = socket.socket(socket.AF_UNIX)
    silent.connect(str(path))
    silent.setblocking(False)
    await asyncio.sleep(1.5)  # past the request timeout
    loop = asyncio.get_running_loop()
    assert await asyncio.wait_for(loop.sock_recv(silent, 10), 2) == b""  # closed by the node
    silent.close()
    # a subscriber that never reads: the node drops it once its buffer fills
    stalled = socket.socket(socket.AF_UNIX)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(str(path))
    stalled.sendall(struct.pack(">I", 2) + pb.Request(subscribe=pb.Subscribe()).SerializeToString())
    for _ in range(200):
        await server.changed()
        await asyncio.sleep(0.01)
    assert (await asyncio.wait_for(first(path), 3))[0].role == "seller"  # others unaffected
    stalled.close()


async def test_stopping_a_session_is_refused_without_allow_control(
    served: tuple[StatusServer, Node, Path],
) -> None:
    _, node, path = served
    with pytest.raises(client.StatusRefusedError, match="--allow-control") as caught:
        await client.stop_session(path, "s1", "tenant moved out")
    assert caught.value.code == 403
    assert node.stopped == []


async def test_stopping_a_session_with_allow_control(
    served: tuple[StatusServer, Node, Path],
) -> None:
    server, node, path = served
    server.allow_control = True
    assert "stopping s1" in await client.stop_session(path, "s1", "tenant moved out")
    assert node.stopped == [("s1", "tenant moved out")]
    with pytest.raises(client.StatusRefusedError, match="no session nope"):
        await client.stop_session(path, "nope", "x")


async def test_a_buyer_asks_for_its_credit_back_without_allow_control(
    served: tuple[StatusServer, Node, Path],
) -> None:
    _, node, path = served
    text = await client.credit(path, waive=False, seller="landlord")
    assert text == "landlord: asked for 1 credit notes"
    with pytest.raises(client.StatusRefusedError, match="no seller named 'nope'") as caught:
        await client.credit(path, waive=False, seller="nope")
    assert caught.value.code == 404
    assert node.credit_asked == [(False, "landlord")]


async def test_waiving_credit_gives_money_up_and_needs_allow_control(
    served: tuple[StatusServer, Node, Path],
) -> None:
    server, node, path = served
    with pytest.raises(client.StatusRefusedError, match="--allow-control") as caught:
        await client.credit(path, waive=True)
    assert caught.value.code == 403
    assert node.credit_asked == []
    server.allow_control = True
    assert await client.credit(path, waive=True) == "landlord: waived 1 credit notes"
    assert node.credit_asked == [(True, "")]


async def test_a_node_without_credit_says_so(tmp_path: Path) -> None:
    path = tmp_path / "seller.sock"
    server = StatusServer(path, Node().snapshot)
    await server.start()
    try:
        with pytest.raises(client.StatusRefusedError, match="only a buyer") as caught:
            await client.credit(path, waive=False)
        assert caught.value.code == 501
    finally:
        await server.close()


async def test_no_node_is_a_dependency_error(tmp_path: Path) -> None:
    with pytest.raises(client.StatusUnavailableError, match="no node answers") as caught:
        await first(tmp_path / "nobody.sock")
    assert caught.value.exit_code == 3


async def test_a_stale_socket_is_replaced_but_a_live_one_or_a_file_is_not(tmp_path: Path) -> None:
    path = tmp_path / "status.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # a node that died left its socket behind
    server = StatusServer(path, Node().snapshot)
    await server.start()
    with pytest.raises(UsageError, match="already serving"):
        await StatusServer(path, Node().snapshot).start()
    await server.close()
    path.write_text("not a socket")
    with pytest.raises(UsageError, match="not a socket"):
        await StatusServer(path, Node().snapshot).start()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
