"""What a stalled drill says about itself: each LND's channels and peers, and the last
lines of each node's log, in one line for the drill's problem list (and so for the
assertion CI prints, where the demo's files are gone once the run ends)."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import grpc

from gridnode.demo.run import DemoHarness
from gridnode.regtest.daemons import LndNode
from gridnode.regtest.processes import RegtestError

#: Lines of each node's log kept in the diagnosis.
LOG_LINES = 4
#: Characters kept of each log line.
LINE_CHARS = 200


def diagnose(demo: DemoHarness) -> str:
    parts = demo.parts
    if parts is None:
        return "the demo is not running"
    said = [lnd_state(node) for node in parts.network.nodes]
    for name, daemon in sorted(parts.processes.items()):
        running = "up" if daemon.is_running() else "down"
        said.append(f"{name} ({running}): " + " / ".join(log_tail(daemon.log)))
    return " | ".join(said)


def lnd_state(node: LndNode) -> str:
    if not node.daemon.is_running():
        return f"{node.name}: LND down"
    try:
        admin = node.admin()
        try:
            peers = admin.peers()
            channels = [
                f"{c.channel_point[:8]}… {'active' if c.active else 'INACTIVE'}"
                f" local {c.local_balance} sat, {len(c.pending_htlcs)} HTLC(s) pending"
                for c in admin.channels()
            ]
        finally:
            admin.close()
    except (grpc.RpcError, RegtestError) as exc:
        return f"{node.name}: LND did not answer ({exc})"
    return f"{node.name}: {len(peers)} peer(s); channels: {'; '.join(channels) or 'none'}"


def log_tail(log: Path) -> list[str]:
    try:
        with log.open("rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 20_000))
            lines = deque(f.read().decode("utf-8", "replace").splitlines(), maxlen=LOG_LINES)
    except OSError as exc:
        return [f"no log ({exc.strerror})"]
    return [line[:LINE_CHARS] for line in lines]
