#!/usr/bin/env python3
"""Soak: run the demo for an hour with several buyers and look for anything that grows
without bound (docs/drill.md).

    .venv/bin/python scripts/soak.py --minutes 60 --buyers 5 > docs/soak.json

Prints one JSON document on stdout (progress on stderr): per node, resident memory, open
file descriptors and threads at the start and the end and their growth per hour (the
fitted slope after the warm-up); each ledger's and each LND database's growth (LND's by
the pages bbolt allocated, read with LND stopped); and every money check of the drill.
Exit code 0 when nothing leaked and nothing was lost, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridnode.regtest.lifetime import StopRequested, StopSignals
from tests.support.drill.soak import SoakPlan, run_soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--buyers", type=int, default=5)
    parser.add_argument("--sample-s", type=float, default=30.0, help="seconds between samples")
    parser.add_argument(
        "--warmup-s", type=float, default=SoakPlan.warmup_s, help="left out of the slopes"
    )
    parser.add_argument("--dir", type=Path, default=None, help="keep the demo's files here")
    args = parser.parse_args()
    plan = SoakPlan(args.minutes, args.buyers, args.sample_s, args.warmup_s)
    root = args.dir or Path(tempfile.mkdtemp(prefix="gridnode-soak-"))
    print(f"soak for {args.minutes:g} min with {args.buyers} buyers in {root}", file=sys.stderr)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        with StopSignals(say):  # SIGTERM and SIGHUP stop it as Ctrl-C does
            doc = run_soak(plan, root, say)
    except StopRequested:
        say("stopped by a signal: no JSON written")
        return 130
    json.dump(doc, sys.stdout, indent=2)
    print()
    return 0 if doc["no_leak"] and doc["money"]["nothing_lost"] else 1


if __name__ == "__main__":
    sys.exit(main())
