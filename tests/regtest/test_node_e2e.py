"""The node end to end: real LND on regtest, the pinned TLS link on loopback, meters and
relays over Modbus RTU on pseudo-terminals, seller and buyers as separate processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.demo.configs import DemoTerms
from tests.regtest.node_harness import (
    assert_ledgers_match_wallets,
    circuit_state,
    harness,
    pause,
    resume,
    rows,
    run_for,
)

pytestmark = pytest.mark.regtest


def test_a_full_period_with_renewal_and_both_sides_agree_with_lnd(tmp_path: Path) -> None:
    demo = harness(tmp_path, terms=DemoTerms(period_s=20))
    demo.start()
    try:
        run_for(demo, 45)
    finally:
        demo.stop()
    summary = demo.summary()
    assert summary["renewals"] >= 1
    assert summary["payments"] >= 20
    assert summary["breaches"] == []
    assert summary["max_paid_ahead_s"] <= 5  # the demo target
    assert_ledgers_match_wallets(demo)
    # the deposit was refunded at the clean close
    assert demo.parts is not None
    deposit = rows(demo.parts.seller.ledger, "SELECT state FROM invoices WHERE purpose = 'deposit'")
    assert deposit == [("canceled",)]


def test_a_buyer_that_stops_paying_loses_power_and_regains_it_when_it_pays(
    tmp_path: Path,
) -> None:
    demo = harness(tmp_path)
    demo.start()
    try:
        run_for(demo, 20)
        assert circuit_state(demo)["circuits"][0]["relay_on"]
        pause(demo, "buyer-1")  # the buyer stops paying (and everything else)
        run_for(demo, 10)
        timeline = circuit_state(demo)["circuits"][0]["relay_timeline"]
        assert not circuit_state(demo)["circuits"][0]["relay_on"]
        resume(demo, "buyer-1")
        run_for(demo, 15)
        assert circuit_state(demo)["circuits"][0]["relay_on"]  # restored after paying up
    finally:
        demo.stop()
    # the cut came within the prepaid window (~5 s at this power) plus a tick
    on_times = [t for t, on in timeline if on]
    off_times = [t for t, on in timeline if not on]
    assert on_times
    assert off_times
    assert_ledgers_match_wallets(demo)


def test_a_seller_meter_over_reporting_5_percent_is_caught_by_the_buyer(tmp_path: Path) -> None:
    demo = harness(tmp_path, seller_bias=0.05)
    demo.start()
    try:
        run_for(demo, 40)
    finally:
        demo.stop()
    summary = demo.summary()
    texts = [b["text"] for b in summary["breaches"] if b["node"] == "buyer-1"]  # type: ignore[index, union-attr]
    assert texts, summary["breaches"]
    assert_ledgers_match_wallets(demo)


def test_a_voltage_sag_stops_the_buyer_paying_after_its_grace(tmp_path: Path) -> None:
    demo = harness(tmp_path, sags=["15:60:0.85"])  # 195.5 V, below the agreed 207 V
    demo.start()
    try:
        run_for(demo, 40)
    finally:
        demo.stop()
    summary = demo.summary()
    texts = [b["text"] for b in summary["breaches"] if b["node"] == "buyer-1"]  # type: ignore[index, union-attr]
    assert any("voltage" in t.lower() for t in texts), summary["breaches"]


def test_a_bad_configuration_exits_2_with_a_sentence_per_field(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "seller.toml"
    config.write_text('role = "seller"\nlisten = 9735\n[lnd]\nhost = "nohost"\n')
    result = subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", "sell", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "listen must be a string" in result.stderr
    assert "lnd.tls_cert is missing" in result.stderr
    assert "[terms] is missing" in result.stderr
