"""A local regtest Lightning network: btcd and N LND nodes with funded channels.

Two btcd processes run: ``btcd`` is the chain backend every LND connects to, and
``miner`` (its peer) mines to the LND nodes' own addresses. btcd has no
``generatetoaddress``, and its ``--miningaddr`` is fixed at start, so the miner can only
start once the LND nodes exist to give it their addresses; this avoids restarting the
backend under running LND nodes.

btcd on regtest activates segwit only after a few hundred blocks, so ``up`` mines
:data:`INITIAL_BLOCKS` before any channel is funded, and it counts the network as up
only when a probe payment has crossed every channel in both directions (a channel that
shows active can still refuse a payment for a second or two).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gridnode.regtest.channels import open_in_batches, wait_active, wait_started
from gridnode.regtest.daemons import (
    Btcd,
    LndNode,
    btcd_from,
    cache_dir,
    node_from,
    start_btcd,
    start_lnd,
)
from gridnode.regtest.leftovers import StartLog, stop_leftovers
from gridnode.regtest.processes import (
    Daemon,
    RegtestError,
    free_ports,
    log_errors,
    spawn,
    stop_all,
    wait_for,
)
from gridnode.regtest.progress import STALL_S, Admins, follow

INITIAL_BLOCKS = 500
#: How much longer a sync may show no progress for each LND node syncing at once (s):
#: twelve nodes on two busy cores took 60 s to report synced at height 500.
SYNC_STALL_PER_NODE_S = 10.0
CHANNEL_CAPACITY_SAT = 10_000_000
CHANNEL_PUSH_SAT = 5_000_000
STATE_FILE = "network.json"
#: How long a daemon has to stop after SIGTERM before it is killed (s).
DAEMON_STOP_S = 20.0
TOPOLOGIES = ("chain", "star", "star2", "star3")

Progress = Callable[[str], None]

# Lines at [ERR] level that LND and btcd write on a healthy regtest run.
ALLOWED_LOG_ERRORS = [
    re.compile(p)
    for p in (
        r"Unable to .*(lookup|query) .*fee",  # no fee estimates on a fresh regtest chain
        r"unable to get fee estimate",
        r"Failed to estimate fee",
        r"can't find peer for graph sync",
        r"Received error from peer",
        r"RPC server is in the process of starting up",  # our readiness polling
        # our GetInfo readiness poll, answered before LND's wallet and services are up
        r"\[/lnrpc.Lightning/GetInfo\]: (wallet locked|waiting to start)",
        r"already have transaction in mempool",  # LND rebroadcasting its own funding tx
    )
]


class RegtestNetwork:
    """A running (or recorded) regtest network under one directory."""

    def __init__(self, root: Path, btcd: Btcd, miner: Btcd, nodes: list[LndNode]) -> None:
        #: payment hashes of probes that failed on purpose while a channel warmed up;
        #: LND logs those at error level, and the log check knows them.
        self.probe_failures: list[str] = []
        #: patterns of error lines that a test provoked on purpose (a wrong macaroon, ...)
        self.expected_errors: list[str] = []
        self.topology = "chain"
        #: where the waits say what they wait for (``regtest up``'s progress)
        self.say: Progress = lambda _msg: None
        self.root = root
        self.btcd = btcd
        self.miner = miner
        self.nodes = nodes

    # -- lifecycle ------------------------------------------------------------------
    @classmethod
    def up(
        cls,
        root: Path | None = None,
        nodes: int = 2,
        progress: Progress | None = None,
        topology: str = "chain",
        *,
        tied: bool = False,
    ) -> RegtestNetwork:
        """Start a network. ``topology``: ``chain`` opens a channel between each pair of
        neighbours; ``star`` one from node0 to every other node (a seller with a direct
        channel to each buyer, as the README recommends). ``tied``: the daemons die with
        this process (``gridnode demo``); untied they run until ``down`` (``regtest up``).
        Whatever is started is stopped again if starting fails or is interrupted."""
        if nodes < 1:
            raise RegtestError("--nodes must be at least 1")
        if topology not in TOPOLOGIES:
            raise RegtestError(f"topology must be one of {', '.join(TOPOLOGIES)}, not {topology}")
        say = progress or (lambda _msg: None)
        root = Path(tempfile.mkdtemp(prefix="gridnode-regtest-")) if root is None else root
        root = root.resolve()
        if (root / STATE_FILE).exists() and cls.load(root).any_running():
            raise RegtestError(
                f"a regtest network already runs in {root}; stop it first with "
                f"'gridnode regtest down --dir {root}'."
            )
        root.mkdir(parents=True, exist_ok=True)
        for name in stop_leftovers(root):
            say(f"stopped {name}, left running by a regtest up that was killed in {root}")
        started = StartLog(root)
        try:
            network = cls._start(root, nodes, topology, say, started, tied)
        except BaseException:
            stop_all(reversed(started.daemons), timeout_s=5.0)
            started.done()
            raise
        network.save()
        started.done()
        _current_pointer().parent.mkdir(parents=True, exist_ok=True)
        _current_pointer().write_text(str(root))
        return network

    @classmethod
    def _start(
        cls, root: Path, count: int, topology: str, say: Progress, started: StartLog, tied: bool
    ) -> RegtestNetwork:
        t0 = time.monotonic()
        ports = free_ports(3 + 2 * count)
        say(f"starting btcd (regtest) in {root}")
        btcd = start_btcd(root / "btcd", ports[0], ports[1], [], tied)
        started.append(btcd.daemon)
        btcd.rpc.wait_ready()

        nodes: list[LndNode] = []
        for i in range(count):
            node = start_lnd(root, f"node{i}", btcd, ports[3 + 2 * i], ports[4 + 2 * i], tied)
            started.append(node.daemon)
            nodes.append(node)
        addresses = []
        wait_started(nodes, say)
        for node in nodes:
            admin = node.admin()
            node.pubkey = admin.wait_ready().identity_pubkey
            addresses.append(admin.new_address())
            admin.close()
            say(f"{node.name} up: {node.grpc_host} {node.pubkey[:16]}…")

        miner = start_btcd(
            root / "miner",
            rpc_port=ports[2],
            p2p_port=None,
            extra=[f"--connect={btcd.p2p_host}", *(f"--miningaddr={a}" for a in addresses)],
            tied=tied,
        )
        started.append(miner.daemon)
        miner.rpc.wait_ready()
        network = cls(root, btcd, miner, nodes)
        network.topology = topology
        network.say = say
        say(f"mining {INITIAL_BLOCKS} blocks to the nodes' wallets (segwit activates on the way)")
        network.mine(INITIAL_BLOCKS)
        network.open_channels()
        say("probing every channel both ways")
        network.wait_payable()
        say(f"regtest network up in {time.monotonic() - t0:.1f} s")
        return network

    def down(self, timeout_s: float = DAEMON_STOP_S) -> list[str]:
        """Stop exactly the processes this network started (the LND nodes together, then
        the two btcds: at most twice ``timeout_s``); returns their names."""
        stopped = stop_all([n.daemon for n in self.nodes], timeout_s)
        return stopped + stop_all([self.miner.daemon, self.btcd.daemon], timeout_s)

    def any_running(self) -> bool:
        return any(d.is_running() for d in self.daemons())

    def daemons(self) -> list[Daemon]:
        return [self.btcd.daemon, self.miner.daemon, *(n.daemon for n in self.nodes)]

    # -- operations -------------------------------------------------------------------
    def mine(self, blocks: int) -> int:
        """Mine ``blocks`` and wait until the backend and every LND node have them.

        Transactions the LND nodes broadcast reach the backend first; wait until the
        miner has them too, so the next block confirms them.
        """
        pending = set(self.btcd.rpc.mempool())
        wait_for(
            lambda: pending <= set(self.miner.rpc.mempool()),
            "the miner to receive the pending transactions",
            30.0,
        )
        self.miner.rpc.generate(blocks)
        height = self.miner.rpc.block_count()
        wait_for(
            lambda: self.btcd.rpc.block_count() >= height, f"btcd to reach height {height}", 60.0
        )
        running = [(n.name, n.admin()) for n in self.nodes if n.daemon.is_running()]
        with Admins(running) as admins:
            what = f"{len(running)} LND node(s) to sync to height {height}"
            # a node may take a while with nothing to show (its graph catching up), and
            # every node does it at once on a shared machine: allow for each node
            stall_s = STALL_S + SYNC_STALL_PER_NODE_S * len(running)
            follow(functools.partial(admins.heights, height), what, self.say, stall_s=stall_s)
        return height

    def open_channels(self) -> None:
        """The topology's channels, in batches (:mod:`gridnode.regtest.channels`), then
        six blocks and every channel active."""
        pairs = self.channel_pairs()
        open_in_batches(pairs, CHANNEL_CAPACITY_SAT, CHANNEL_PUSH_SAT, self.mine, self.say)
        self.mine(6)
        self.wait_channels_active()

    def channel_pairs(self) -> list[tuple[LndNode, LndNode]]:
        """The (opener, peer) pairs the topology puts a channel between."""
        if self.topology.startswith("star"):  # "star2": node0 and node1 to every other
            hubs = int(self.topology[4:] or "1")
            return [(hub, other) for hub in self.nodes[:hubs] for other in self.nodes[hubs:]]
        return list(itertools.pairwise(self.nodes))

    def wait_channels_active(self, timeout_s: float = 60.0) -> None:
        wait_active(self.nodes, self.channel_pairs(), self.say, stall_s=timeout_s)

    def wait_payable(self, timeout_s: float = 60.0) -> None:
        for left, right in self.channel_pairs():
            for payer, payee in ((left, right), (right, left)):
                self.probe_failures += _probe(payer, payee, timeout_s)

    def kill_lnd(self, index: int) -> None:
        """SIGKILL one LND node, as a crash would."""
        self.nodes[index].daemon.kill()

    def restart_lnd(self, index: int, extra_args: tuple[str, ...] = ()) -> None:
        """Stop one LND node cleanly and start it again, with ``extra_args`` this time."""
        node = self.nodes[index]
        node.daemon.stop()
        base = tuple(a for a in node.daemon.argv if a not in extra_args)
        node.daemon = dataclasses.replace(node.daemon, argv=(*base, *extra_args))
        self.start_lnd(index)

    def start_lnd(self, index: int) -> None:
        """Start a stopped LND node again with the same command line; waits until ready."""
        node = self.nodes[index]
        if node.daemon.is_running():
            raise RegtestError(f"{node.name} is still running")
        node.daemon = spawn(node.name, node.daemon.argv, node.daemon.log, tied=node.daemon.tied)
        admin = node.admin()
        admin.wait_ready()
        wait_for(lambda: admin.get_info().synced_to_chain, f"{node.name} to sync", 60.0)
        admin.close()
        self.save()

    def expect_log_errors(self, *patterns: str) -> None:
        """Tell the log check that error lines matching ``patterns`` are provoked on purpose."""
        self.expected_errors.extend(patterns)

    def unexpected_log_errors(self) -> dict[str, list[str]]:
        """Error lines in the daemons' logs that a healthy run does not write."""
        found: dict[str, list[str]] = {}
        logs = {n.name: n.log_file for n in self.nodes}
        logs["btcd"] = self.btcd.rpc.cert.parent / "logs" / "regtest" / "btcd.log"
        logs["miner"] = self.miner.rpc.cert.parent / "logs" / "regtest" / "btcd.log"
        allowed = ALLOWED_LOG_ERRORS + [
            re.compile(p) for p in [*self.probe_failures, *self.expected_errors]
        ]
        for name, log in logs.items():
            lines = log_errors(log, allowed)
            if lines:
                found[name] = lines
        return found

    def status(self) -> dict[str, object]:
        doc = self.to_json()
        try:
            doc["block_height"] = self.btcd.rpc.block_count()
        except RegtestError:
            doc["block_height"] = None
        nodes = doc["nodes"]
        assert isinstance(nodes, list)
        for node, entry in zip(self.nodes, nodes, strict=True):
            entry["running"] = node.daemon.is_running()
            if entry["running"]:
                admin = node.admin()
                try:
                    entry["active_channels"] = len(admin.active_channels())
                except RegtestError as exc:
                    entry["error"] = str(exc)
                finally:
                    admin.close()
        doc["running"] = {d.name: d.is_running() for d in self.daemons()}
        return doc

    # -- persistence -------------------------------------------------------------------
    def to_json(self) -> dict[str, object]:
        return {
            "dir": str(self.root),
            "nodes": [n.to_json() for n in self.nodes],
            "btcd": self.btcd.to_json(),
            "miner": self.miner.to_json(),
            "topology": self.topology,
            "probe_failures": self.probe_failures,
        }

    def save(self) -> None:
        (self.root / STATE_FILE).write_text(json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def load(cls, root: Path | None = None) -> RegtestNetwork:
        if root is None:
            pointer = _current_pointer()
            if not pointer.exists():
                raise RegtestError(
                    "no regtest network is recorded; start one with 'gridnode regtest up'."
                )
            root = Path(pointer.read_text().strip())
        state = root / STATE_FILE
        try:
            doc = json.loads(state.read_text())
        except FileNotFoundError as exc:
            raise RegtestError(
                f"no regtest network is recorded in {root} ({STATE_FILE} is missing)."
            ) from exc
        return cls(
            root,
            btcd_from(doc["btcd"]),
            btcd_from(doc["miner"]),
            [node_from(n) for n in doc["nodes"]],
        )


def _current_pointer() -> Path:
    return cache_dir() / "regtest" / "current"


def _probe(payer: LndNode, payee: LndNode, timeout_s: float) -> list[str]:
    """Pay 1 sat until it goes through; returns the hashes of the attempts that failed."""
    receiver, sender = payee.admin(), payer.admin()
    deadline = time.monotonic() + timeout_s
    last = ""
    failed: list[str] = []
    try:
        while time.monotonic() < deadline:
            bolt11, payment_hash = receiver.add_invoice(1, f"probe {payer.name}->{payee.name}")
            ok, last = sender.pay(bolt11)
            if ok:
                return failed
            failed.append(payment_hash)
            time.sleep(0.5)
    finally:
        receiver.close()
        sender.close()
    raise RegtestError(f"no payment went {payer.name} -> {payee.name} in {timeout_s} s ({last})")
