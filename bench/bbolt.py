"""What LND's database holds, by the pages bbolt has allocated, not by its file's size.

bbolt grows ``channel.db`` in doubling steps (up to 1 GB at a time), so the file's size
says little about how much a payment adds: 1,000 payments took one regtest node's file
from 256 KB to 16 MB. ``bbolt stats`` walks the B+tree and counts the branch and leaf
pages in use (allocated) and the bytes of data they hold. It needs the file to itself, so
LND is stopped while it runs.

The ``bbolt`` command is built from the Go module proxy into the set-up script's cache
(outside the repository), at the version LND's own build uses, the first time it is
needed; Go must be installed (it already is where ``scripts/setup`` built LND).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gridnode.regtest.daemons import LndNode, cache_dir
from gridnode.regtest.network import RegtestNetwork

#: Used when the LND build's go.sum cannot be read.
DEFAULT_VERSION = "v1.4.3"

_ALLOCATED = re.compile(r"Bytes allocated for physical (branch|leaf) pages: (\d+)")
_USED = re.compile(r"Bytes actually used for (branch|leaf) data: (\d+)")


class BboltError(RuntimeError):
    """bbolt could not be built or could not read a database."""


@dataclass(frozen=True, slots=True)
class BboltStats:
    """One bbolt file: the pages in use, the data in them, and the file's size."""

    allocated_bytes: int
    used_bytes: int
    file_bytes: int


def channel_db(node: LndNode) -> Path:
    return node.lnddir / "data" / "graph" / "regtest" / "channel.db"


def bbolt_version() -> str:
    """The bbolt version the LND build uses (from its go.sum)."""
    go_sum = cache_dir() / "build" / "go.sum"
    try:
        found = re.findall(r"^go\.etcd\.io/bbolt (v[\d.]+) ", go_sum.read_text(), re.MULTILINE)
    except OSError:
        found = []
    return found[-1] if found else DEFAULT_VERSION


def bbolt_binary() -> Path:
    """The ``bbolt`` command, built into the cache the first time."""
    binary = cache_dir() / "bin" / "bbolt"
    if binary.exists():
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    package = f"go.etcd.io/bbolt/cmd/bbolt@{bbolt_version()}"
    env = {**os.environ, "GOBIN": str(binary.parent), "CGO_ENABLED": "0"}
    try:
        done = subprocess.run(
            ["go", "install", package], env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise BboltError("Go is needed to build bbolt; install Go 1.23 or newer") from exc
    if done.returncode != 0 or not binary.exists():
        raise BboltError(f"go install {package} failed: {done.stderr.strip()[-500:]}")
    return binary


def bbolt_stats(db: Path) -> BboltStats:
    """``bbolt stats`` of ``db``; the database must not be open (stop LND first)."""
    done = subprocess.run(
        [str(bbolt_binary()), "stats", str(db)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise BboltError(f"bbolt stats {db}: {done.stderr.strip()}")
    allocated = sum(int(n) for _, n in _ALLOCATED.findall(done.stdout))
    used = sum(int(n) for _, n in _USED.findall(done.stdout))
    if not allocated:
        raise BboltError(f"bbolt stats {db} printed no page statistics: {done.stdout[:300]}")
    return BboltStats(allocated, used, db.stat().st_size)


def stats_with_lnd_stopped(network: RegtestNetwork, index: int) -> BboltStats:
    """Stop one LND node cleanly, read its database, and start it again (waits until it
    is ready and synced)."""
    node = network.nodes[index]
    node.daemon.stop()
    try:
        return bbolt_stats(channel_db(node))
    finally:
        network.start_lnd(index)
