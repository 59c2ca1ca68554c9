#!/usr/bin/env python3
"""Benchmark: how big a session receipt grows per hour of trading, and how long verify takes.

With ``--demo-seconds N`` it runs a real demo on regtest (one buyer) for N seconds and
measures the seller's receipt of that session; otherwise it measures the receipt given
(default: the demo receipt the unit tests use). Prints one JSON document:

- bytes, seconds of trading covered, payments and readings per side;
- bytes per payment and per hour at the measured cadence, and per hour at other payment
  steps (each payment adds an invoice, a payment, a signed notice and one reading per
  side; the terms and keys are a fixed part);
- verify time: median and spread of ``--runs`` runs of the full check (keys, every
  signature, BOLT11s, preimages, money against energy).

    .venv/bin/python scripts/bench_receipt.py [--receipt FILE] [--demo-seconds 600]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gridnode.ocmf import parse_record
from gridnode.receipt.verify import VerifyOptions, verify_receipt

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "unit" / "receipt" / "data" / "demo-receipt.json"
STEPS_S = (2, 10, 30, 60, 300)


def demo_receipt(seconds: float, period_s: int) -> Path:
    from gridnode.demo.configs import DemoTerms
    from gridnode.demo.run import DemoOptions, run_demo

    root = Path(tempfile.mkdtemp(prefix="gridnode-bench-receipt-"))
    options = DemoOptions(root=root, seconds=seconds, terms=DemoTerms(period_s=period_s))
    summary = run_demo(options, lambda m: print(f"[demo] {m}", file=sys.stderr))
    receipts = summary["receipts"]
    assert isinstance(receipts, list)
    if not receipts:
        raise SystemExit("the demo wrote no receipt")
    return Path(receipts[0])


def covered_s(receipt: dict[str, Any]) -> float:
    times = [parse_record(t).payload.RD[-1].TM.unix_ms for t in receipt["readings"]["seller"]]
    return (max(times) - min(times)) / 1000 if times else 0.0


def size_of(part: object) -> int:
    return len(json.dumps(part, indent=1, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--receipt", type=Path, default=None)
    parser.add_argument("--demo-seconds", type=float, default=None)
    parser.add_argument("--period", type=int, default=300, help="demo sale period, seconds")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.demo_seconds is not None:
        path = demo_receipt(args.demo_seconds, args.period)
    else:
        path = args.receipt or FIXTURE
    text = path.read_text(encoding="utf-8")
    receipt = json.loads(text)
    keys = {p["role"]: p["fingerprint"] for p in receipt["parties"]}
    options = VerifyOptions(keys["seller"], keys["buyer"])
    timings, problems = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = verify_receipt(json.loads(text), options)
        timings.append(time.perf_counter() - started)
        problems = [str(p) for p in report.problems]
    seconds = covered_s(receipt)
    payments = len(receipt["payments"])
    # what does not grow with payments: keys, terms, and the signed offers, renewals and
    # acceptances (one of each per sale period)
    negotiation = [m for m in receipt["messages"] if m["kind"] != "payment_notice"]
    fixed = size_of(receipt["terms"]) + size_of(receipt["public_keys"]) + size_of(negotiation) + 400
    variable = len(text) - fixed
    per_payment = variable / payments if payments else None
    doc = {
        "receipt": str(path),
        "bytes": len(text),
        "bytes_fixed_terms_and_keys": fixed,
        "seconds_covered": round(seconds, 1),
        "payments": payments,
        "readings": {s: len(receipt["readings"][s]) for s in ("seller", "buyer")},
        "sections_bytes": {k: size_of(v) for k, v in receipt.items()},
        "bytes_per_payment": round(per_payment) if per_payment else None,
        "measured_payment_every_s": round(seconds / payments, 2) if payments else None,
        "bytes_per_hour_at_measured_cadence": round(variable * 3600 / seconds) if seconds else None,
        "bytes_per_hour_by_payment_step_s": {
            str(step): round(per_payment * 3600 / step + fixed) for step in STEPS_S
        }
        if per_payment
        else None,
        "verify_s": {
            "median": round(statistics.median(timings), 4),
            "min": round(min(timings), 4),
            "max": round(max(timings), 4),
            "runs": len(timings),
        },
        "verify_ms_per_payment": round(statistics.median(timings) * 1000 / payments, 3)
        if payments
        else None,
        "problems": problems,
    }
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
