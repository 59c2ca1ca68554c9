"""What the demo circuit itself saw: energy and relay state over time, sampled in a thread.

The circuit's process rewrites ``circuit.json`` twice a second with each circuit's true
energy (no meter error) and the relay's own log of switches (wall time of the circuit's
process). The drill's checks price that energy against what the seller credited, so
they do not rest on anything a node reports about itself.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class EnergySample:
    """One circuit at one moment: wall seconds, true imported energy, relay state."""

    at_s: float
    import_mwh: int
    relay_on: bool


@dataclass
class CircuitTrace:
    """One buyer's circuit: sampled energy, and the relay's log of switches."""

    samples: list[EnergySample] = field(default_factory=list)
    switches: list[tuple[float, bool]] = field(default_factory=list)

    def energy_at(self, at_s: float) -> float:
        """Energy (mWh) at ``at_s``, interpolated between samples (the relay switches
        only between them, so energy is linear in between at the sampled power)."""
        samples = self.samples
        if not samples or at_s <= samples[0].at_s:
            return float(samples[0].import_mwh) if samples else 0.0
        lo, hi = 0, len(samples) - 1
        if at_s >= samples[hi].at_s:
            return float(samples[hi].import_mwh)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if samples[mid].at_s <= at_s:
                lo = mid
            else:
                hi = mid
        a, b = samples[lo], samples[hi]
        share = (at_s - a.at_s) / (b.at_s - a.at_s)
        return a.import_mwh + (b.import_mwh - a.import_mwh) * share

    def on_intervals(self, until_s: float) -> list[tuple[float, float]]:
        """The relay's on-intervals from its own log (an open one ends at ``until_s``)."""
        intervals: list[tuple[float, float]] = []
        since: float | None = None
        for at_s, on in self.switches:
            if on and since is None:
                since = at_s
            elif not on and since is not None:
                intervals.append((since, at_s))
                since = None
        if since is not None:
            intervals.append((since, until_s))
        return intervals


class CircuitRecorder:
    """Reads ``circuit.json`` every ``period_s`` until stopped."""

    def __init__(self, state_file: Path, period_s: float = 0.25) -> None:
        self.state_file = state_file
        self.period_s = period_s
        self.traces: dict[int, CircuitTrace] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="circuit-recorder", daemon=True)
        self._last_at = 0.0

    def start(self) -> CircuitRecorder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()  # the circuit's final state file, written when it stopped

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            self.sample()

    def sample(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            state = json.loads(self.state_file.read_text())
            at_s = float(state["at"])
            with self._lock:
                if at_s <= self._last_at:
                    return
                self._last_at = at_s
                for index, circuit in enumerate(state["circuits"]):
                    trace = self.traces.setdefault(index, CircuitTrace())
                    trace.samples.append(
                        EnergySample(at_s, int(circuit["import_mwh"]), bool(circuit["relay_on"]))
                    )
                    trace.switches = [(float(t), bool(on)) for t, on in circuit["relay_timeline"]]

    def snapshot(self) -> dict[int, CircuitTrace]:
        """A copy of the traces so far (the thread goes on appending)."""
        with self._lock:
            return {
                i: CircuitTrace(list(t.samples), list(t.switches)) for i, t in self.traces.items()
            }
