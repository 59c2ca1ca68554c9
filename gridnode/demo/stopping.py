"""How the demo stops what it started: in order, each step bounded (docs/processes.md).

:func:`stop_in_order` is the clean stop after Ctrl-C, SIGTERM, SIGHUP, ``--seconds`` or
a part that died; :class:`Begun` undoes a start that failed or was interrupted. If the
demo itself is killed, its children are ended by Linux instead (they are tied to it:
:func:`gridnode.regtest.lifetime.popen`).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Mapping
from typing import Any

from gridnode.demo.records import RunRecord
from gridnode.regtest.network import DAEMON_STOP_S, RegtestNetwork
from gridnode.regtest.processes import Daemon, stop_all

#: How long each step of the demo's clean stop may take before what is left is killed
#: (seconds): the buyers and the load agent together (each buyer closes its session and is
#: paid its unused credit back while the seller still runs, issue 19), then the seller,
#: the circuit, the LND nodes together, the btcds.
STOP_TIMEOUTS_S = {
    "buyers": 30.0,
    "seller": 20.0,
    "circuit": 10.0,
    "lnd": DAEMON_STOP_S,
    "btcd": DAEMON_STOP_S,
}


def stop_bound_s(keep_network: bool = False) -> float:
    """The longest a clean stop takes: every step at its timeout."""
    steps = [k for k in STOP_TIMEOUTS_S if not (keep_network and k in ("lnd", "btcd"))]
    return sum(STOP_TIMEOUTS_S[k] for k in steps)


def stop_in_order(
    nodes: Mapping[str, Daemon],
    circuit: subprocess.Popen[Any],
    network: RegtestNetwork,
    keep_network: bool,
) -> None:
    """Stop the other nodes together, then the seller, the circuit, and the network
    (unless it is kept): SIGTERM, then SIGKILL at each step's deadline.

    The buyers leave first: each closes its session and is paid its unused credit back
    while the seller still runs (issue 19); the seller's End reaches them before its
    Close, so their ledgers hold both series complete."""
    others = dict(nodes)
    # "seller", or the estate's "seller-1", "seller-2" (gridnode.demo.estate)
    sellers = [others.pop(n) for n in list(others) if n.split("-")[0] == "seller"]
    stop_all(others.values(), STOP_TIMEOUTS_S["buyers"])
    if sellers:
        stop_all(sellers, STOP_TIMEOUTS_S["seller"])
    circuit.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        circuit.wait(STOP_TIMEOUTS_S["circuit"])
    if circuit.poll() is None:
        circuit.kill()
        circuit.wait()
    if not keep_network:
        network.down(STOP_TIMEOUTS_S["lnd"])


class Begun:
    """What a start has begun so far, so a failed or interrupted start can undo it."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.network: RegtestNetwork | None = None
        self.daemons: list[Daemon] = []

    def add(self, daemon: Daemon) -> Daemon:
        """Record a started process (in the run's record too) and return it."""
        self.daemons.append(daemon)
        self.record.add(daemon)
        return daemon

    def undo(self, keep_network: bool) -> None:
        stop_all(reversed(self.daemons), timeout_s=STOP_TIMEOUTS_S["buyers"])
        if self.network is not None and not keep_network:
            self.network.down()
