"""Reloading a seller's configuration over the status socket (issue 18): the node's
answer (applied, or why nothing changed) reaches ``gridnode tariff reload`` as sent, with
exit code 0 or 1; a node that does not reload refuses in words."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.node.reload import ReloadResult
from gridnode.status import client
from gridnode.status.client import StatusRefusedError
from gridnode.status.pb import status_pb2 as pb
from gridnode.status.server import ERROR_NOT_SERVED, StatusServer


class Node:
    def __init__(self, *answers: ReloadResult) -> None:
        self.answers = list(answers)
        self.asked = 0

    async def reload(self) -> ReloadResult:
        self.asked += 1
        return self.answers.pop(0)


async def _served(path: Path, node: Node | None) -> StatusServer:
    server = StatusServer(
        path,
        pb.NodeStatus,
        reload=node.reload if node is not None else None,
        request_timeout_s=1.0,
        write_timeout_s=1.0,
    )
    await server.start()
    return server


async def test_the_nodes_answer_reaches_the_command_with_its_exit_code(tmp_path: Path) -> None:
    node = Node(
        ReloadResult(True, "configuration reloaded: 2 buyer(s)"),
        ReloadResult(False, "the reload of seller.toml changed nothing: terms.period_s ..."),
    )
    server = await _served(tmp_path / "node.sock", node)
    config = tmp_path / "seller.toml"
    # a file with mistakes still names its socket: the node reports the mistakes
    config.write_text('role = "seller"\nstatus_socket = "node.sock"\n[terms]\nperiod_s = "x"\n')
    runner = CliRunner()
    try:
        applied = await asyncio.to_thread(
            runner.invoke, cli, ["tariff", "reload", "--config", str(config), "--json"]
        )
        refused = await asyncio.to_thread(
            runner.invoke, cli, ["tariff", "reload", "--config", str(config)]
        )
    finally:
        await server.close()
    assert applied.exit_code == 0, applied.output
    document = json.loads(applied.stdout)
    assert document["applied"] is True
    assert document["text"] == "configuration reloaded: 2 buyer(s)"
    assert refused.exit_code == 1
    assert "changed nothing: terms.period_s" in refused.stderr
    assert node.asked == 2


async def test_a_node_that_does_not_reload_says_so(tmp_path: Path) -> None:
    path = tmp_path / "status.sock"
    server = await _served(path, None)
    try:
        with pytest.raises(StatusRefusedError) as refused:
            await client.reload(path)
    finally:
        await server.close()
    assert refused.value.code == ERROR_NOT_SERVED
    assert "does not reload its configuration" in str(refused.value)


def test_no_node_on_the_socket_is_exit_code_3(tmp_path: Path) -> None:
    config = tmp_path / "seller.toml"
    config.write_text('role = "seller"\n')
    result = CliRunner().invoke(cli, ["tariff", "reload", "--config", str(config)])
    assert result.exit_code == 3
    assert "no node answers" in result.stderr
