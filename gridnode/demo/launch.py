"""Starting the demo's processes: the regtest network, the circuit (whose first line on
stdout tells its ports) and the nodes, each recorded in
:class:`~gridnode.demo.stopping.Begun` so that a failed start stops them again. The plain
demo, the estate and the estate day start theirs alike (:mod:`gridnode.demo.run`,
:mod:`gridnode.demo.estate`, :mod:`gridnode.demo.estate_day`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from gridnode.demo.records import NETWORK_DIR, fresh_network_dir
from gridnode.demo.stopping import Begun
from gridnode.errors import GridnodeError
from gridnode.regtest.lifetime import popen
from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import Daemon, spawn


class DemoError(GridnodeError):
    """The demo could not start or a part of it died."""


def start_network(
    root: Path,
    say: Callable[[str], None],
    begun: Begun,
    *,
    nodes: int,
    topology: str,
    tied: bool,
    kind: type[RegtestNetwork] = RegtestNetwork,
) -> RegtestNetwork:
    """A fresh regtest network of ``nodes`` LND nodes in ``root``'s network folder (its
    progress told); ``tied``: its daemons die with this process, however it ends (not
    for ``--keep-network``, whose network outlives the command)."""
    fresh_network_dir(root / NETWORK_DIR)
    network = kind.up(
        root / NETWORK_DIR,
        nodes=nodes,
        topology=topology,
        progress=lambda m: say(f"[regtest] {m}"),
        tied=tied,
    )
    begun.network = network
    return network


def start_circuit(
    root: Path, argv: list[str], begun: Begun
) -> tuple[subprocess.Popen[str], dict[str, object]]:
    """Start the circuit process ``argv`` (its errors in ``root/circuit.log``) and read
    its first line: the JSON of its ports."""
    log = root / "circuit.log"
    with log.open("ab") as errors:
        circuit: subprocess.Popen[str] = popen(
            argv,
            tied=True,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            start_new_session=True,  # a terminal's Ctrl-C reaches the demo, which stops it
        )
    begun.add(Daemon("circuit", circuit.pid, tuple(argv), log, tied=True))
    assert circuit.stdout is not None
    line = circuit.stdout.readline()
    if not line:
        raise DemoError(f"the circuit process did not start; see {log}")
    info: dict[str, object] = json.loads(line)
    return circuit, info


class Started(Protocol):
    """What a demo started (its :class:`~gridnode.demo.run.Parts`): its node processes."""

    processes: dict[str, Daemon]


def launch(parts: Started, begun: Begun, name: str, args: list[str], directory: Path) -> None:
    """Start the node ``name`` as ``gridnode <args>`` (JSON logs in its ``directory``)."""
    argv = [sys.executable, "-m", "gridnode.cli.main", "--log-format", "json", *args]
    parts.processes[name] = begun.add(spawn(name, argv, directory / f"{name}.log", tied=True))
