"""Carrying out each fault on the running demo, and keeping it running as systemd would.

:class:`Injector` holds what the faults act on (the demo harness, the fault proxies, the
node folders' filesystems, the clock offset files) and records what it did: when the
seller was killed (its relay is then the external watchdog's), each node's clock offsets,
and every node that exited on its own (a crash: restarted, and reported).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridnode.demo.circuit_control import send
from gridnode.demo.run import CIRCUIT_CONTROL, DemoError, DemoHarness, Parts
from tests.support.drill.disk import Tmpfs
from tests.support.drill.faults import CLOCK_SHIFT_FILE, HOUR_MS, FaultKind
from tests.support.drill.proxy import LinkFault, LinkState, ProxyLoop
from tests.support.drill.supply import ClockShifts

Say = Callable[[str], None]

_LINK = {
    FaultKind.LINK_DELAY: LinkFault.DELAY,
    FaultKind.LINK_LOSS: LinkFault.LOSS,
    FaultKind.LINK_DROP: LinkFault.DROP,
    FaultKind.LINK_RESET: LinkFault.RESET,
    FaultKind.LINK_BLACK_HOLE: LinkFault.BLACK_HOLE,
    FaultKind.LINK_PARTITION: LinkFault.PARTITION,
}
_METER = {
    FaultKind.METER_TIMEOUT: "no_answer",
    FaultKind.METER_CRC: "bad_crc",
    FaultKind.METER_STUCK: "stuck_counter",
}


@dataclass(frozen=True, slots=True)
class Timings:
    """How long things take in a drill (seconds)."""

    #: systemd's RestartSec: a killed node comes back this long after it died
    restart_s: float = 5.0
    #: how long a link fault, a full disk, a meter fault or a clock jump lasts
    fault_s: tuple[float, float] = (10.0, 30.0)
    partition_s: float = 30.0


@dataclass
class Crash:
    node: str
    at_s: float
    log_tail: list[str]


@dataclass
class Injector:
    demo: DemoHarness
    proxies: ProxyLoop
    rng: random.Random
    timings: Timings
    say: Say
    disks: dict[str, Tmpfs] = field(default_factory=dict)
    shifts: dict[str, ClockShifts] = field(default_factory=dict)
    #: when each node was killed (s), by name
    kills: dict[str, list[float]] = field(default_factory=dict)
    #: when each node's disk was filled (s), by name: its live session fails there
    full_disks: dict[str, list[float]] = field(default_factory=dict)
    crashes: list[Crash] = field(default_factory=list)
    #: warnings a node's status carried while a fault lasted, by node
    warnings_seen: dict[str, set[str]] = field(default_factory=dict)

    @property
    def parts(self) -> Parts:
        assert self.demo.parts is not None
        return self.demo.parts

    @property
    def buyer_names(self) -> list[str]:
        return [b.name for b in self.parts.buyers]

    # -- time passing, with systemd's restarts ----------------------------------------------
    def run(self, seconds: float) -> None:
        """Let the demo run; a node that exits by itself is reported and restarted."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                asyncio.run(self.demo.watch(left))
            except DemoError:
                self._restart_crashed()
            self._note_warnings()

    def _restart_crashed(self) -> None:
        parts = self.parts
        if parts.circuit.poll() is not None:
            raise DemoError("the circuit process died; see circuit.log")
        for name, daemon in parts.processes.items():
            if daemon.is_running() or parts.paused.get(name):
                continue
            tail = daemon.log.read_text(errors="replace").splitlines()[-5:]
            self.crashes.append(Crash(name, time.time(), tail))
            self.say(f"{name} exited by itself; restarting it")
            parts.paused[name] = True
            time.sleep(self.timings.restart_s)
            self.demo.restart(name)
            parts.paused[name] = False

    def _note_warnings(self) -> None:
        for name, status in self.demo.latest.items():
            if status.warnings:
                self.warnings_seen.setdefault(name, set()).update(status.warnings)

    # -- the faults ------------------------------------------------------------------------
    def inject(self, kind: FaultKind) -> dict[str, Any]:
        """Carry out one fault of ``kind``; returns what was done, for the JSON."""
        if kind.is_kill:
            return self._kill(kind)
        if kind in (FaultKind.LND_SELLER, FaultKind.LND_BUYER):
            return self._lnd(0 if kind is FaultKind.LND_SELLER else self._buyer_index())
        if kind in _LINK:
            return self._link(_LINK[kind])
        if kind.is_disk:
            name = "seller" if kind is FaultKind.DISK_FULL_SELLER else self._buyer()
            return self._disk(name)
        if kind in _METER:
            return self._meter(_METER[kind])
        return self._clock(HOUR_MS if kind is FaultKind.CLOCK_FORWARD else -HOUR_MS)

    def _buyer_index(self) -> int:
        return self.rng.randrange(1, len(self.buyer_names) + 1)

    def _buyer(self) -> str:
        return f"buyer-{self._buyer_index()}"

    def _duration(self) -> float:
        return round(self.rng.uniform(*self.timings.fault_s), 1)

    def _kill(self, kind: FaultKind) -> dict[str, Any]:
        names = {
            FaultKind.KILL_SELLER: ["seller"],
            FaultKind.KILL_BUYER: [self._buyer()],
            FaultKind.KILL_BOTH: ["seller", self._buyer()],
        }[kind]
        parts = self.parts
        for name in names:
            parts.paused[name] = True
            parts.processes[name].kill()
            self.kills.setdefault(name, []).append(time.time())
        self.run(self.timings.restart_s)
        for name in names:
            self.demo.restart(name)
            parts.paused[name] = False
        return {"nodes": names, "restarted_after_s": self.timings.restart_s}

    def _lnd(self, index: int) -> dict[str, Any]:
        network = self.parts.network
        node = "seller" if index == 0 else f"buyer-{index}"
        crash = self.rng.random() < 0.5
        started = time.monotonic()
        if crash:
            network.kill_lnd(index)
            self.run(self.timings.restart_s)
            network.start_lnd(index)
        else:
            network.restart_lnd(index)
        down_s = round(time.monotonic() - started, 1)
        return {"node": node, "how": "kill -9" if crash else "stop", "down_s": down_s}

    def _link(self, fault: LinkFault) -> dict[str, Any]:
        buyer = self._buyer()
        seconds = self.timings.partition_s if fault is LinkFault.PARTITION else self._duration()
        state = LinkState(
            fault,
            delay_s=round(self.rng.uniform(0.2, 2.0), 2) if fault is LinkFault.DELAY else 0.0,
            loss=round(self.rng.uniform(0.1, 0.5), 2) if fault is LinkFault.LOSS else 0.0,
        )
        self.proxies.set(buyer, state)
        try:
            self.run(seconds)
        finally:
            self.proxies.clear(buyer)
        return {
            "buyer": buyer,
            "seconds": seconds,
            "delay_s": state.delay_s,
            "loss": state.loss,
        }

    def _disk(self, name: str) -> dict[str, Any]:
        disk = self.disks[name]
        seconds = self._duration()
        size = disk.fill()
        self.full_disks.setdefault(name, []).append(time.time())
        before = set(self.warnings_seen.get(name, set()))
        try:
            self.run(seconds)
        finally:
            disk.free()
        said = sorted(self.warnings_seen.get(name, set()) - before)
        return {"node": name, "seconds": seconds, "filesystem_bytes": size, "warnings": said}

    def _meter(self, fault: str) -> dict[str, Any]:
        bus = self.rng.choice(["seller", *self.buyer_names])
        slave = self.rng.randrange(1, len(self.buyer_names) + 1) if bus == "seller" else 1
        seconds = self._duration()
        request: dict[str, Any] = {"bus": bus, "fault": fault, "slave": slave}
        if fault == "stuck_counter":
            request["seconds"] = seconds
        else:
            request["count"] = max(1, round(seconds))  # about a poll a second
        send(self.demo.root / CIRCUIT_CONTROL, request)
        self.run(seconds)
        return {"meter": f"{bus} #{slave}", **request}

    def _clock(self, shift_ms: int) -> dict[str, Any]:
        which = self.rng.choice(["seller", self._buyer(), "all"])
        names = ["seller", *self.buyer_names] if which == "all" else [which]
        seconds = self._duration()
        self._shift(names, shift_ms)
        try:
            self.run(seconds)
        finally:
            self._shift(names, 0)
        return {"nodes": which, "shift_ms": shift_ms, "seconds": seconds}

    def _shift(self, names: list[str], shift_ms: int) -> None:
        for name in names:
            directory = self._directory(name)
            (directory / CLOCK_SHIFT_FILE).write_text(f"{shift_ms}\n")
            self.shifts.setdefault(name, ClockShifts()).set(time.time(), shift_ms)
        time.sleep(0.3)  # the nodes read the file at most every 0.2 s

    def _directory(self, name: str) -> Path:
        nodes = {n.name: n for n in [self.parts.seller, *self.parts.buyers]}
        return nodes[name].directory
