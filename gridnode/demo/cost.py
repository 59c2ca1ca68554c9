"""What each process of the demo costs: CPU as a share of one core, resident memory.

Sampled with psutil from beside the nodes over the steady part of the run (after the
first ``warmup_s``, once every buyer has had time to start trading): the CPU share is
the CPU time a process used over that stretch divided by the wall time, so a process
that used a whole core shows 100 %. The summary's ``node_cost`` names the seller, the
most expensive buyer, and how the machine's CPU divides between LND, the gridnode
nodes and the circuit simulator.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

import psutil


@dataclass
class _Watched:
    name: str
    kind: str  # seller, buyer, lnd, circuit, other
    process: psutil.Process
    cpu_at_start_s: float | None = None
    cpu_s: float = 0.0
    rss_max_b: int = 0
    gone: bool = False


@dataclass
class CostSampler:
    """Follows processes by PID in a thread of its own; :meth:`figures` when done."""

    warmup_s: float = 30.0
    every_s: float = 2.0
    watched: list[_Watched] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _steady_from: float | None = None
    _steady_to: float | None = None
    _begun: float | None = None

    def watch(self, name: str, kind: str, pid: int) -> None:
        with contextlib.suppress(psutil.Error):  # gone already: nothing to measure
            self.watched.append(_Watched(name, kind, psutil.Process(pid)))

    def start(self) -> None:
        self._begun = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="node cost", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the steady part now (before the nodes are stopped)."""
        if self._begun is None:
            return  # never started: the demo stopped before it ran
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
        self._sample(final=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def _sample(self, final: bool = False) -> None:
        now = time.monotonic()
        assert self._begun is not None
        steady = now - self._begun >= self.warmup_s
        if steady and self._steady_from is None:
            self._steady_from = now
            for w in self.watched:
                try:
                    w.cpu_at_start_s = _cpu_s(w)
                except psutil.Error:  # killed (a drill) or restarted: no steady figure
                    w.gone = True
            return
        if not steady:
            return
        for w in self.watched:
            if w.gone or w.cpu_at_start_s is None:
                continue
            try:
                with w.process.oneshot():
                    w.rss_max_b = max(w.rss_max_b, w.process.memory_info().rss)
                    w.cpu_s = _cpu_s(w) - w.cpu_at_start_s
            except psutil.Error:
                w.gone = True
        if final or not self._stop.is_set():
            self._steady_to = now

    def figures(self) -> dict[str, object]:
        if self._steady_from is None or self._steady_to is None:
            return {"note": f"the run was shorter than the {self.warmup_s:.0f} s warm-up"}
        wall_s = max(self._steady_to - self._steady_from, 1e-9)

        def one(w: _Watched) -> dict[str, object]:
            return {
                "name": w.name,
                "cpu_percent": round(100 * w.cpu_s / wall_s, 2),
                "rss_mb": round(w.rss_max_b / 1e6, 1),
            }

        by_kind: dict[str, list[_Watched]] = {}
        for w in self.watched:
            by_kind.setdefault(w.kind, []).append(w)
        buyers = by_kind.get("buyer", [])
        doc: dict[str, object] = {"steady_s": round(wall_s, 1)}
        if by_kind.get("seller"):
            doc["seller"] = one(by_kind["seller"][0])
        if buyers:
            doc["max_buyer"] = one(max(buyers, key=lambda w: w.cpu_s))
            doc["max_buyer_rss_mb"] = round(max(w.rss_max_b for w in buyers) / 1e6, 1)
            doc["buyer_mean_cpu_percent"] = round(
                100 * sum(w.cpu_s for w in buyers) / len(buyers) / wall_s, 2
            )
        doc["cpu_percent_by_kind"] = {
            kind: round(100 * sum(w.cpu_s for w in group) / wall_s, 1)
            for kind, group in sorted(by_kind.items())
        }
        doc["machine_cpus"] = psutil.cpu_count()
        doc["load_average"] = [round(x, 2) for x in psutil.getloadavg()]
        return doc


def _cpu_s(w: _Watched) -> float:
    times = w.process.cpu_times()
    return float(times.user + times.system)
