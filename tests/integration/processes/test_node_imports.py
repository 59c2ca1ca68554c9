"""What a seller's and a buyer's node do NOT import (issue 17: every node under 80 MB
resident). Each started like ``gridnode sell`` / ``gridnode buy`` in a fresh interpreter,
up to the moment the node would open its ports; the modules loaded then are what the
node carries for its lifetime. Heavy packages only other commands need (the dashboard,
the statement's PDF, the plots, the regtest tools) and services a configuration did not
ask for (metrics, MQTT; ZeroMQ for a seller, which publishes no rate) stay out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.node_config import BUYER, SELLER, write

#: Started as the CLI starts a node, stopped where ``run_node`` would begin.
NODE = """
import json, sys
import gridnode.node.main as node

def stop_here(settings, **_):
    print(json.dumps(sorted(sys.modules)))

node.run_node = stop_here
from gridnode.cli.main import main
sys.argv = ["gridnode", sys.argv[1], "--config", sys.argv[2]]
main()
"""

#: Never in a node: other commands' packages.
EITHER = (
    "textual",
    "rich",
    "reportlab",
    "pypdf",
    "matplotlib",
    "hypothesis",
    "gridnode.ui",
    "gridnode.demo",
    "gridnode.regtest",
    "gridnode.statement",
    "gridnode.doctor",
    # services not configured: the metrics' HTTP server, the MQTT client
    "prometheus_client",
    "http.server",
    "paho",
)


def modules_of(command: str, config: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", NODE, command, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def carried(modules: set[str], heavy: tuple[str, ...]) -> list[str]:
    """The ``heavy`` packages (or any of their modules) in ``modules``."""
    return sorted(h for h in heavy if any(m == h or m.startswith(f"{h}.") for m in modules))


@pytest.mark.parametrize(
    ("command", "text", "heavy"),
    [
        ("sell", SELLER, (*EITHER, "zmq")),  # a seller publishes no rate feed
        ("buy", BUYER, EITHER),
    ],
    ids=["seller", "buyer"],
)
def test_a_node_carries_none_of_the_heavy_packages_it_does_not_use(
    tmp_path: Path, command: str, text: str, heavy: tuple[str, ...]
) -> None:
    modules = modules_of(command, write(tmp_path, text))
    assert "gridnode.node.factory" in modules  # the node was built this far
    assert "grpc" in modules  # what it does need: LND's client
    assert carried(modules, heavy) == []
