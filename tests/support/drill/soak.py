"""The soak: the demo trading for an hour with several buyers, watched for anything that
grows without bound (docs/drill.md, docs/soak.json).

Every ``sample_s`` it reads each node process's resident memory, open file descriptors
and threads (/proc) and each ledger's pages in use; the growth per hour of each is the
least-squares slope of the samples after the warm-up. LND's database is measured by the
pages bbolt has allocated (``bbolt stats``, LND stopped: once each node when trading has
begun, with the nodes stopped for it, and once when the run is over), not by its file,
which grows in doubling steps.
At the end it makes every money check of the drill.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.bbolt import BboltStats, bbolt_stats, channel_db, stats_with_lnd_stopped
from gridnode.config.settings import SellerSettings, load_settings
from gridnode.demo.run import DemoError, DemoHarness, DemoOptions
from gridnode.regtest.daemons import LndNode
from tests.support.drill.drill import WATCHDOG_TIMEOUT_S, is_status_line
from tests.support.drill.money import Party, check_money, payments_succeeded
from tests.support.drill.receipts import check_receipts
from tests.support.drill.recorder import CircuitRecorder
from tests.support.drill.resources import ProcSample, SqliteSize, sample_process, slope_per_hour
from tests.support.drill.resources import sqlite_size as ledger_size
from tests.support.drill.supply import ClockShifts, SupplyRules, check_supply
from tests.support.regtest.lnd import LndProbe
from tests.support.regtest.node_harness import SCHEDULING_MARGIN_S, TICK_S

Say = Callable[[str], None]

#: Growth per hour, after the warm-up, above which a quantity leaks (docs/drill.md): a
#: node that ran for a month at this slope would hold 0.7 GB more memory, a few hundred
#: more descriptors or threads, so any steady growth at all fails.
LEAK_LIMITS_PER_HOUR = {"rss_kb": 1_024.0, "fds": 1.0, "threads": 1.0}
#: The RSS's parts, reported beside it to say where it grows (not judged on their own).
RSS_PARTS = ("rss_anon_kb", "rss_file_kb")
#: How long the nodes, stopped to read LND's databases, may leave HTLCs pending.
QUIET_WAIT_S = 60.0


@dataclass(frozen=True)
class SoakPlan:
    minutes: float = 60.0
    buyers: int = 5
    sample_s: float = 30.0
    #: samples before this are left out of the slopes: imports, first sessions, and the
    #: caches that fill to a bound (SQLite's page caches, measured full by minute 12 on a
    #: buyer and minute 4 on the seller; docs/drill.md)
    warmup_s: float = 900.0


@dataclass
class _Watch:
    processes: dict[str, list[ProcSample]] = field(default_factory=dict)
    ledgers: dict[str, list[tuple[float, SqliteSize]]] = field(default_factory=dict)
    restarts: list[str] = field(default_factory=list)


def run_soak(plan: SoakPlan, root: Path, say: Say) -> dict[str, Any]:
    options = DemoOptions(
        buyers=plan.buyers, root=root / "demo", keep_network=True, tie_network=True
    )
    demo = DemoHarness(options, lambda line: None if is_status_line(line) else say(line))
    probe = LndProbe()
    try:
        demo.start()
        assert demo.parts is not None
        network = demo.parts.network
        recorder = CircuitRecorder(demo.root / "circuit.json").start()
        started = time.time()
        watch = _Watch()
        _run(demo, 20, watch, say)
        lnd_before = _lnd_stats_between_trading(demo, say)
        paid_before = _payments(demo)
        measured_from = time.time()
        deadline = started + plan.minutes * 60
        while (left := deadline - time.time()) > 0:
            _run(demo, min(plan.sample_s, left), watch, say)
            _sample(demo, watch, time.time() - started)
        paid = {n: _payments(demo)[n] - paid_before[n] for n in paid_before}
        hours = (time.time() - measured_from) / 3600
        say("stopping cleanly; the money checks, then each LND's database")
        stopped = time.time()
        demo.stop()
        recorder.stop()
        money = _money(demo, probe, recorder, stopped)
        network.down()
        names = _names(demo)
        lnd_after = {n: bbolt_stats(channel_db(network.nodes[i])) for i, n in enumerate(names)}
        return _document(plan, watch, started, paid, hours, lnd_before, lnd_after, money)
    finally:
        probe.close()
        if demo.parts is not None:
            demo.stop()
            demo.parts.network.down()


def _lnd_stats_between_trading(demo: DemoHarness, say: Say) -> dict[str, BboltStats]:
    """Each LND's database, read with that LND stopped while no node trades: the nodes
    stop cleanly first (no payment is then left in flight in a stopped LND; one stopped
    mid-payment kept a payment in flight for the rest of a run) and start again after."""
    assert demo.parts is not None
    parts = demo.parts
    say("stopping the nodes to read each LND's database (each stopped for a moment)")
    names = list(parts.processes)
    for name in names:
        parts.processes[name].stop()
    deadline = time.monotonic() + QUIET_WAIT_S
    while (busy := _htlcs_pending(parts.network.nodes)) and time.monotonic() < deadline:
        time.sleep(1.0)
    if busy:
        say(f"HTLCs still pending after {QUIET_WAIT_S:g} s: {busy}")
    stats = {n: stats_with_lnd_stopped(parts.network, i) for i, n in enumerate(_names(demo))}
    for name in names:
        demo.restart(name)
    say("nodes started again: trading")
    return stats


def _htlcs_pending(nodes: list[LndNode]) -> int:
    """HTLCs still pending on every channel of ``nodes``."""
    pending = 0
    for node in nodes:
        admin = node.admin()
        try:
            pending += sum(len(c.pending_htlcs) for c in admin.channels())
        finally:
            admin.close()
    return pending


def _names(demo: DemoHarness) -> list[str]:
    assert demo.parts is not None
    return ["seller", *(b.name for b in demo.parts.buyers)]


def _run(demo: DemoHarness, seconds: float, watch: _Watch, say: Say) -> None:
    """Let the demo run; a node that exits is restarted (and the soak fails)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            asyncio.run(demo.watch(left))
        except DemoError as exc:
            assert demo.parts is not None
            for name, daemon in demo.parts.processes.items():
                if not daemon.is_running():
                    say(f"{name} stopped ({exc}); restarting it")
                    watch.restarts.append(name)
                    demo.restart(name)


