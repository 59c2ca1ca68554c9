"""`gridnode doctor` on a running demo (issue 18's "done when"): with the demo's seller
and buyers trading on real LND and the simulated circuit, the doctor run on the
seller's configuration and on a buyer's passes every check: nothing fails, nothing
warns, and only the relay click-test, which needs the node stopped and the tenant's
consent, is skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.regtest.node_harness import harness, network_down, run_for

pytestmark = pytest.mark.regtest


def doctor(config: Path) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", "doctor", "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    doc = json.loads(done.stdout)
    assert isinstance(doc, dict), done.stderr
    return done.returncode, doc


def test_the_doctor_passes_every_check_while_the_demo_runs(tmp_path: Path) -> None:
    demo = harness(tmp_path, buyers=2)
    try:
        parts = demo.start()
        try:
            run_for(demo, 20)
            code, report = doctor(parts.seller.config)
            checks = report["checks"]
            assert isinstance(checks, list)
            by_name = {c["name"]: c for c in checks}
            assert report["node_running"] is True
            not_ok = {
                c["name"]: c for c in checks if c["outcome"] != "ok" and c["outcome"] != "skipped"
            }
            assert not_ok == {}
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

            code, buyer = doctor(parts.buyers[0].config)
            buyer_checks = buyer["checks"]
            assert isinstance(buyer_checks, list)
            assert [c for c in buyer_checks if c["outcome"] != "ok"] == []
            assert code == 0
        finally:
            demo.stop()
    finally:
        network_down(demo)
