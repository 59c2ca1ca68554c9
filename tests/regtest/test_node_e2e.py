"""The node end to end: real LND on regtest, the pinned TLS link on loopback, meters and
relays over Modbus RTU on pseudo-terminals, seller and buyers as separate processes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gridnode.demo.configs import DemoTerms
from gridnode.demo.run import DemoHarness
from tests.regtest.node_harness import (
    assert_ledgers_match_wallets,
    circuit_state,
    harness,
    network_down,
    pause,
    relay_on,
    resume,
    rows,
    run_for,
    wait_until,
)

pytestmark = pytest.mark.regtest

Make = Callable[..., DemoHarness]


@pytest.fixture
def make_demo(tmp_path: Path) -> Iterator[Make]:
    """Demo harnesses whose regtest networks go down when the test ends."""
    made: list[DemoHarness] = []

    def make(**options: Any) -> DemoHarness:
        demo = harness(tmp_path, **options)
        made.append(demo)
        return demo

    yield make
    for demo in made:
        network_down(demo)


def test_a_full_period_with_renewal_and_both_sides_agree_with_lnd(make_demo: Make) -> None:
    demo = make_demo(terms=DemoTerms(period_s=20))
    demo.start()
    try:
        run_for(demo, 45)
    finally:
        demo.stop()
    summary = demo.summary()
    assert summary["renewals"] >= 1
    # payments keep coming through both periods; how many depends on the machine's load
    # (a 1 s control tick, ~2 s of energy each), so the bound is loose: the exposure and
    # the ledgers below are what must hold exactly
    assert summary["payments"] >= 10
    assert summary["breaches"] == []
    assert summary["max_paid_ahead_s"] <= 5  # the demo target
    assert_ledgers_match_wallets(demo)
    # the deposit was refunded at the clean close
    assert demo.parts is not None
    deposit = rows(demo.parts.seller.ledger, "SELECT state FROM invoices WHERE purpose = 'deposit'")
    assert deposit == [("canceled",)]


def test_a_buyer_that_stops_paying_loses_power_and_regains_it_when_it_pays(
    make_demo: Make,
) -> None:
    demo = make_demo()
    demo.start()
    try:
        wait_until(demo, "power on", lambda: relay_on(demo), 30)
        run_for(demo, 5)
        pause(demo, "buyer-1")  # the buyer stops paying (and everything else)
        cut_after = wait_until(demo, "power cut", lambda: not relay_on(demo), 20)
        timeline = circuit_state(demo)["circuits"][0]["relay_timeline"]
        resume(demo, "buyer-1")
        wait_until(demo, "power restored after paying up", lambda: relay_on(demo), 30)
    finally:
        demo.stop()
    # the cut came within the prepaid window (~5 s at this power) plus a tick, and the
    # status sampling's own second
    assert cut_after <= 8
    on_times = [t for t, on in timeline if on]
    off_times = [t for t, on in timeline if not on]
    assert on_times
    assert off_times
    assert_ledgers_match_wallets(demo)


def test_a_seller_meter_over_reporting_5_percent_is_caught_by_the_buyer(make_demo: Make) -> None:
    demo = make_demo(seller_bias=0.05)
    demo.start()
    try:
        run_for(demo, 40)
    finally:
        demo.stop()
    summary = demo.summary()
    texts = [b["text"] for b in summary["breaches"] if b["node"] == "buyer-1"]  # type: ignore[index, union-attr]
    assert texts, summary["breaches"]
    assert_ledgers_match_wallets(demo)


def test_a_voltage_sag_stops_the_buyer_paying_after_its_grace(make_demo: Make) -> None:
    # 195.5 V, below the agreed 207 V, with a load that stays under the 16 A maximum
    demo = make_demo(sags=["15:60:0.85"], load_watts=2000.0, cycling_watts=0.0)
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


def relay_never_on_before_deposit(demo_root: Path, on_times: list[float]) -> None:
    """Every switch-on of the relay came after a deposit was locked for that session."""
    locks = [
        at / 1000
        for (at,) in rows(
            demo_root / "seller" / "ledger.sqlite",
            "SELECT at_ms FROM journal WHERE text = 'deposit locked'",
        )
    ]
    for on in on_times:
        assert any(lock <= on + 0.5 for lock in locks), (on, locks)


def test_seller_lnd_restart_and_seller_and_buyer_kill_9_leave_ledgers_equal_to_wallets(
    make_demo: Make,
) -> None:
    demo = make_demo()
    demo.start()
    assert demo.parts is not None
    network = demo.parts.network
    network.expect_log_errors(".")  # this test kills daemons: their logs say so
    try:
        wait_until(demo, "power on", lambda: relay_on(demo), 30)
        # the seller's LND goes down and comes back while the session runs
        network.kill_lnd(0)
        run_for(demo, 3)
        network.start_lnd(0)
        wait_until(demo, "power on after LND's restart", lambda: relay_on(demo), 40)
        # the seller is killed: its relay holds until the watchdog drops it
        demo.parts.paused["seller"] = True
        demo.parts.processes["seller"].kill()
        wait_until(demo, "the watchdog drops the relay", lambda: not relay_on(demo), 8)
        demo.parts.paused["seller"] = False
        demo.restart("seller")
        wait_until(demo, "trading again after the seller's restart", lambda: relay_on(demo), 60)
        # the buyer is killed and restarts
        demo.parts.paused["buyer-1"] = True
        demo.parts.processes["buyer-1"].kill()
        run_for(demo, 3)
        demo.parts.paused["buyer-1"] = False
        restarted_ms = int(time.time() * 1000)
        demo.restart("buyer-1")
        buyer_ledger = demo.parts.buyers[0].ledger

        def paying_again() -> bool:
            paid = rows(
                buyer_ledger,
                "SELECT count(*) FROM payments WHERE status = 'succeeded'"
                f" AND attempted_at_ms > {restarted_ms}",
            )
            return bool(paid[0][0] >= 5) and relay_on(demo)

        wait_until(demo, "the restarted buyer pays and has power", paying_again, 60)
    finally:
        demo.stop()
    assert_ledgers_match_wallets(demo)
    timeline = circuit_state(demo)["circuits"][0]["relay_timeline"]
    relay_never_on_before_deposit(demo.root, [t for t, on in timeline if on])


def test_three_buyers_one_stalled_the_others_keep_trading(make_demo: Make) -> None:
    demo = make_demo(buyers=3)
    demo.start()
    try:
        wait_until(
            demo, "power on for all three", lambda: all(relay_on(demo, i) for i in range(3)), 45
        )
        run_for(demo, 5)
        pause(demo, "buyer-2")  # stops reading its socket and paying
        before = {
            b.name: len(rows(b.ledger, "SELECT 1 FROM payments WHERE status = 'succeeded'"))
            for b in demo.parts.buyers  # type: ignore[union-attr]
        }
        run_for(demo, 20)
        circuits = circuit_state(demo)["circuits"]
        assert circuits[0]["relay_on"]
        assert not circuits[1]["relay_on"]  # the stalled buyer's supply was cut
        assert circuits[2]["relay_on"]
        after = {
            b.name: len(rows(b.ledger, "SELECT 1 FROM payments WHERE status = 'succeeded'"))
            for b in demo.parts.buyers  # type: ignore[union-attr]
        }
        # at ~3.3 kW and 200 sat/kWh a 400 msat step is paid about every 2 s
        assert after["buyer-1"] >= before["buyer-1"] + 5
        assert after["buyer-3"] >= before["buyer-3"] + 5
        off = [t for t, on in circuits[1]["relay_timeline"] if not on]
        assert off  # cut, and in time: within the prepaid window and a tick of the stall
        resume(demo, "buyer-2")
    finally:
        demo.stop()
    assert_ledgers_match_wallets(demo)


def test_smart_loads_switch_as_modbus_coils_and_the_buyer_meter_sees_them(
    make_demo: Make,
) -> None:
    # a band every demo price is under: the agent switches both appliances on at once
    demo = make_demo(
        smart_loads=True, load_watts=1000.0, cycling_watts=0.0, smart_load_band=(400_000, 500_000)
    )
    demo.start()
    try:
        wait_until(demo, "power on", lambda: relay_on(demo), 30)

        def appliances_on() -> bool:
            state = circuit_state(demo)
            return all(state["smart_loads"].values()) and state["circuits"][0]["power_w"] > 3000

        wait_until(demo, "the appliances on through their coils", appliances_on, 30)
        demo.latest.clear()
        wait_until(
            demo, "the buyer's meter sees them", lambda: _buyer_power_mw(demo) > 3_000_000, 15
        )
    finally:
        demo.stop()
    assert not any(circuit_state(demo)["smart_loads"].values())  # off when the agent stops


def _buyer_power_mw(demo: DemoHarness) -> int:
    status = demo.latest.get("buyer-1")
    return status.sessions[0].power_mw if status is not None and status.sessions else 0
