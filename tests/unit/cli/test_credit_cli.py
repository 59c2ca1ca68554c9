"""`gridnode credit ask|waive` as a person runs them against a buyer's status socket: the
node's sentence, the JSON document, and the exit codes when it cannot be done."""

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
from tests.support.node_config import BUYER, SELLER, write


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class Buyer:
    """A buyer node's status socket, served on its own event loop in a thread."""

    def __init__(self, path: Path) -> None:
        self.asked: list[tuple[bool, str]] = []
        self.loop = asyncio.new_event_loop()
        self.server = StatusServer(path, pb.NodeStatus, credit=self.credit)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def credit(self, waive: bool, seller: str) -> tuple[bool, str]:
        self.asked.append((waive, seller))
        if seller == "nobody":
            return False, "this buyer has no seller named 'nobody'; its sellers: seller"
        return True, f"seller: {'waived' if waive else 'asked for'} 1 credit notes (0.354 sat)"

    def __enter__(self) -> Buyer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(5)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def buyer(tmp_path: Path) -> Iterator[tuple[Path, Buyer]]:
    config = write(tmp_path / "buyer", BUYER)
    with Buyer(tmp_path / "buyer" / "status.sock") as node:
        yield config, node


def test_ask_prints_what_the_buyer_asked(buyer: tuple[Path, Buyer]) -> None:
    config, node = buyer
    done = run("credit", "ask", "--config", str(config), "--seller", "seller")
    assert done.exit_code == 0, done.output
    assert "seller: asked for 1 credit notes (0.354 sat)" in done.output
    assert node.asked == [(False, "seller")]


def test_ask_json_is_one_document(buyer: tuple[Path, Buyer]) -> None:
    config, _ = buyer
    done = CliRunner().invoke(cli, ["credit", "ask", "--config", str(config), "--json"])
    assert done.exit_code == 0
    assert json.loads(done.stdout) == {
        "action": "ask",
        "seller": None,
        "text": "seller: asked for 1 credit notes (0.354 sat)",
    }


def test_waive_is_refused_unless_the_buyer_allows_control(buyer: tuple[Path, Buyer]) -> None:
    config, node = buyer
    done = run("credit", "waive", "--config", str(config))
    assert done.exit_code == 1
    assert "start the node with --allow-control" in done.output
    assert node.asked == []
    node.server.allow_control = True
    done = run("credit", "waive", "--config", str(config))
    assert done.exit_code == 0
    assert "seller: waived 1 credit notes" in done.output


def test_an_unknown_seller_is_named(buyer: tuple[Path, Buyer]) -> None:
    config, _ = buyer
    done = run("credit", "ask", "--config", str(config), "--seller", "nobody")
    assert done.exit_code == 1
    assert "no seller named 'nobody'" in done.output


def test_a_seller_configuration_is_bad_usage(tmp_path: Path) -> None:
    config = write(tmp_path, SELLER)
    done = run("credit", "ask", "--config", str(config))
    assert done.exit_code == 2
    assert "only a buyer asks for credit" in done.output


def test_no_running_buyer_is_a_dependency_unreachable(tmp_path: Path) -> None:
    config = write(tmp_path, BUYER)
    done = run("credit", "ask", "--config", str(config))
    assert done.exit_code == 3
    assert "no node answers" in done.output


def test_help_shows_an_example() -> None:
    for command in (["credit"], ["credit", "ask"], ["credit", "waive"]):
        done = run(*command, "--help")
        assert done.exit_code == 0
        assert "gridnode credit" in done.output
