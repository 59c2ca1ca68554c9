"""``gridnode demo``: a seller and buyers trading for real on one machine.

It starts a regtest Lightning network (a seller with a direct channel to each buyer),
the circuit process (meters and relays served over Modbus RTU on pseudo-terminals), one
seller and ``--buyers`` buyer processes talking over the pinned TLS link, and watches
them through their status sockets. ``--seconds S`` ends it cleanly after S seconds;
otherwise it runs until interrupted. Every file of the run is under ``--dir``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.demo import configs
from gridnode.demo.summary import Sampler, summarize
from gridnode.errors import GridnodeError
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.files import write_receipts
from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import Daemon, spawn
from gridnode.status import client
from gridnode.status.pb import status_pb2 as pb

Say = Callable[[str], None]

#: The circuit's control socket in the demo's folder (with ``circuit_control``).
CIRCUIT_CONTROL = "circuit-control.sock"


class DemoError(GridnodeError):
    """The demo could not start or a part of it died."""


@dataclass
class DemoOptions:
    buyers: int = 1
    seconds: float | None = None
    root: Path | None = None
    keep_network: bool = False
    seller_bias: float = 0.0
    sags: list[str] = field(default_factory=list)
    #: the household: a constant base load and an appliance cycling on top (watts)
    load_watts: float = 2300.0
    cycling_watts: float = 1000.0
    terms: configs.DemoTerms = field(default_factory=configs.DemoTerms)
    #: where the first buyer publishes its live rate (ZeroMQ); others get free ports
    rate_feed: str | None = None
    #: the first buyer's appliances (a water heater, an EV charger) on a Modbus load
    #: board, switched by `gridnode loads` from its live rate
    smart_loads: bool = False
    #: the load agent's (on below, off above) prices; default: around the rate's middle
    smart_load_band: tuple[int, int] | None = None
    #: where each buyer dials its seller: called with the buyer's name and the seller's
    #: listening address, returns the address to write into that buyer's configuration
    #: (a fault drill puts a TCP fault proxy there); None: the seller's own address
    link_via: Callable[[str, str], str] | None = None
    #: serve the circuit's control socket (``circuit-control.sock`` in the demo's
    #: folder), through which a drill injects meter faults (gridnode.demo.circuit)
    circuit_control: bool = False
    #: MQTT (every node publishes to this broker) and the metrics (each node serves them)
    outside: configs.Outside = field(default_factory=configs.Outside)


@dataclass
class Parts:
    network: RegtestNetwork
    circuit: subprocess.Popen[str]
    circuit_info: dict[str, object]
    seller: configs.NodeFiles
    buyers: list[configs.NodeFiles]
    processes: dict[str, Daemon] = field(default_factory=dict)
    #: nodes a test stopped on purpose (the watcher does not treat them as crashed)
    paused: dict[str, bool] = field(default_factory=dict)


def run_demo(options: DemoOptions, say: Say) -> dict[str, object]:
    harness = DemoHarness(options, say)
    harness.start()
    try:
        asyncio.run(harness.watch(options.seconds))
    except KeyboardInterrupt:
        say("interrupted: closing the sessions")
    finally:
        harness.stop()
    return harness.summary()


class DemoHarness:
    """The demo's parts, startable and stoppable one by one (the end-to-end tests use it)."""

    def __init__(self, options: DemoOptions, say: Say) -> None:
        self.options = options
        self.say = say
        self.root = (options.root or Path(tempfile.mkdtemp(prefix="gridnode-demo-"))).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.sampler = Sampler()
        self.started = time.time()
        self.parts: Parts | None = None
        self.latest: dict[str, pb.NodeStatus] = {}

    def start(self) -> Parts:
        self.parts = _start(self.root, self.options, self.say)
        self.started = time.time()
        return self.parts

    async def watch(self, seconds: float | None) -> None:
        assert self.parts is not None
        await _watch(self.parts, seconds, self.say, self.sampler, self.latest)

    def restart(self, name: str) -> None:
        """Start a node process again after it was stopped or killed."""
        assert self.parts is not None
        old = self.parts.processes[name]
        if old.is_running():
            raise DemoError(f"{name} is still running")
        self.parts.processes[name] = spawn(name, old.argv, old.log)

    def stop(self) -> None:
        if self.parts is not None:
            _stop(self.parts, self.options, self.say)

    def summary(self) -> dict[str, object]:
        """The closing summary; the receipt of every session is written first
        (into ``receipts/``), and listed under ``receipts``."""
        assert self.parts is not None
        parts = self.parts
        receipts = self.write_receipts()
        summary = summarize(
            self.root, parts.seller, parts.buyers, self.sampler, self.started, self.options.terms
        )
        summary["receipts"] = [str(p) for p in receipts]
        nodes = [parts.seller, *parts.buyers]
        summary["fingerprints"] = {files.name: files.identity.fingerprint for files in nodes}
        if self.options.outside.metrics:
            summary["metrics"] = {f.name: f"http://{f.metrics}/metrics" for f in nodes}
        if self.options.outside.mqtt:
            summary["mqtt"] = self.options.outside.mqtt
        return summary

    def write_receipts(self) -> list[Path]:
        # from each buyer's ledger: the demo stops the seller first, so the seller may
        # not have heard a buyer's End reading; the buyer holds both series complete
        assert self.parts is not None
        written: list[Path] = []
        for buyer in self.parts.buyers:
            if not buyer.ledger.exists():
                continue
            try:
                written += write_receipts(buyer.ledger, self.root / "receipts")
            except ReceiptError as exc:
                self.say(f"no receipts from {buyer.name}: {exc}")
        return written


