"""What a killed ``regtest up`` leaves behind, recorded so the next one can stop it.

``network.json`` is written once the network is up. Until then each daemon is recorded
in ``starting.json`` as it starts; a ``regtest up`` killed on the way (SIGKILL, the OOM
killer; a signal it catches stops them itself) leaves that file, and the next ``up`` or
``down`` in the folder stops exactly the recorded processes that still run (by PID,
checked against /proc so a reused PID is left alone) before anything else.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from gridnode.regtest.processes import Daemon, stop_all

STARTING_FILE = "starting.json"


class StartLog:
    """The daemons started so far by one ``regtest up``, on disk after each."""

    def __init__(self, root: Path) -> None:
        self.path = root / STARTING_FILE
        self.daemons: list[Daemon] = []

    def append(self, daemon: Daemon) -> None:
        self.daemons.append(daemon)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps([d.to_json() for d in self.daemons], indent=1) + "\n")
        temporary.replace(self.path)

    def done(self) -> None:
        """The network is up and recorded in network.json: this log is no longer needed."""
        self.path.unlink(missing_ok=True)


def stop_leftovers(root: Path, timeout_s: float = 20.0) -> list[str]:
    """Stop what a killed ``regtest up`` in ``root`` started; names of those still running."""
    path = root / STARTING_FILE
    try:
        docs = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    daemons = [Daemon.from_json(d) for d in docs if isinstance(d, dict)]
    stopped = stop_all(daemons, timeout_s)
    with contextlib.suppress(OSError):
        path.unlink()
    return stopped
