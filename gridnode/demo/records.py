"""The processes a demo run started, recorded in its folder (``processes.json``).

Every process the demo starts (the circuit, the seller, the buyers, the load agent) is
tied to the demo's life (:func:`gridnode.regtest.lifetime.popen`) and recorded here as
it starts, with the demo's own PID and command line as the owner; the regtest network
records its daemons in ``regtest/network.json``. A demo started in a folder where a
killed run left a record first stops what that run left running, by the recorded PIDs
only (each checked against /proc, so a reused PID is left alone), and refuses to start
while the recorded owner still runs. The tests find every process of a run from here.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from gridnode.errors import GridnodeError
from gridnode.regtest.network import STATE_FILE, RegtestNetwork
from gridnode.regtest.processes import Daemon, stop_all

RECORD_FILE = "processes.json"
NETWORK_DIR = "regtest"


class DemoBusyError(GridnodeError):
    """Another demo runs in the folder."""


def own_daemon() -> Daemon:
    """This process, as a :class:`Daemon` (its PID and command line)."""
    argv = Path("/proc/self/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    return Daemon("demo", os.getpid(), tuple(a.decode(errors="replace") for a in argv), Path())


class RunRecord:
    """The record of the run in ``root``; rewritten whole (atomically) on each change."""

    def __init__(self, root: Path, keep_network: bool) -> None:
        self.path = root / RECORD_FILE
        self.root = root
        self.keep_network = keep_network
        self.owner = own_daemon()
        self.daemons: dict[str, Daemon] = {}
        self.stopped_at: float | None = None

    @classmethod
    def claim(cls, root: Path, keep_network: bool, say: Callable[[str], None]) -> RunRecord:
        """The start-up check, then a fresh record naming this process as the owner."""
        clean_leftovers(root, say)
        record = cls(root, keep_network)
        record.save()
        return record

    def add(self, daemon: Daemon) -> None:
        self.daemons[daemon.name] = daemon
        self.save()

    def finish(self) -> None:
        """Everything was stopped in order; the record stays for whoever checks."""
        self.stopped_at = time.time()
        self.save()

    def save(self) -> None:
        doc = {
            "owner": self.owner.to_json(),
            "network": str(self.root / NETWORK_DIR),
            "keep_network": self.keep_network,
            "daemons": [d.to_json() for d in self.daemons.values()],
            "stopped_at": self.stopped_at,
        }
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(doc, indent=1) + "\n")
        temporary.replace(self.path)


def recorded_daemons(root: Path) -> tuple[Daemon | None, list[Daemon]]:
    """The owner and the processes a run in ``root`` recorded (its network's included)."""
    try:
        doc = json.loads((root / RECORD_FILE).read_text())
    except (OSError, ValueError):
        return None, []
    owner = Daemon.from_json(doc["owner"])
    daemons = [Daemon.from_json(d) for d in doc.get("daemons", [])]
    if (root / NETWORK_DIR / STATE_FILE).exists():
        daemons += RegtestNetwork.load(root / NETWORK_DIR).daemons()
    return owner, daemons


def clean_leftovers(root: Path, say: Callable[[str], None]) -> None:
    """Stop what a killed run in ``root`` left running (its network too, unless it was
    kept on purpose); refuse while that run's demo process itself still runs."""
    try:
        doc = json.loads((root / RECORD_FILE).read_text())
    except (OSError, ValueError):
        return
    owner = Daemon.from_json(doc["owner"])
    if owner.pid != os.getpid() and owner.is_running():
        raise DemoBusyError(
            f"A demo already runs in {root} (process {owner.pid}); stop it first (Ctrl-C in "
            f"its terminal, or kill -TERM {owner.pid}), or give this one another --dir."
        )
    left = stop_all([Daemon.from_json(d) for d in doc.get("daemons", [])], timeout_s=10.0)
    network = root / NETWORK_DIR
    if not doc.get("keep_network") and (network / STATE_FILE).exists():
        left += RegtestNetwork.load(network).down(timeout_s=10.0)
    if left:
        say(f"stopped {', '.join(left)}, left running by a demo killed in {root}")


def fresh_network_dir(network: Path) -> None:
    """Remove a stopped network's files: a new one cannot start on an old chain (its
    new miner would not extend the old one). One that still runs is left for
    :meth:`RegtestNetwork.up` to refuse by name."""
    if not network.exists():
        return
    if (network / STATE_FILE).exists() and RegtestNetwork.load(network).any_running():
        return
    shutil.rmtree(network)