def _sample(demo: DemoHarness, watch: _Watch, at_s: float) -> None:
    assert demo.parts is not None
    for name, daemon in demo.parts.processes.items():
        sample = sample_process(daemon.pid, at_s)
        if sample is not None:
            watch.processes.setdefault(name, []).append(sample)
    for files in [demo.parts.seller, *demo.parts.buyers]:
        if files.ledger.exists():
            watch.ledgers.setdefault(files.name, []).append((at_s, ledger_size(files.ledger)))


def _payments(demo: DemoHarness) -> dict[str, int]:
    """Succeeded payments by node: each buyer's own, and all of them for the seller."""
    assert demo.parts is not None
    buyers = {b.name: payments_succeeded(b.ledger) for b in demo.parts.buyers}
    return {"seller": sum(buyers.values()), **buyers}


def _money(
    demo: DemoHarness, probe: LndProbe, recorder: CircuitRecorder, stopped: float
) -> dict[str, Any]:
    assert demo.parts is not None
    parts = demo.parts
    nodes = parts.network.nodes
    seller = Party("seller", parts.seller.ledger, nodes[0])
    buyers = [Party(b.name, b.ledger, nodes[i]) for i, b in enumerate(parts.buyers, start=1)]
    money = check_money(seller, buyers, probe, final=True)
    settings = load_settings(parts.seller.config)
    assert isinstance(settings, SellerSettings)
    terms = settings.selling.terms
    rules = SupplyRules(
        terms.policy.cutoff.msat,
        terms.payments.unpaid.msat,
        terms.policy.restore.msat,
        TICK_S + SCHEDULING_MARGIN_S,
        WATCHDOG_TIMEOUT_S + SCHEDULING_MARGIN_S,
    )
    fprs = [b.identity.fingerprint for b in parts.buyers]
    supply = check_supply(
        parts.seller.ledger,
        fprs,
        recorder.snapshot(),
        terms.profile,
        rules,
        shifts=ClockShifts(),
        seller_kills_s=[],
        until_s=time.time(),
    )
    ledgers = {"seller": parts.seller.ledger, **{b.name: b.ledger for b in parts.buyers}}
    by_name = {b.name: b.identity.fingerprint for b in parts.buyers}
    receipts = check_receipts(ledgers, parts.seller.identity.fingerprint, by_name, {}, stopped)
    problems = money.problems + supply.problems + receipts.problems
    return {
        "nothing_lost": not problems,
        "problems": [asdict(p) for p in problems],
        "counts": money.counts,
        "relay_on_intervals": supply.on_intervals,
        "cuts_for_credit": supply.cuts_for_credit,
        "max_on_below_cut_off_line_s": round(supply.max_on_below_line_s, 2),
        "receipts_verified": receipts.verified,
        "offers_rejected": receipts.rejected,
    }


