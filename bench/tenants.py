"""Helpers of ``scripts/bench_tenants.py``: pin the seller to its own core, profile it.

On a real install the seller runs on its own small computer; in the benchmark fifty
buyer processes, several LND nodes, btcd, the circuit and the seller share two cores, so
its latency figures mix the seller's own work with crowding. ``--seller-core`` pins the
seller and its LND node (``node0``, the hub of the demo's star) with every thread to one
CPU and every other process of the demo to the other, as a seller on its own Pi would
run; ``--profile-s`` records the seller with py-spy and keeps the functions that cost
most. The pure parts (which PID goes where, reading py-spy's raw output) are unit-tested.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: the files a demo writes in its folder: its own processes, and its regtest network's
PROCESSES_FILE = "processes.json"
NETWORK_FILE = Path("regtest") / "network.json"
#: the seller's process and its LND node (the hub of the demo's star topology)
SELLER_NAMES = ("seller", "node0")
SELLER_CPU = 0
OTHERS_CPU = 1
#: py-spy's sampling rate (Hz). It leaves idle threads out, so the samples over
#: ``rate * seconds`` are about the share of one core the process was busy.
PROFILE_RATE_HZ = 100
#: Frames every stack of the node passes through on its way in (module start, the click
#: command, the event loop running a callback, a worker thread's loop): each would top
#: the ``total`` list at ~100 % and say nothing, so they are left out of it (not ``own``).
SCAFFOLD_FILES = (
    "<frozen runpy>",
    "click/",
    "gridnode/cli/",
    "asyncio/runners.py",
    "asyncio/base_events.py",
    "asyncio/events.py",
    "threading.py",
    "concurrent/futures/thread.py",
)


@dataclass(frozen=True)
class Placement:
    """Which processes (name, PID) go on the seller's CPU and which on the other."""

    seller: tuple[tuple[str, int], ...]
    others: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seller_cpu": SELLER_CPU,
            "others_cpu": OTHERS_CPU,
            "seller": dict(self.seller),
            "others": dict(self.others),
        }


def demo_files(demo_dir: Path) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The demo's ``processes.json`` and ``regtest/network.json``, or None before both
    are written (or while one is half-written)."""
    try:
        processes = json.loads((demo_dir / PROCESSES_FILE).read_text())
        network = json.loads((demo_dir / NETWORK_FILE).read_text())
    except (OSError, ValueError):
        return None
    return processes, network


def buyers_started(processes: dict[str, Any]) -> int:
    """How many buyer processes the demo has recorded so far."""
    return sum(1 for d in processes.get("daemons", []) if str(d["name"]).startswith("buyer-"))


def choose_cpus(processes: dict[str, Any], network: dict[str, Any]) -> Placement:
    """The seller and ``node0`` on the seller's CPU; the demo process itself, every other
    process it recorded (buyers, circuit, load agent) and every other daemon of its
    network (payer LNDs, btcd and its miner) on the other."""
    named: list[tuple[str, int]] = [("demo", int(processes["owner"]["pid"]))]
    named += [(str(d["name"]), int(d["pid"])) for d in processes.get("daemons", [])]
    for key in ("btcd", "miner"):
        if key in network:
            named.append((str(network[key]["daemon"]["name"]), int(network[key]["pid"])))
    named += [(str(n["name"]), int(n["pid"])) for n in network.get("nodes", [])]
    seller = tuple((name, pid) for name, pid in named if name in SELLER_NAMES)
    others = tuple((name, pid) for name, pid in named if name not in SELLER_NAMES)
    missing = set(SELLER_NAMES) - {name for name, _ in seller}
    if missing:
        raise ValueError(
            f"the demo's records name no {', '.join(sorted(missing))}: is it a demo "
            "folder whose seller has started?"
        )
    return Placement(seller, others)


def pin(pid: int, cpu: int) -> int:
    """Pin every thread of ``pid`` (``/proc/PID/task/*``) to ``cpu``; threads started
    later inherit it from the thread that starts them. The number of threads pinned
    (0 if the process has gone)."""
    pinned = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for task in tasks:
        try:
            os.sched_setaffinity(int(task), {cpu})
        except OSError:  # the thread ended meanwhile
            continue
        pinned += 1
    return pinned


def pin_all(placement: Placement) -> dict[str, int]:
    """Apply ``placement``; the threads pinned, by process name."""
    threads = {name: pin(pid, SELLER_CPU) for name, pid in placement.seller}
    threads.update({name: pin(pid, OTHERS_CPU) for name, pid in placement.others})
    return threads


def record_profile(pid: int, seconds: int, raw_path: Path, cpu: int | None = None) -> str | None:
    """Sample ``pid`` with py-spy for ``seconds`` (without pausing it) into ``raw_path``
    in py-spy's raw (collapsed-stack) format; None, or why it failed. ``cpu``: py-spy
    itself runs there (off the pinned seller's CPU, so it does not crowd what it measures)."""
    beside = Path(sys.executable).parent / "py-spy"  # the virtualenv's own
    exe = str(beside) if beside.exists() else shutil.which("py-spy") or "py-spy"
    argv = [exe, "record", "--pid", str(pid), "--duration", str(seconds)]
    argv += ["--rate", str(PROFILE_RATE_HZ), "--format", "raw", "--nonblocking"]
    argv += ["--output", str(raw_path)]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=None if cpu is None else lambda: os.sched_setaffinity(0, {cpu}),
        )
    except OSError as exc:
        return f"py-spy could not start ({exc}); install it into .venv (pip install py-spy)"
    if done.returncode != 0 or not raw_path.exists():
        return f"py-spy failed: {done.stderr.strip()[-300:]}"
    return None


def top_functions(raw: str, top: int = 15) -> dict[str, Any]:
    """From py-spy's raw output (``frame;frame;...;leaf count`` per line, root first),
    the ``top`` functions by own samples (the leaf of a stack) and by total samples (a
    function anywhere in a stack, counted once per stack however deep it recurses; the
    :data:`SCAFFOLD_FILES` frames left out)."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_function(f) for f in stack.split(";") if f]
        if not frames:
            continue
        samples += count
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for name in set(frames):
            if not _scaffold(name):
                total[name] = total.get(name, 0) + count
    return {
        "samples": samples,
        "own": _ranked(own, samples, top),
        "total": _ranked(total, samples, top),
    }


def _function(frame: str) -> str:
    """``func (path/to/file.py:123)`` as ``func (path/to/file.py)``: a function's
    samples add up over its lines. The process and thread frames py-spy may add (with
    --threads or --idle) are kept as they are."""
    name, sep, where = frame.partition(" (")
    if not sep:
        return frame
    file_part = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({file_part})"


def _scaffold(function: str) -> bool:
    where = function.rpartition(" (")[2]
    return any(part in where for part in SCAFFOLD_FILES)


def _ranked(counts: dict[str, int], samples: int, top: int) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [
        {
            "function": name,
            "samples": count,
            "percent": round(100.0 * count / samples, 1) if samples else 0.0,
        }
        for name, count in ranked
    ]
