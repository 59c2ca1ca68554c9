"""The drill: a trading demo, faults at random moments (seeded), and after every fault and
at the end the checks that nothing was lost (docs/drill.md).

:func:`run_drill` is what ``scripts/drill.py`` and the regtest tier's short drill call. It
returns one JSON-able document: the plan and its seed, every fault with what was done,
when, how long trading took to come back, and what the checks found after it; then the
final checks (money, relay against credit, receipts) and a summary.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import grpc

from gridnode.config.settings import SellerSettings, load_settings
from gridnode.demo.run import DemoHarness, DemoOptions
from gridnode.node.main import CLOCK_SHIFT_ENV
from gridnode.regtest.processes import RegtestError
from tests.support.drill.channels import dead_channels, replace_channel
from tests.support.drill.diagnose import diagnose
from tests.support.drill.disk import Tmpfs
from tests.support.drill.faults import CLOCK_SHIFT_FILE, FaultKind
from tests.support.drill.inject import Injector, Timings
from tests.support.drill.money import Party, Problem, check_money, payments_succeeded
from tests.support.drill.proxy import ProxyLoop
from tests.support.drill.receipts import check_receipts
from tests.support.drill.recorder import CircuitRecorder
from tests.support.drill.supply import ClockShifts, SupplyRules, check_supply
from tests.support.regtest.lnd import LndProbe
from tests.support.regtest.node_harness import SCHEDULING_MARGIN_S, TICK_S

Say = Callable[[str], None]
#: The circuit's external watchdog drops the relays this long after the last kick
#: (gridnode.demo.circuit's default).
WATCHDOG_TIMEOUT_S = 3.0
#: How often a stalled wait looks for a channel LND gave up (s), from half-way on.
LOOK_EVERY_S = 15.0


@dataclass(frozen=True)
class DrillPlan:
    faults: dict[FaultKind, int]
    seed: int
    buyers: int = 1
    timings: Timings = field(default_factory=Timings)
    #: the wait before each fault, drawn in this range (s)
    gap_s: tuple[float, float] = (0.0, 10.0)
    #: the chance that a kill comes without waiting for trading to come back first
    burst: float = 0.3
    #: how long trading may take to come back after a fault before it counts as stuck
    recover_s: float = 120.0


@dataclass
class _World:
    demo: DemoHarness
    injector: Injector
    probe: LndProbe
    recorder: CircuitRecorder
    started: float
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    #: when the demo was stopped cleanly at the end
    stopped: float | None = None
    #: channels LND failed for good, replaced by the harness (:mod:`.channels`)
    lnd_channels_replaced: list[dict[str, Any]] = field(default_factory=list)


def run_drill(plan: DrillPlan, root: Path, say: Say) -> dict[str, Any]:
    rng = random.Random(plan.seed)
    schedule = [kind for kind, count in plan.faults.items() for _ in range(count)]
    rng.shuffle(schedule)
    proxies = ProxyLoop()
    os.environ[CLOCK_SHIFT_ENV] = CLOCK_SHIFT_FILE
    options = DemoOptions(
        buyers=plan.buyers,
        root=root / "demo",
        keep_network=True,  # the checks read LND after the demo stopped
        tie_network=True,  # and it dies with this process, however it ends
        link_via=lambda name, listen: proxies.add(name, listen, plan.seed).address,
        circuit_control=True,
    )
    demo = DemoHarness(options, lambda line: None if is_status_line(line) else say(line))
    disks: dict[str, Tmpfs] = {}
    if any(kind.is_disk for kind in schedule):
        for name in ["seller", *(f"buyer-{i}" for i in range(1, plan.buyers + 1))]:
            disks[name] = Tmpfs(demo.root / name)
    injector = Injector(demo, proxies, rng, plan.timings, say, disks=disks)
    probe = LndProbe()
    try:
        demo.start()
        world = _World(demo, injector, probe, CircuitRecorder(demo.root / "circuit.json"), 0.0)
        world.recorder.start()
        world.started = time.time()
        _wait_trading(world, plan.recover_s, "the demo to start trading")
        faults = [_one(world, plan, rng, n, kind) for n, kind in enumerate(schedule)]
        say("all faults done: letting it trade, then stopping cleanly")
        _wait_trading(world, plan.recover_s, "trading after the last fault")
        injector.run(5)
        world.stopped = time.time()
        demo.stop()
        world.recorder.stop()
        return _document(world, plan, faults)
    finally:
        probe.close()
        proxies.close()
        if demo.parts is not None:
            demo.stop()
            demo.parts.network.down()
        for name, disk in disks.items():
            kept = root / f"{name}-disk"  # the tmpfs goes with the mount: keep a copy
            shutil.copytree(disk.path, kept, ignore=shutil.ignore_patterns("*.sock"))
            disk.unmount()


def is_status_line(line: str) -> bool:
    """The demo's status line every 5 s per node (the drill says what it does itself)."""
    return line.startswith(("seller: ", "buyer-"))


