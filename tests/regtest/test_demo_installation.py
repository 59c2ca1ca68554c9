"""Issue 18's "done when" on a demo run with --dir: while the demo trades on real LND
and the simulated circuit, `gridnode doctor` on the seller's configuration (and on a
buyer's) passes every check: nothing fails, nothing warns, and only the relay
click-test, which needs the node stopped and the tenant's consent, is skipped. After
the run, `gridnode statement --month <this month> --format csv` on the seller's
configuration has a row per buyer whose energy and sat totals equal the demo's summary.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.regtest.node_harness import harness, network_down, run_for

pytestmark = pytest.mark.regtest

BUYERS = 2


def gridnode(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def doctor(config: Path) -> tuple[int, dict[str, Any]]:
    done = gridnode("doctor", "--config", str(config), "--json")
    doc = json.loads(done.stdout)
    assert isinstance(doc, dict), done.stderr
    return done.returncode, doc


@dataclass
class Run:
    seller_config: Path
    seller_doctor: tuple[int, dict[str, Any]]
    buyer_doctor: tuple[int, dict[str, Any]]
    summary: dict[str, Any]
    month: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    demo = harness(tmp_path_factory.mktemp("installation"), buyers=BUYERS)
    try:
        parts = demo.start()
        try:
            run_for(demo, 20)
            seller_doctor = doctor(parts.seller.config)
            buyer_doctor = doctor(parts.buyers[0].config)
        finally:
            demo.stop()
        summary = demo.summary()
        month = datetime.now(UTC).strftime("%Y-%m")
        yield Run(parts.seller.config, seller_doctor, buyer_doctor, summary, month)
    finally:
        network_down(demo)


def test_the_doctor_passes_every_check_while_the_demo_runs(run: Run) -> None:
    code, report = run.seller_doctor
    checks = report["checks"]
    by_name = {c["name"]: c for c in checks}
    assert report["node_running"] is True
    assert [c for c in checks if c["outcome"] not in ("ok", "skipped")] == []
    skipped = sorted(c["name"] for c in checks if c["outcome"] == "skipped")
    assert skipped == ["relay buyer-1", "relay buyer-2"]
    for name in (
        "serial port",
        "meter seller-meter-1",
        "meter seller-meter-2",
        "watchdog",
        "macaroon",
        "lnd",
        "channel to buyer-1",
        "channel to buyer-2",
        "clock",
        "peer buyer-1",
        "peer buyer-2",
        "storage",
    ):
        assert by_name[name]["outcome"] == "ok", by_name.get(name)
    assert report["passed"] is True
    assert code == 0

    code, buyer = run.buyer_doctor
    assert [c for c in buyer["checks"] if c["outcome"] != "ok"] == []
    assert code == 0


def test_the_statement_has_a_row_per_buyer_equal_to_the_summary(run: Run) -> None:
    done = gridnode(
        "statement", "--month", run.month, "--format", "csv", "--config", str(run.seller_config)
    )
    assert done.returncode == 0, done.stderr
    rows = [r for r in csv.DictReader(io.StringIO(done.stdout)) if r["row"] == "tenant"]
    expected = run.summary["buyers"]
    assert sorted(r["tenant"] for r in rows) == sorted(expected) == ["buyer-1", "buyer-2"]
    for row in rows:
        summary = expected[row["tenant"]]
        assert int(row["energy_seller_mwh"]) == summary["energy_seller_mwh"] > 0, row
        assert int(row["paid_msat"]) == summary["paid_msat"] > 0, row
    assert sum(int(r["paid_msat"]) for r in rows) == run.summary["paid_msat"]
