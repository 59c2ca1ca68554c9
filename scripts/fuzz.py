#!/usr/bin/env python3
"""Fuzz what the node runs on outside bytes: the link's frame decoder, the trade codec,
the OCMF parser and the receipt verifier (docs/fuzz.md).

Each target runs in a child process of its own (:mod:`bench.fuzz.child`), with atheris
(coverage-guided libFuzzer) when it is installed and the built-in seeded mutator
otherwise, and the run's JSON goes to stdout or ``--out``: per target the inputs run,
the time, the outcomes by type (the typed errors each entry point documents), the
crashes by type with example inputs, the slowest input and the peak resident memory.
Exit status 1 when any target crashed, hung or went over its bounds.

    .venv/bin/python scripts/fuzz.py --inputs 1000000 --out docs/fuzz.json
    .venv/bin/python scripts/fuzz.py --inputs 3000 --engine builtin --targets frames,trade
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("frames", "trade", "ocmf", "receipt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000, help="Inputs per target.")
    parser.add_argument("--targets", default=",".join(TARGETS), help="Comma-separated.")
    parser.add_argument("--engine", choices=("auto", "atheris", "builtin"), default="auto")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--time-bound", type=float, default=2.0, help="CPU seconds one input may take."
    )
    parser.add_argument("--rss-limit-mb", type=int, default=1024, help="Memory per target.")
    parser.add_argument("--jobs", type=int, default=1, help="Targets run at once.")
    parser.add_argument(
        "--max-seconds",
        type=int,
        default=0,
        help="End each target after this many seconds, with the inputs it has run (0: none).",
    )
    parser.add_argument("--artifacts", type=Path, default=None, help="Where inputs are kept.")
    parser.add_argument("--out", type=Path, default=None, help="Write the JSON here.")
    args = parser.parse_args(argv)
    names = [t for t in args.targets.split(",") if t]
    unknown = sorted(set(names) - set(TARGETS))
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; the targets are {TARGETS}")
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") else "builtin"
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="gridnode-fuzz-"))
    started = time.time()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda n: _run(n, engine, args, artifacts), names))
    report = {
        "engine": engine,
        "inputs_per_target": args.inputs,
        "seed": args.seed,
        "time_bound_ms": round(args.time_bound * 1000),
        "rss_limit_mb": args.rss_limit_mb,
        "max_seconds": args.max_seconds or None,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {_cpus()} CPUs",
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "wall_seconds": round(time.time() - started, 1),
        "targets": {r["target"]: r for r in results},
    }
    report["ok"] = all(_clean(r, args.rss_limit_mb) for r in results)
    text = json.dumps(report, indent=1) + "\n"
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0 if report["ok"] else 1


def _run(name: str, engine: str, args: argparse.Namespace, artifacts: Path) -> dict[str, Any]:
    out = artifacts / f"{name}.json"
    command = [
        sys.executable,
        "-m",
        "bench.fuzz.child",
        f"--target={name}",
        f"--inputs={args.inputs}",
        f"--engine={engine}",
        f"--seed={args.seed}",
        f"--time-bound={args.time_bound}",
        f"--rss-limit-mb={args.rss_limit_mb}",
        f"--max-seconds={args.max_seconds}",
        f"--out={out}",
        f"--artifacts={artifacts}",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.exists():
        result: dict[str, Any] = json.loads(out.read_text())
    else:
        result = {"target": name, "engine": engine, "inputs": 0}
    if done.returncode != 0 or not out.exists():
        # libFuzzer ended the run: a hang past its timeout, memory past the limit, or a
        # crash in native code; its last lines say which, and the input is an artifact
        result["died"] = {
            "exit_code": done.returncode,
            "stderr_tail": done.stderr.strip().splitlines()[-12:],
            "artifacts": sorted(str(p) for p in artifacts.glob(f"{name}-*")),
        }
    return result


def _clean(result: dict[str, Any], rss_limit_mb: int) -> bool:
    return (
        "died" not in result
        and not result.get("crashes")
        and float(result.get("rss_peak_mb", 0)) <= rss_limit_mb
    )


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