def _one(
    world: _World, plan: DrillPlan, rng: random.Random, n: int, kind: FaultKind
) -> dict[str, Any]:
    injector = world.injector
    injector.run(round(rng.uniform(*plan.gap_s), 1))
    injector.say(f"fault {n + 1}: {kind.value}")
    began = time.time()
    details = injector.inject(kind)
    ended = time.time()
    recovered: float | None = None
    burst = kind.is_kill and rng.random() < plan.burst
    if not burst:
        recovered = _wait_trading(world, plan.recover_s, f"trading after {kind.value}")
    report = check_money(*_parties(world), world.probe, final=False)
    world.problems += [(f"after fault {n + 1} ({kind.value})", p) for p in report.problems]
    return {
        "n": n + 1,
        "kind": kind.value,
        "at_s": round(began - world.started, 1),
        "lasted_s": round(ended - began, 1),
        "recovered_after_s": None if recovered is None else round(recovered, 1),
        "next_fault_without_waiting": burst,
        **details,
        "problems": [asdict(p) for p in report.problems],
    }


def _parties(world: _World) -> tuple[Party, list[Party]]:
    parts = world.demo.parts
    assert parts is not None
    nodes = parts.network.nodes
    seller = Party("seller", parts.seller.ledger, nodes[0])
    buyers = [Party(b.name, b.ledger, nodes[i]) for i, b in enumerate(parts.buyers, start=1)]
    return seller, buyers


def _paid(world: _World) -> list[int]:
    parts = world.demo.parts
    assert parts is not None
    return [payments_succeeded(b.ledger) for b in parts.buyers]


def _relays_on(world: _World) -> bool:
    traces = world.recorder.snapshot()
    return bool(traces) and all(t.samples and t.samples[-1].relay_on for t in traces.values())


def _wait_trading(world: _World, timeout_s: float, what: str) -> float | None:
    """Seconds until every buyer has power and made a payment since now; None (and a
    problem, with what LND and the nodes said) if that takes longer than ``timeout_s``.
    From half-way on, every :data:`LOOK_EVERY_S`, a channel LND failed for good is
    replaced (recorded), and the wait starts again from there: no trading node can mend
    it, an operator would."""
    before = _paid(world)
    started = time.monotonic()
    looked = started
    while time.monotonic() - started < timeout_s:
        world.injector.run(1.0)
        paid = _paid(world)
        if _relays_on(world) and all(a > b for a, b in zip(paid, before, strict=True)):
            return time.monotonic() - started
        now = time.monotonic()
        if now - started > timeout_s / 2 and now - looked > LOOK_EVERY_S:
            looked = now
            if _replace_dead_channels(world, what):
                started = looked = time.monotonic()
    text = f"no trading within {timeout_s:.0f} s; {diagnose(world.demo)}"
    world.problems.append((what, Problem("recovered", text)))
    return None


def _replace_dead_channels(world: _World, what: str) -> bool:
    """Replace each channel LND failed for good; True if any was. One the harness could
    not replace is a problem of the run (the wait goes on, and looks again): a crash
    here once threw away 47 minutes of a full drill's findings."""
    parts = world.demo.parts
    assert parts is not None
    dead = dead_channels(parts.network)
    for channel in dead:
        try:
            replaced = replace_channel(parts.network, channel, world.injector.say)
        except (RegtestError, grpc.RpcError) as exc:
            text = f"the harness could not replace a channel LND failed: {exc}"
            world.injector.say(text)
            world.problems.append((what, Problem("channel_replaced", text)))
            return False
        world.lnd_channels_replaced.append({"while_waiting_for": what, **replaced})
    return bool(dead)


def _keep_traces(world: _World) -> None:
    """What the supply check priced, beside the logs (``traces.json``), so a problem it
    finds can be worked through again: each circuit's samples and relay log, and the
    clock shifts and kills the drill made."""
    traces = {
        str(index): {
            "samples": [[s.at_s, s.import_mwh, s.relay_on] for s in trace.samples],
            "switches": trace.switches,
        }
        for index, trace in world.recorder.snapshot().items()
    }
    shifts = {name: s.changes for name, s in world.injector.shifts.items()}
    kept = {"traces": traces, "shifts": shifts, "kills": world.injector.kills}
    (world.demo.root / "traces.json").write_text(json.dumps(kept))


