#!/usr/bin/env python3
"""Fault drill: run a trading demo on regtest, inject faults at random moments, and check
after every fault and at the end that nothing was lost (docs/drill.md).

    .venv/bin/python scripts/drill.py --full --seed 16 > docs/drill.json
    .venv/bin/python scripts/drill.py --short          # the regtest tier's drill
    .venv/bin/python scripts/drill.py --only kill_seller=3,link_partition=1

Prints one JSON document on stdout (progress on stderr); exit code 0 when nothing was
lost, 1 when a check failed. A plan with a full disk re-runs itself under
``unshare --mount`` (each node's folder is its own size-limited tmpfs, which needs a
private mount namespace; root or a user allowed to create namespaces).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridnode.regtest.lifetime import StopRequested, StopSignals
from tests.support.drill.disk import in_private_mount_namespace, rerun_in_private_mount_namespace
from tests.support.drill.drill import DrillPlan, run_drill
from tests.support.drill.faults import FULL_DRILL, SHORT_DRILL, FaultKind
from tests.support.drill.inject import Timings


def _only(text: str) -> dict[FaultKind, int]:
    plan = {}
    for item in text.split(","):
        kind, _, count = item.partition("=")
        plan[FaultKind(kind.strip())] = int(count or "1")
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--full", action="store_true", help="50 kills per kind, every fault")
    which.add_argument("--short", action="store_true", help="10 kills, 3 LND restarts, a partition")
    which.add_argument("--only", type=_only, help="KIND=COUNT,... (kinds: see FaultKind)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one")
    parser.add_argument("--buyers", type=int, default=1)
    parser.add_argument("--restart-s", type=float, default=5.0, help="systemd's RestartSec")
    parser.add_argument(
        "--gap-s", type=float, default=10.0, help="the most to wait before a fault (s)"
    )
    parser.add_argument(
        "--fault-s",
        type=float,
        nargs=2,
        default=(10.0, 30.0),
        metavar=("LOW", "HIGH"),
        help="how long a link, disk, meter or clock fault lasts (s; a partition is 30 s)",
    )
    parser.add_argument("--dir", type=Path, default=None, help="keep the demo's files here")
    args = parser.parse_args()
    faults = FULL_DRILL if args.full else args.only or SHORT_DRILL
    if any(kind.is_disk for kind in faults) and not in_private_mount_namespace():
        rerun_in_private_mount_namespace(sys.argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    timings = Timings(restart_s=args.restart_s, fault_s=tuple(args.fault_s))
    plan = DrillPlan(
        faults=faults, seed=seed, buyers=args.buyers, timings=timings, gap_s=(0.0, args.gap_s)
    )
    root = args.dir or Path(tempfile.mkdtemp(prefix="gridnode-drill-"))
    print(f"drill seed {seed}, files in {root}", file=sys.stderr)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        # SIGTERM and SIGHUP stop it as Ctrl-C does: the demo and its network are taken
        # down (a second signal does not cut that short)
        with StopSignals(say):
            doc = run_drill(plan, root, say)
    except StopRequested:
        say("stopped by a signal: no JSON written")
        return 130
    json.dump(doc, sys.stdout, indent=2)
    print()
    return 0 if doc["nothing_lost"] else 1


if __name__ == "__main__":
    sys.exit(main())
