#!/usr/bin/env python3
"""Issue 19's "Done when", run as a person would: a clean demo, then LND's own records.

    .venv/bin/python scripts/check_credit.py --seconds 90
    .venv/bin/python scripts/check_credit.py --seconds 90 --buyers 2 --dir /tmp/credit

Runs ``gridnode demo --seconds N --json --keep-network --dir DIR`` (every buyer leaves at
the end and is paid its unused credit back), then asks the seller's LND through a second
client (lnd-grpc-client, not gridnode's adapter) for the invoices it settled and the
payments it made, and checks for each buyer that what it paid less what was paid back
equals the energy delivered at the agreed price (each session's receipt verified) within
one msat of rounding per payment (tests/support/regtest/credit_check.py, which the
regtest tier runs on a 40 s demo). Prints one JSON document on stdout (progress on
stderr); exit code 0 when the books hold, 1 when they do not. The kept network is brought
down at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridnode.demo.records import NETWORK_DIR
from gridnode.regtest.network import RegtestNetwork
from tests.support.regtest.credit_check import Books, check_credit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--buyers", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None, help="default: a new temporary one")
    parser.add_argument("--keep", action="store_true", help="leave the regtest network up")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="gridnode-credit-"))
    command = [
        *(sys.executable, "-m", "gridnode.cli.main", "demo"),
        *("--seconds", str(args.seconds), "--buyers", str(args.buyers)),
        *("--json", "--keep-network", "--dir", str(root)),
    ]
    print(f"running: gridnode {' '.join(command[3:])}", file=sys.stderr)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    network = None
    try:
        if done.returncode != 0:
            print(f"the demo exited with {done.returncode}", file=sys.stderr)
            return 1
        summary = json.loads(done.stdout)
        network = RegtestNetwork.load(root / NETWORK_DIR)
        seller_host = tomllib.loads((root / "seller" / "seller.toml").read_text())["lnd"]["host"]
        [seller_lnd] = [n for n in network.nodes if n.grpc_host == seller_host]
        prints = summary["fingerprints"]
        seller = Books("seller", root / "seller" / "ledger.sqlite", prints["seller"])
        buyers = [
            Books(name, root / name / "ledger.sqlite", prints[name])
            for name in sorted(prints)
            if name != "seller"
        ]
        report = check_credit(seller_lnd, seller, buyers)
        returned = {name: b["refunded_msat"] for name, b in report["buyers"].items()}
        if summary.get("credit_returned_msat") != returned:
            report["problems"].append(
                f"the demo's summary says {summary.get('credit_returned_msat')} came back; "
                f"LND says {returned}"
            )
            report["ok"] = False
        report = {
            "seconds": args.seconds,
            "dir": str(root),
            "credit_returned_msat": summary.get("credit_returned_msat"),
            **report,
        }
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0 if report["ok"] else 1
    finally:
        if network is not None and not args.keep:
            network.down()
        elif network is None and not args.keep and (root / NETWORK_DIR).exists():
            RegtestNetwork.load(root / NETWORK_DIR).down()


if __name__ == "__main__":
    sys.exit(main())