def _growth(points: list[tuple[float, float]], warmup_s: float) -> dict[str, float]:
    """The slope after the warm-up (judged), and the slope of its later half (said
    beside it: a leak grows as fast late as early, a cache filling to its bound slows)."""
    kept = [(t, v) for t, v in points if t >= warmup_s] or points
    later = kept[len(kept) // 2 :]
    return {
        "start": points[0][1],
        "end": points[-1][1],
        "growth_per_hour": round(slope_per_hour(kept), 2),
        "later_half_growth_per_hour": round(slope_per_hour(later), 2),
    }


def _document(
    plan: SoakPlan,
    watch: _Watch,
    started: float,
    paid: dict[str, int],
    hours: float,
    lnd_before: dict[str, BboltStats],
    lnd_after: dict[str, BboltStats],
    money: dict[str, Any],
) -> dict[str, Any]:
    nodes: dict[str, Any] = {}
    leaks = []
    for name, samples in sorted(watch.processes.items()):
        entry: dict[str, Any] = {"samples": len(samples)}
        for quantity, limit in LEAK_LIMITS_PER_HOUR.items():
            points = [(s.at_s, float(getattr(s, quantity))) for s in samples]
            entry[quantity] = _growth(points, plan.warmup_s)
            if entry[quantity]["growth_per_hour"] > limit:
                leaks.append(f"{name} {quantity} grows {entry[quantity]['growth_per_hour']}/h")
        for part in RSS_PARTS:
            points = [(s.at_s, float(getattr(s, part))) for s in samples]
            entry[part] = _growth(points, plan.warmup_s)
        nodes[name] = entry
    ledgers = {}
    for name, sizes in sorted(watch.ledgers.items()):
        used = _growth([(t, float(s.used_bytes)) for t, s in sizes], plan.warmup_s)
        files = _growth([(t, float(s.file_bytes)) for t, s in sizes], plan.warmup_s)
        per_payment = used["growth_per_hour"] * hours / paid[name] if paid.get(name) else None
        ledgers[name] = {
            "used_bytes": used,
            "file_bytes": files,
            "used_bytes_per_payment": None if per_payment is None else round(per_payment),
        }
    lnd = {}
    for name, before in lnd_before.items():
        after = lnd_after[name]
        grown = after.allocated_bytes - before.allocated_bytes
        lnd[name] = {
            "allocated_bytes": {"start": before.allocated_bytes, "end": after.allocated_bytes},
            "allocated_growth_per_hour": round(grown / hours),
            "data_bytes": {"start": before.used_bytes, "end": after.used_bytes},
            "file_bytes": {"start": before.file_bytes, "end": after.file_bytes},
            "payments": paid[name],
            "allocated_bytes_per_payment": round(grown / paid[name]) if paid[name] else None,
            "data_bytes_per_payment": (
                round((after.used_bytes - before.used_bytes) / paid[name]) if paid[name] else None
            ),
        }
    return {
        "minutes": plan.minutes,
        "buyers": plan.buyers,
        "seconds": round(time.time() - started, 1),
        "sample_s": plan.sample_s,
        "warmup_s": plan.warmup_s,
        "leak_limits_per_hour": LEAK_LIMITS_PER_HOUR,
        "no_leak": not leaks and not watch.restarts,
        "leaks": leaks,
        "restarts": watch.restarts,
        "payments": paid,
        "nodes": nodes,
        "ledgers": ledgers,
        "lnd": lnd,
        "money": money,
    }
