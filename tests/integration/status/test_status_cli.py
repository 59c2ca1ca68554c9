"""`gridnode status` as a person runs it against a node's status socket: the node in
words (a battery node: what it sells to and buys from, and its book), one JSON
document with --json, exit code 3 when no node answers."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.status.pb import status_pb2 as pb
from gridnode.status.server import StatusServer
from tests.support.node_config import SELLER, write
from tests.support.ui import samples


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class Node:
    """A node's status socket, serving one fixed snapshot on its own event loop."""

    def __init__(self, path: Path, status: pb.NodeStatus) -> None:
        self.loop = asyncio.new_event_loop()
        # a short interval: the stream a reader left ends at the next snapshot
        self.server = StatusServer(path, lambda: status, max_interval_s=0.05)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> Node:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(5)
        return self

    def __exit__(self, *exc: object) -> None:
        async def close() -> None:
            for _ in range(200):  # each reader's stream ends before the loop stops
                if not self.server.readers:
                    break
                await asyncio.sleep(0.01)
            await self.server.close()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def battery(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "status.sock"
    with Node(path, samples.battery_status()):
        yield path


def test_a_battery_node_in_words(battery: Path) -> None:
    result = run("status", "--node", str(battery))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("gridnode battery: sells to 1, buys from 1  fp bbbbbbbb")
    charge = "  charge 6.000 kWh of 10.000 kWh, 62% between reserve 1.000 kWh and maximum 9.000 kWh"
    assert charge in lines
    assert "  pledged 400.0 Wh to sales, 250.0 Wh to purchases" in lines
    assert "  offers 500.0 Wh at 170.0 sat/kWh" in lines
    assert "  buys at up to 110.0 sat/kWh" in lines
    assert "  sells at no less than 140.0 sat/kWh (cost after losses)" in lines
    flat = next(line for line in lines if line.startswith("- sells to flat-1"))
    assert "supplying" in flat
    assert "relay on" in flat
    grid = next(line for line in lines if line.startswith("- buys from grid"))
    assert "market: active" in grid
    assert "relay" not in grid  # the seller switches it, not the battery


def test_json_is_the_snapshot(battery: Path) -> None:
    result = run("status", "--node", str(battery), "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["role"] == "seller+buyer+battery"
    assert document["battery"]["stored_mwh"] == "6000000"  # int64 as JSON strings
    assert [s["side"] for s in document["sessions"]] == ["seller", "buyer"]


def test_the_socket_is_read_from_the_configuration(tmp_path: Path) -> None:
    config = write(tmp_path / "seller", SELLER)
    with Node(tmp_path / "seller" / "status.sock", samples.seller_status()):
        result = run("status", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("gridnode seller  fp abababab")


def test_no_node_is_said_with_exit_code_3(tmp_path: Path) -> None:
    result = run("status", "--node", str(tmp_path / "none.sock"))
    assert result.exit_code == 3
    assert "no node answers on" in result.output
