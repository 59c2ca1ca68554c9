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

On this machine the seller shares two cores with every buyer, LND and btcd; a real
seller has its own computer. ``--seller-core`` pins the seller and its LND to CPU 0 and
the rest of the demo to CPU 1 (bench/tenants.py); ``--compare-pinning`` makes each run
both ways and keeps the latencies side by side, so the note can say how much of them is
crowding. ``--profile-s N`` records the seller with py-spy for N seconds mid-run and keeps
its top functions (``seller_profile``; the raw file under build/bench_tenants/).

    .venv/bin/python scripts/bench_tenants.py [--runs real:1:300,real:10:300,...]
    .venv/bin/python scripts/bench_tenants.py --plot-only   # redraw from the JSON
    .venv/bin/python scripts/bench_tenants.py --runs real:50:300 --compare-pinning --profile-s 60
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
#: where the seller's raw py-spy profiles are kept (not checked in: build/ is ignored)
PROFILE_DIR = ROOT / "build" / "bench_tenants"
sys.path.insert(0, str(ROOT))  # bench/ beside the package, as the tests import it

from bench import tenants  # noqa: E402


def _payers(buyers: int) -> int:
    """A payer LND for every ten buyers: the LND nodes are what the machine cannot
    afford fifty of (issue 17: ten LND nodes alone did not start in 60 s)."""
    return max(1, -(-buyers // 10))


def run_one(
    terms: str, buyers: int, seconds: float, seller_core: bool = False, profile_s: int = 0
) -> dict[str, Any]:
    """One demo run and what its summary says; ``seller_core``: the seller and its LND
    on CPU 0, the rest of the demo on CPU 1 (bench.tenants); ``profile_s``: py-spy the
    seller that long in the steady part (the raw file is kept, beside ``--out``)."""
    stall = 0 if buyers == 1 else 2
    with tempfile.TemporaryDirectory(prefix=f"bench-tenants-{terms}-{buyers}-") as tmp:
        demo_dir = Path(tmp) / "demo"
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
            str(demo_dir),
        ]
        load_before = os.getloadavg()
        started = time.monotonic()
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out_path.open("w") as out, err_path.open("w") as err:
            demo = subprocess.Popen(argv, stdout=out, stderr=err, text=True)
            try:
                extra = _while_running(demo, demo_dir, buyers, seconds, seller_core, profile_s)
                returncode = demo.wait()
            finally:
                if demo.poll() is None:  # interrupted: the demo stops its own parts
                    demo.terminate()
                    demo.wait()
        took = time.monotonic() - started
        load_after = os.getloadavg()
        if returncode != 0:
            return {
                "terms": terms,
                "buyers": buyers,
                "error": err_path.read_text().strip().splitlines()[-5:],
                "load_average": [round(x, 2) for x in load_after],
                **extra,
            }
        summary = json.loads(out_path.read_text())
    accounts = summary.get("buyers", {})
    return {
        "terms": terms,
        "buyers": buyers,
        "payers": _payers(buyers),
        "stalled": stall,
        "seconds": seconds,
        "seller_core_pinned": seller_core,
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
        **extra,
    }


def _while_running(
    demo: subprocess.Popen[str],
    demo_dir: Path,
    buyers: int,
    seconds: float,
    seller_core: bool,
    profile_s: int,
) -> dict[str, Any]:
    """Once the demo's seller and buyers run: pin them (if asked), then profile the
    seller in the middle of the run (if asked). What was done, for the run's JSON."""
    extra: dict[str, Any] = {}
    if not (seller_core or profile_s):
        return extra
    files = None
    while demo.poll() is None:
        files = tenants.demo_files(demo_dir)
        if files and tenants.buyers_started(files[0]) >= buyers:
            break
        time.sleep(0.5)
    if demo.poll() is not None or files is None:
        return extra
    placement = tenants.choose_cpus(*files)
    if seller_core:
        threads = tenants.pin_all(placement)
        extra["seller_core"] = {**placement.to_json(), "threads_pinned": threads}
    if profile_s:
        # start so the window sits in the middle of what is left of the run
        time.sleep(max(5.0, (seconds - profile_s) / 2))
        if seller_core:  # threads started since (thread pools) follow their starter; again
            tenants.pin_all(placement)
        seller_pid = dict(placement.seller)["seller"]
        raw = PROFILE_DIR / f"seller-{os.getpid()}-{int(time.time())}.raw"
        raw.parent.mkdir(parents=True, exist_ok=True)
        cpu = tenants.OTHERS_CPU if seller_core else None
        failed = tenants.record_profile(seller_pid, profile_s, raw, cpu)
        profile: dict[str, Any] = {
            "seconds": profile_s,
            "rate_hz": tenants.PROFILE_RATE_HZ,
            "raw_path": str(raw),
        }
        if failed:
            profile["error"] = failed
        else:
            profile.update(tenants.top_functions(raw.read_text(), top=15))
        extra["seller_profile"] = profile
    return extra


def compare(unpinned: dict[str, Any], pinned: dict[str, Any]) -> dict[str, Any]:
    """One entry for a run made both ways: the unpinned run's figures as usual, the
    pinned run under ``pinned``, and the latency and seller cost side by side."""
    side: dict[str, Any] = {}
    for key in ("credit_p50", "credit_p99", "relay_open_p99", "tick_lag_p99"):
        side[key] = {
            "unpinned": (unpinned.get("latency_ms") or {}).get(key),
            "pinned": (pinned.get("latency_ms") or {}).get(key),
        }
    for key in ("cpu_percent", "rss_mb"):
        side[f"seller_{key}"] = {
            "unpinned": ((unpinned.get("node_cost") or {}).get("seller") or {}).get(key),
            "pinned": ((pinned.get("node_cost") or {}).get("seller") or {}).get(key),
        }
    return {**unpinned, "pinned": pinned, "pinning_side_by_side": side}


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
    parser.add_argument(
        "--seller-core",
        action="store_true",
        help="pin the seller and its LND to CPU 0 and the rest of the demo to CPU 1",
    )
    parser.add_argument(
        "--compare-pinning",
        action="store_true",
        help="make each run twice, unpinned and pinned, and keep both side by side",
    )
    parser.add_argument(
        "--profile-s",
        type=int,
        default=0,
        help="py-spy the seller this many seconds in the steady part of each run",
    )
    args = parser.parse_args()
    if args.plot_only:
        plot(json.loads(args.out.read_text()), args.png)
        return 0
    runs = []
    for item in args.runs.split(","):
        terms, buyers, seconds = item.split(":")
        print(f"running {buyers} buyer(s) with {terms} terms for {seconds} s", file=sys.stderr)
        if args.compare_pinning:
            unpinned = run_one(terms, int(buyers), float(seconds), False, args.profile_s)
            pinned = run_one(terms, int(buyers), float(seconds), True, args.profile_s)
            result = compare(unpinned, pinned)
        else:
            result = run_one(terms, int(buyers), float(seconds), args.seller_core, args.profile_s)
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