def _start(root: Path, options: DemoOptions, say: Say) -> Parts:
    say(f"demo files in {root}")
    network = RegtestNetwork.up(
        root / "regtest",
        nodes=1 + options.buyers,
        topology="star",
        progress=lambda m: say(f"[regtest] {m}"),
    )
    argv = [
        sys.executable,
        "-m",
        "gridnode.demo.circuit",
        "--buyers",
        str(options.buyers),
        "--state",
        str(root / "circuit.json"),
    ]
    argv += ["--load-watts", str(options.load_watts), "--cycling-watts", str(options.cycling_watts)]
    if options.seller_bias:
        argv += ["--seller-bias", str(options.seller_bias)]
    for sag in options.sags:
        argv += ["--sag", sag]
    if options.smart_loads:
        argv.append("--smart-loads")
    if options.circuit_control:
        argv += ["--control", str(root / CIRCUIT_CONTROL)]
    circuit = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=(root / "circuit.log").open("ab"), text=True
    )
    assert circuit.stdout is not None
    line = circuit.stdout.readline()
    if not line:
        network.down()
        raise DemoError(f"the circuit process did not start; see {root / 'circuit.log'}")
    info = json.loads(line)
    say(f"circuit: seller bus {info['seller_port']}, buyer buses {info['buyer_ports']}")
    buyers = [configs.prepare_buyer(root, i) for i in range(1, options.buyers + 1)]
    outside = options.outside
    seller, listen = configs.write_seller(
        root, network.nodes[0], info, buyers, options.terms, outside
    )
    feeds = []
    for i, buyer in enumerate(buyers, start=1):
        feed = options.rate_feed if i == 1 else None
        dial = options.link_via(buyer.name, listen) if options.link_via else listen
        node = network.nodes[i]
        feed = configs.write_buyer(buyer, i, node, info, seller, dial, feed, outside)
        feeds.append(feed)
        say(f"{buyer.name} publishes its live rate on {feed}")
    _say_outside(outside, [seller, *buyers], say)
    parts = Parts(network, circuit, info, seller, buyers)
    _launch(
        parts,
        "seller",
        ["sell", "--config", str(seller.config), "--allow-control"],
        seller.directory,
    )
    # with MQTT, a buyer's pause switch works (it is a control, like the seller's stop)
    control = ["--allow-control"] if outside.mqtt else []
    for buyer in buyers:
        argv = ["buy", "--config", str(buyer.config), *control]
        _launch(parts, buyer.name, argv, buyer.directory)
    board = info.get("smart_loads")
    if isinstance(board, dict):
        loads_config = configs.write_loads(buyers[0], feeds[0], board, options.smart_load_band)
        _launch(parts, "loads-1", ["loads", "--config", str(loads_config)], buyers[0].directory)
        say(f"{buyers[0].name}'s load agent switches its appliances with the rate")
    say(f"seller listening on {listen}; {len(buyers)} buyer(s) started")
    return parts


def _say_outside(outside: configs.Outside, nodes: list[configs.NodeFiles], say: Say) -> None:
    if outside.mqtt:
        say(f"every node publishes to {outside.mqtt} (Home Assistant discovery included)")
    for files in nodes:
        if files.metrics:
            say(f"{files.name} metrics: http://{files.metrics}/metrics")


def _launch(parts: Parts, name: str, args: list[str], directory: Path) -> None:
    argv = [sys.executable, "-m", "gridnode.cli.main", "--log-format", "json", *args]
    parts.processes[name] = spawn(name, argv, directory / f"{name}.log")


async def _watch(
    parts: Parts,
    seconds: float | None,
    say: Say,
    sampler: Sampler,
    latest: dict[str, pb.NodeStatus],
) -> None:
    deadline = None if seconds is None else time.monotonic() + seconds
    nodes = {"seller": parts.seller, **{b.name: b for b in parts.buyers}}
    readers = [
        asyncio.create_task(_follow(n, f.status_socket, latest, sampler)) for n, f in nodes.items()
    ]
    last_line = 0.0
    try:
        while deadline is None or time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            for name, daemon in parts.processes.items():
                if not daemon.is_running() and not parts.paused.get(name):
                    raise DemoError(f"{name} stopped; see {daemon.log}")
            if time.monotonic() - last_line >= 5 and latest:
                last_line = time.monotonic()
                for name in nodes:
                    if name in latest:
                        say(_line(name, latest[name]))
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)


async def _follow(
    name: str, socket: Path, latest: dict[str, pb.NodeStatus], sampler: Sampler
) -> None:
    while True:
        with contextlib.suppress(GridnodeError, OSError):
            async for status in client.subscribe(socket, max_interval_ms=200):
                latest[name] = status
                sampler.add(name, status)
        await asyncio.sleep(0.5)


def _line(name: str, status: pb.NodeStatus) -> str:
    if not status.sessions:
        return f"{name}: no session"
    parts = []
    for s in status.sessions:
        parts.append(
            f"{s.peer_name if status.role == 'seller' else name}: {s.state}"
            f"{' (relay on)' if s.relay_on else ''}, {s.power_mw / 1e6:.2f} kW, "
            f"rate {s.rate_msat_per_kwh / 1000:.0f} sat/kWh, credit {s.credit_msat} msat"
        )
    return f"{name}: " + "; ".join(parts)


def _stop(parts: Parts, options: DemoOptions, say: Say) -> None:
    seller = parts.processes.get("seller")
    if seller is not None:
        seller.stop(timeout_s=20.0, sig=signal.SIGTERM)
    for name, daemon in parts.processes.items():
        if name != "seller":
            daemon.stop(timeout_s=20.0, sig=signal.SIGTERM)
    parts.circuit.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        parts.circuit.wait(10)
    if parts.circuit.poll() is None:
        parts.circuit.kill()
    if not options.keep_network:
        parts.network.down()
        say("stopped the seller, the buyers, the circuit and the regtest network")
