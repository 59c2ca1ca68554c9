"""A tenant without a meter of its own, on real LND (issue 18 §5): the demo's buyer with
``metering = "seller"`` has no [hardware] (no serial port opened), reaches its LND by an
lndconnect URI, pays on the seller's signed readings alone, and its receipt verifies as
single-metered with the fingerprints both nodes print."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridnode.demo.configs import DemoTerms
from gridnode.demo.run import DemoHarness
from tests.support.regtest.node_harness import harness, network_down, run_for

pytestmark = [pytest.mark.regtest, pytest.mark.timeout(400)]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoHarness]:
    made = harness(tmp_path, terms=DemoTerms(period_s=15), seller_metered=1)
    yield made
    network_down(made)


def test_a_buyer_without_a_meter_pays_on_the_sellers_readings_alone(demo: DemoHarness) -> None:
    demo.start()
    try:
        run_for(demo, 25)
    finally:
        demo.stop()
    summary: dict[str, Any] = demo.summary()
    assert demo.parts is not None
    (buyer,) = demo.parts.buyers
    config = (buyer.directory / "buyer.toml").read_text()
    assert 'metering = "seller"' in config
    assert "[hardware" not in config
    assert "lndconnect://" in config
    account = summary["buyers"][buyer.name]
    assert account["payments"] > 0
    assert account["own_meter_wh"] == 0.0  # it has none
    path = next(p for p in summary["receipts"] if Path(p).is_file())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridnode.cli.main",
            "verify",
            path,
            "--seller-fpr",
            demo.parts.seller.identity.fingerprint,
            "--buyer-fpr",
            buyer.identity.fingerprint,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0, report["problems"]
    assert report["checked"]["metering"] == "single"
