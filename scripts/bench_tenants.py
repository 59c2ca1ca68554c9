#!/usr/bin/env python3
"""Benchmark: one seller and many tenants, run as ``gridnode demo`` runs them (issue 17).

Runs the demo at 1, 10, 25 and 50 buyers with the real-install terms and at 20 with the
demo's own terms (a payment every couple of seconds per buyer), each with stalled buyers
so the relay-open latency is measured, and keeps from each summary the latency figures,
what the seller and the most expensive buyer cost (CPU of one core, resident memory)
and how the machine's CPU divided between LND and gridnode, with the load average of
the machine while it ran (the machine is shared: say how busy it was).

Writes one JSON document (default docs/bench_tenants.json) and a PNG plot of the
seller's CPU and the p99 latencies against the number of buyers (docs/bench_tenants.png).

    .venv/bin/python scripts/bench_tenants.py [--runs real:1:300,real:10:300,...]
    .venv/bin/python scripts/bench_tenants.py --plot-only   # redraw from the JSON
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: terms:buyers:seconds. A buyer stalled with real terms keeps power for up to ~5 minutes
#: (what it paid ahead and the seller's wait), so those runs last 300 s.
DEFAULT_RUNS = "real:1:180,real:10:300,real:25:300,real:50:300,demo:20:180"
ROOT = Path(__file__).resolve().parent.parent


def _payers(buyers: int) -> int:
    """A payer LND for every ten buyers: the LND nodes are what the machine cannot
    afford fifty of (issue 17: ten LND nodes alone did not start in 60 s)."""
    return max(1, -(-buyers // 10))


def run_one(terms: str, buyers: int, seconds: float) -> dict[str, Any]:
    stall = 0 if buyers == 1 else 2
    with tempfile.TemporaryDirectory(prefix=f"bench-tenants-{terms}-{buyers}-") as tmp:
        argv = [
            sys.executable,
            "-m",
            "gridnode.cli.main",
            "demo",
            "--buyers",
            str(buyers),
            "--terms",
            terms,
            "--payers",
            str(_payers(buyers)),
            "--stall",
            str(stall),
            "--seconds",
            str(seconds),
            "--json",
            "--no-dashboard",
            "--dir",
            str(Path(tmp) / "demo"),
        ]
        load_before = os.getloadavg()
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        took = time.monotonic() - started
        load_after = os.getloadavg()
        if done.returncode != 0:
            return {
                "terms": terms,
                "buyers": buyers,
                "error": done.stderr.strip().splitlines()[-5:],
                "load_average": [round(x, 2) for x in load_after],
            }
        summary = json.loads(done.stdout)
    accounts = summary.get("buyers", {})
    return {
        "terms": terms,
        "buyers": buyers,
        "payers": _payers(buyers),
        "stalled": stall,
        "seconds": seconds,
        "wall_s": round(took, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "latency_ms": summary.get("latency_ms"),
        "node_cost": summary.get("node_cost"),
        "payments": summary.get("payments"),
        "every_buyer_paid": summary.get("every_buyer_paid"),
        "cut_without_cause": summary.get("cut_without_cause"),
        "cut_causes": _causes(accounts),
        "payments_per_buyer": {
            "min": min((a["payments"] for a in accounts.values()), default=0),
            "max": max((a["payments"] for a in accounts.values()), default=0),
        },
    }


def _causes(accounts: dict[str, Any]) -> dict[str, int]:
    """Every buyer's cuts before the run stopped (or it stalled), by cause."""
    total: dict[str, int] = {}
    for account in accounts.values():
        for cause, count in account.get("cut_causes", {}).items():
            total[cause] = total.get(cause, 0) + count
    return total


def plot(doc: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (cpu_ax, lat_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    for terms, marker in (("real", "o"), ("demo", "s")):
        runs = [r for r in doc["runs"] if r["terms"] == terms and "error" not in r]
        runs.sort(key=lambda r: r["buyers"])
        xs = [r["buyers"] for r in runs]
        cpu = [r["node_cost"].get("seller", {}).get("cpu_percent") for r in runs]
        buyer = [r["node_cost"].get("max_buyer", {}).get("cpu_percent") for r in runs]
        cpu_ax.plot(xs, cpu, marker=marker, label=f"seller, {terms} terms")
        cpu_ax.plot(xs, buyer, marker=marker, linestyle=":", label=f"busiest buyer, {terms}")
        for key, style in (("credit_p99", "-"), ("relay_open_p99", "--"), ("tick_lag_p99", ":")):
            values = [r["latency_ms"].get(key) for r in runs]
            lat_ax.plot(xs, values, marker=marker, linestyle=style, label=f"{key}, {terms}")
    xs_all = sorted({r["buyers"] for r in doc["runs"]})
    if xs_all:
        cpu_ax.plot(
            xs_all,
            [float(x) for x in xs_all],
            color="grey",
            linewidth=0.8,
            label="target: 1 % per buyer",
        )
    cpu_ax.set_xlabel("buyers")
    cpu_ax.set_ylabel("% of one core")
    cpu_ax.set_title("seller and busiest buyer CPU")
    cpu_ax.legend(fontsize=7)
    lat_ax.axhline(100, color="grey", linewidth=0.8)
    lat_ax.axhline(200, color="grey", linewidth=0.8, linestyle="--")
    lat_ax.set_yscale("symlog", linthresh=10)
    lat_ax.set_ylim(bottom=0)
    lat_ax.set_xlabel("buyers")
    lat_ax.set_ylabel("ms (p99)")
    lat_ax.set_title("p99 latencies (targets: credit 100 ms, relay 200 ms)")
    lat_ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default=DEFAULT_RUNS, help="terms:buyers:seconds, ...")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench_tenants.json")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "bench_tenants.png")
    parser.add_argument("--plot-only", action="store_true")
    args = parser.parse_args()
    if args.plot_only:
        plot(json.loads(args.out.read_text()), args.png)
        return 0
    runs = []
    for item in args.runs.split(","):
        terms, buyers, seconds = item.split(":")
        print(f"running {buyers} buyer(s) with {terms} terms for {seconds} s", file=sys.stderr)
        result = run_one(terms, int(buyers), float(seconds))
        print(json.dumps(result), file=sys.stderr)
        runs.append(result)
        doc = {"machine_cpus": os.cpu_count(), "runs": runs}
        args.out.write_text(json.dumps(doc, indent=2) + "\n")  # kept as it goes
    plot(doc, args.png)
    json.dump(doc, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
