"""``gridnode demo``: a seller and buyers trading for real on one machine.

It starts a regtest Lightning network (a seller with a direct channel to each buyer),
the circuit process (meters and relays served over Modbus RTU on pseudo-terminals), one
seller and ``--buyers`` buyer processes talking over the pinned TLS link, and watches
them through their status sockets. ``--seconds S`` ends it cleanly after S seconds;
otherwise it runs until interrupted. Every file of the run is under ``--dir``.

Every process it starts ends with it, however it ends: SIGINT, SIGTERM and SIGHUP stop
it cleanly, in order, each step bounded (:mod:`gridnode.demo.stopping`), as does a
part that dies or any other exception; if the demo itself is killed, Linux kills them
(:mod:`gridnode.regtest.lifetime`). They are recorded in ``processes.json``, and a demo
started in the same folder stops what a killed one left running
(:mod:`gridnode.demo.records`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.demo import configs
from gridnode.demo.follow import follow_status, status_line
from gridnode.demo.launch import DemoError as DemoError
from gridnode.demo.launch import launch, start_circuit, start_network
from gridnode.demo.records import RunRecord
from gridnode.demo.stopping import Begun, stop_in_order
from gridnode.demo.summary import Sampler, per_buyer, summarize
from gridnode.demo.tenants import TenantWatch, buyer_gap_ms, payer_of, seller_plan
from gridnode.errors import GridnodeError
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.files import write_receipts
from gridnode.regtest.lifetime import StopRequested, StopSignals
from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import Daemon, spawn
from gridnode.status.pb import status_pb2 as pb

Say = Callable[[str], None]

#: The circuit's control socket in the demo's folder (with ``circuit_control``).
CIRCUIT_CONTROL = "circuit-control.sock"


@dataclass
class DemoOptions:
    buyers: int = 1
    seconds: float | None = None
    root: Path | None = None
    keep_network: bool = False
    #: the network's daemons die with this process, however it ends; default: unless the
    #: network is kept (``--keep-network`` leaves it to the user after the command). A
    #: harness that keeps it to check LND afterwards, in this process, ties it.
    tie_network: bool | None = None
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
    #: how many LND nodes pay for the buyers (None: one each) and how many buyers stop
    #: paying partway (gridnode.demo.tenants)
    payers: int | None = None
    stall: int = 0
    #: how many buyers (the last ones) have no meter of their own (issue 18 §5)
    seller_metered: int = 0
    #: the cycling appliance's (on_s, off_s, offset_s); default 90 s on, 60 s off
    cycle: tuple[float, float, float] | None = None
    #: the seller's meters at this baud, with a real line's timing (None: as fast as
    #: the bus budget needs, on instant ptys); a slow one needs more buses
    bus_baud: int | None = None

    @property
    def network_tied(self) -> bool:
        return self.tie_network if self.tie_network is not None else not self.keep_network


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
    """Start, watch until ``--seconds`` or a stop signal, stop in order, summarise."""
    return run_harness(DemoHarness(options, say))


def run_harness(harness: DemoHarness) -> dict[str, object]:
    """:func:`run_demo` with ``harness`` (the estate's, the estate day's)."""
    say = harness.say
    with StopSignals(say) as stops:
        start_or_explain(harness)
        try:
            asyncio.run(harness.watch(harness.options.seconds, stops))
        except KeyboardInterrupt:
            say("interrupted: closing the sessions")
        finally:
            stops.hold()
            harness.stop()
        return harness.summary()


class DemoStoppedError(GridnodeError):
    """The demo was stopped before it had started; what it started is stopped."""


def start_or_explain(harness: DemoHarness) -> None:
    """``harness.start()``, with a stop signal during start-up told as a sentence."""
    try:
        harness.start()
    except StopRequested as exc:
        raise DemoStoppedError(
            f"The demo was stopped by {exc.signal.name} while it was starting; everything "
            "it had started is stopped."
        ) from None


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
        payers = min(options.payers or options.buyers, options.buyers)
        self.tenants = TenantWatch(options.stall, options.seconds, payers, options.terms)
        self._receipts_by_buyer: dict[str, list[Path]] = {}
        self.record: RunRecord | None = None

    def start(self) -> Parts:
        """Start every part; if that fails or is interrupted, what was started is
        stopped again before the exception goes on."""
        self.record = RunRecord.claim(self.root, self.options.keep_network, self.say)
        begun = Begun(self.record)
        try:
            self.parts = self.start_parts(begun)
        except BaseException:
            begun.undo(self.options.keep_network)
            self.record.finish()
            raise
        self.started = time.time()
        return self.parts

    def start_parts(self, begun: Begun) -> Parts:
        """Start the network, the circuit and the nodes (what each demo starts)."""
        return _start(self.root, self.options, self.say, begun)

    async def watch(self, seconds: float | None, stops: StopSignals | None = None) -> None:
        """Watch until ``seconds`` pass, a part dies (:class:`DemoError`), or ``stops``
        hears a stop signal."""
        assert self.parts is not None
        stop = asyncio.Event()
        duties = self._tenant_duties()
        try:
            with stops.watching(stop.set) if stops else contextlib.nullcontext():
                await _watch(self.parts, seconds, self.say, self.sampler, self.latest, stop)
        finally:
            duties.cancel()

    def _tenant_duties(self) -> asyncio.Task[None]:
        """The cost sampler and the stalled buyers (gridnode.demo.tenants)."""
        parts = self.parts
        assert parts is not None
        pids = {name: daemon.pid for name, daemon in parts.processes.items()}
        lnds = {node.name: node.daemon.pid for node in parts.network.nodes}
        self.tenants.start(pids, lnds, parts.circuit.pid)
        buyers = {b.name: pids[b.name] for b in parts.buyers}
        return asyncio.create_task(self.tenants.run(buyers, parts.paused, self.say))

    def restart(self, name: str) -> None:
        """Start a node process again after it was stopped or killed."""
        assert self.parts is not None
        old = self.parts.processes[name]
        if old.is_running():
            raise DemoError(f"{name} is still running")
        self.parts.processes[name] = spawn(name, old.argv, old.log, tied=True)
        if self.record is not None:
            self.record.add(self.parts.processes[name])

    def stop(self) -> None:
        if self.parts is not None:
            self.tenants.stop()
            _stop(self.parts, self.options, self.say)
        if self.record is not None:
            self.record.finish()

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
        summary.update(self.tenants.figures(parts.seller, parts.buyers, self.sampler.energy_mwh))
        # each buyer's account (gridnode.demo.tenants) with its receipts' figures
        accounts = summary["buyers"]
        assert isinstance(accounts, dict)
        for name, figures in per_buyer(self._receipts_by_buyer).items():
            accounts.setdefault(name, {}).update(figures)
        nodes = [parts.seller, *parts.buyers]
        summary["fingerprints"] = {files.name: files.identity.fingerprint for files in nodes}
        if self.options.outside.metrics:
            summary["metrics"] = {f.name: f"http://{f.metrics}/metrics" for f in nodes}
        if self.options.outside.mqtt:
            summary["mqtt"] = self.options.outside.mqtt
        return summary

    def write_receipts(self) -> list[Path]:
        # from each buyer's ledger, which holds both series complete (the buyer waits for
        # the seller's End, its closing statement and Close before it stops)
        assert self.parts is not None
        written: list[Path] = []
        for buyer in self.parts.buyers:
            if not buyer.ledger.exists():
                continue
            try:
                paths = write_receipts(buyer.ledger, self.root / "receipts")
            except ReceiptError as exc:
                self.say(f"no receipts from {buyer.name}: {exc}")
                continue
            self._receipts_by_buyer[buyer.name] = paths
            written += paths
        return written


def _start(root: Path, options: DemoOptions, say: Say, begun: Begun) -> Parts:
    say(f"demo files in {root}")
    payers = min(options.payers or options.buyers, options.buyers)
    network = start_network(
        root,
        say,
        begun,
        nodes=1 + payers,
        topology="star",
        tied=options.network_tied,
    )
    argv = [sys.executable, "-m", "gridnode.demo.circuit", "--buyers", str(options.buyers)]
    argv += ["--state", str(root / "circuit.json")]
    argv += ["--load-watts", str(options.load_watts), "--cycling-watts", str(options.cycling_watts)]
    plan = seller_plan(options.buyers, options.terms, options.bus_baud)
    argv += plan.circuit_args(line_timing=options.bus_baud is not None)
    if options.seller_bias:
        argv += ["--seller-bias", str(options.seller_bias)]
    for sag in options.sags:
        argv += ["--sag", sag]
    if options.terms.three_phase:
        argv.append("--three-phase")
    if options.cycle is not None:
        argv += ["--cycle", ":".join(str(x) for x in options.cycle)]
    if options.smart_loads:
        argv.append("--smart-loads")
    if options.circuit_control:
        argv += ["--control", str(root / CIRCUIT_CONTROL)]
    circuit, info = start_circuit(root, argv, begun)
    say(f"circuit: seller {plan} {info['seller_ports']}, buyer buses {info['buyer_ports']}")
    alone = options.buyers - options.seller_metered  # buyers from here on have no meter
    buyers = [
        configs.prepare_buyer(root, i, seller_metered=i > alone)
        for i in range(1, options.buyers + 1)
    ]
    outside = options.outside
    # each buyer's payer LND (shared with --payers)
    buyer_nodes = [network.nodes[payer_of(i, payers)].pubkey for i in range(1, len(buyers) + 1)]
    seller, listen = configs.write_seller(
        root, network.nodes[0], info, buyers, options.terms, outside, buyer_nodes, plan
    )
    feeds = []
    for i, buyer in enumerate(buyers, start=1):
        feed = options.rate_feed if i == 1 else None
        dial = options.link_via(buyer.name, listen) if options.link_via else listen
        node = network.nodes[payer_of(i, payers)]
        feed = configs.write_buyer(
            buyer,
            i,
            node,
            info,
            seller,
            dial,
            feed,
            outside,
            terms=options.terms,
            gap_ms=buyer_gap_ms(options.buyers),
            seller_node=network.nodes[0].pubkey,
        )
        feeds.append(feed)
        say(f"{buyer.name} publishes its live rate on {feed}")
    _say_outside(outside, [seller, *buyers], say)
    parts = Parts(network, circuit, info, seller, buyers)
    start = functools.partial(launch, parts, begun)
    start("seller", ["sell", "--config", str(seller.config), "--allow-control"], seller.directory)
    # with MQTT, a buyer's pause switch works (it is a control, like the seller's stop)
    control = ["--allow-control"] if outside.mqtt else []
    for buyer in buyers:
        start(buyer.name, ["buy", "--config", str(buyer.config), *control], buyer.directory)
    board = info.get("smart_loads")
    if isinstance(board, dict):
        loads_config = configs.write_loads(buyers[0], feeds[0], board, options.smart_load_band)
        start("loads-1", ["loads", "--config", str(loads_config)], buyers[0].directory)
        say(f"{buyers[0].name}'s load agent switches its appliances with the rate")
    say(f"seller listening on {listen}; {len(buyers)} buyer(s) started")
    say(f"{payers} LND node(s) pay for {len(buyers)} buyer(s), each buyer with its own macaroon")
    return parts


def _say_outside(outside: configs.Outside, nodes: list[configs.NodeFiles], say: Say) -> None:
    if outside.mqtt:
        say(f"every node publishes to {outside.mqtt} (Home Assistant discovery included)")
    for files in nodes:
        if files.metrics:
            say(f"{files.name} metrics: http://{files.metrics}/metrics")


async def _watch(
    parts: Parts,
    seconds: float | None,
    say: Say,
    sampler: Sampler,
    latest: dict[str, pb.NodeStatus],
    stop: asyncio.Event,
) -> None:
    deadline = None if seconds is None else time.monotonic() + seconds
    nodes = {"seller": parts.seller, **{b.name: b for b in parts.buyers}}
    readers = [
        asyncio.create_task(follow_status(n, f.status_socket, latest, sampler))
        for n, f in nodes.items()
    ]
    last_line = 0.0
    try:
        while deadline is None or time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)
            if stop.is_set():
                say("closing the sessions")
                return
            for name, daemon in parts.processes.items():
                if not daemon.is_running() and not parts.paused.get(name):
                    raise DemoError(daemon.stopped_text())
            if time.monotonic() - last_line >= 5 and latest:
                last_line = time.monotonic()
                for name in nodes:
                    if name in latest:
                        say(status_line(name, latest[name]))
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)


def _stop(parts: Parts, options: DemoOptions, say: Say) -> None:
    stop_in_order(parts.processes, parts.circuit, parts.network, options.keep_network)
    if not options.keep_network:
        say("stopped the seller, the buyers, the circuit and the regtest network")