def _document(world: _World, plan: DrillPlan, faults: list[dict[str, Any]]) -> dict[str, Any]:
    parts = world.demo.parts
    assert parts is not None
    seller, buyers = _parties(world)
    money = check_money(seller, buyers, world.probe, final=True)
    world.problems += [("end", p) for p in money.problems]
    settings = load_settings(parts.seller.config)
    assert isinstance(settings, SellerSettings)
    terms = settings.selling.terms
    rules = SupplyRules(
        cutoff_msat=terms.policy.cutoff.msat,
        unpaid_cap_msat=terms.payments.unpaid.msat,
        restore_msat=terms.policy.restore.msat,
        cut_within_s=TICK_S + SCHEDULING_MARGIN_S,
        watchdog_within_s=WATCHDOG_TIMEOUT_S + SCHEDULING_MARGIN_S,
    )
    _keep_traces(world)
    supply = check_supply(
        parts.seller.ledger,
        [b.identity.fingerprint for b in parts.buyers],
        world.recorder.snapshot(),
        terms.profile,
        rules,
        shifts=world.injector.shifts.get("seller", ClockShifts()),
        seller_kills_s=world.injector.kills.get("seller", []),
        until_s=time.time(),
    )
    world.problems += [("end", p) for p in supply.problems]
    ledgers = {"seller": parts.seller.ledger, **{b.name: b.ledger for b in parts.buyers}}
    fprs = {b.name: b.identity.fingerprint for b in parts.buyers}
    seller_fpr = parts.seller.identity.fingerprint
    # a full disk fails the node's live session: like a kill, its series ends unsigned
    injector = world.injector
    cut = {n: [*injector.kills.get(n, []), *injector.full_disks.get(n, [])] for n in ledgers}
    receipts = check_receipts(ledgers, seller_fpr, fprs, cut, world.stopped)
    world.problems += [("end", p) for p in receipts.problems]
    for crash in world.injector.crashes:
        text = f"{crash.node} exited by itself: {' | '.join(crash.log_tail)}"
        world.problems.append(("run", Problem("no_crash", text)))
    return {
        "seed": plan.seed,
        "buyers": plan.buyers,
        "plan": {kind.value: count for kind, count in plan.faults.items()},
        "timings": asdict(plan.timings),
        "gap_s": list(plan.gap_s),
        "burst": plan.burst,
        "recover_s": plan.recover_s,
        "seconds": round(time.time() - world.started, 1),
        "nothing_lost": not world.problems,
        "problems": [{"when": when, **asdict(p)} for when, p in world.problems],
        "recovery_s": _recovery(faults),
        "lnd_channels_replaced": world.lnd_channels_replaced,
        "end": {
            "money": money.counts,
            "supply": {
                "rules": asdict(rules),
                "relay_on_intervals": supply.on_intervals,
                "cuts_for_credit": supply.cuts_for_credit,
                "max_on_below_cut_off_line_s": round(supply.max_on_below_line_s, 2),
                "max_on_after_seller_kill_s": round(supply.max_on_after_seller_kill_s, 2),
                "min_credit_at_switch_on_msat": supply.min_credit_at_switch_on_msat,
            },
            "receipts": {
                "verified": receipts.verified,
                "verified_without_the_killed_partys_end": receipts.cut_short,
                "cut_short_by_a_crash": receipts.left_open,
                "no_messages": receipts.empty,
                "offers_rejected": receipts.rejected,
                "money_against_a_series_a_crash_cut_short": receipts.money_by_a_cut_series,
            },
            "warnings_seen": {n: sorted(w) for n, w in world.injector.warnings_seen.items()},
        },
        "faults": faults,
    }


def _recovery(faults: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Seconds from a fault's end until every buyer had power and paid again, by kind."""
    by_kind: dict[str, list[float]] = {}
    for fault in faults:
        if fault["recovered_after_s"] is not None:
            by_kind.setdefault(fault["kind"], []).append(fault["recovered_after_s"])
    return {
        kind: {
            "faults": len(times),
            "median": round(statistics.median(times), 1),
            "max": round(max(times), 1),
        }
        for kind, times in sorted(by_kind.items())
    }
