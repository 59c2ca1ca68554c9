#!/usr/bin/env python3
"""Benchmark: full meter samples per second against the simulated slave with line timing.

Reads SDM samples through the real driver (minimalmodbus over pyserial on a pty) while
the simulated slave holds every frame for its time on the wire, at 9600 and 2400 baud,
with the default 100 ms query gap and with none. Prints one JSON document: measured
samples per second next to the bus budget's prediction and the line-rate limit computed
from frame sizes (no gaps).

    .venv/bin/python scripts/bench_meter.py [--samples 5] [--model sdm120]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time

from gridnode.hardware.budget import bus_budget
from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.serve import build


def run(model: str, baud: int, gap_s: float, samples: int) -> dict[str, object]:
    profile = load_profile(model)
    phases = profile.phases
    sim = build([(model, 1)], baud=baud, phases=phases, relay_on=True)
    with sim.slave, ModbusBus(sim.slave.port, baud, timeout_s=1.0, gap_s=gap_s) as bus:
        meter = ModbusMeter(bus, profile, 1, retries=0, serial_check_every=10**9)
        meter.read_blocking()  # the first read also reads the serial number
        start = time.monotonic()
        for _ in range(samples):
            meter.read_blocking()
        elapsed = time.monotonic() - start
    exchanges = sim.slave.exchanges[-samples * len(profile.blocks()) :]
    gaps = [
        after.received_at - before.answered_at
        for before, after in itertools.pairwise(exchanges)
        if before.answered_at is not None
    ]
    budget = bus_budget([profile], baud, gap_s)
    return {
        "model": profile.model,
        "baud": baud,
        "gap_ms": round(gap_s * 1000),
        "samples": samples,
        "measured_samples_per_s": round(samples / elapsed, 3),
        "measured_sample_time_ms": round(elapsed / samples * 1000, 1),
        "budget_samples_per_s": round(budget.samples_per_s, 3),
        "budget_sample_time_ms": round(budget.poll_period_s * 1000, 1),
        "line_rate_limit_samples_per_s": round(budget.line_rate_samples_per_s, 3),
        "measured_query_gap_ms": {
            "min": round(min(gaps) * 1000, 1),
            "mean": round(statistics.fmean(gaps) * 1000, 1),
        },
        "bytes_per_sample": budget.meters[0].bytes_on_wire,
        "queries_per_sample": budget.meters[0].queries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--model", default="sdm120")
    args = parser.parse_args()
    results = [
        run(args.model, baud, gap, args.samples) for baud in (9600, 2400) for gap in (0.1, 0.0)
    ]
    json.dump({"benchmark": "meter_samples_per_second", "results": results}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
