"""A node's metrics (issue 23): the observer's counters and the snapshot's gauges, in the
node's own registry, rendered in Prometheus' text format and read back with
prometheus_client's own parser. Names carry their unit, counters end in ``_total``, and
partners are labelled by name, never by a session id."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from prometheus_client import CollectorRegistry

from gridnode.metrics.collector import SnapshotCollector
from gridnode.metrics.observer import MetricsObserver
from gridnode.node.runtime import NodeRuntime
from gridnode.node.storage import StorageWatch
from gridnode.snapshot import Liquidity, NodeSnapshot, StorageView
from tests.support.node import NodeExtras, trading_pair
from tests.support.prometheus import scrape, value
from tests.support.terms import ELECTRICAL


def _registry(runtime: NodeRuntime, registry: CollectorRegistry) -> CollectorRegistry:
    registry.register(SnapshotCollector(runtime.snapshot))
    return registry


async def test_a_trading_pairs_metrics_parse_and_follow_conventions(tmp_path: Path) -> None:
    seller_registry, buyer_registry = CollectorRegistry(), CollectorRegistry()
    pair = await trading_pair(
        tmp_path,
        seller_extras=NodeExtras(observer=MetricsObserver(seller_registry)),
        buyer_extras=NodeExtras(observer=MetricsObserver(buyer_registry)),
    )
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(30)
        ledger = pair.seller_ledger.path
        pair.seller.pruner.storage = StorageWatch([ledger], 20, pair.clock.now_ms, ledger=ledger)
        await pair.seller.pruner.once()  # the first storage sample
        seller = scrape(_registry(pair.seller, seller_registry))
        buyer = scrape(_registry(pair.buyer, buyer_registry))
        session_ids = {
            v.session_id for r in (pair.seller, pair.buyer) for v in r.snapshot().sessions
        }

        for samples in (seller, buyer):
            for name, found in samples.items():
                for sample in found:
                    assert not set(sample.labels.values()) & session_ids, name
            assert value(samples, "gridnode_lnd_up") == 1
            assert value(samples, "gridnode_warnings") == 0

        paid = value(buyer, "gridnode_payments_total", outcome="succeeded")
        assert paid >= 5
        assert value(buyer, "gridnode_payments_total", outcome="failed") == 0
        assert value(buyer, "gridnode_payment_duration_seconds_count") == paid
        settled = value(seller, "gridnode_invoices_total", outcome="settled")
        assert settled >= 5
        assert value(seller, "gridnode_settlement_to_credit_seconds_count") == settled
        assert (
            value(seller, "gridnode_relay_switches_total", state="on", cause="conditions_met") == 1
        )
        assert value(seller, "gridnode_control_tick_gap_seconds_count") > 100
        assert value(seller, "gridnode_relay_on", partner="buyer-1") == 1
        assert value(seller, "gridnode_session_state", partner="buyer-1", state="supplying") == 1
        assert value(buyer, "gridnode_session_state", partner="seller", state="receiving") == 1
        power = value(seller, "gridnode_meter_power_watts", partner="buyer-1", meter="seller-meter")
        assert power == pair.wire.load_mw / 1000
        assert value(buyer, "gridnode_meter_import_energy_joules_total", partner="seller") > 0
        assert value(buyer, "gridnode_session_exposure_msat", partner="seller") > 0
        assert value(buyer, "gridnode_buying_paused") == 0
        assert value(seller, "gridnode_ledger_size_bytes") > 0
        assert value(seller, "gridnode_storage_budget_bytes_per_day") > 0
        # the seller asks for its channel balances (its receivable headroom); the buyer's
        # least-privilege macaroon may not
        assert "gridnode_lightning_receivable_msat" not in buyer


def test_the_storage_and_liquidity_figures_are_gauges() -> None:
    snapshot = NodeSnapshot(
        role="seller",
        fingerprint="ab" * 32,
        at_ms=0,
        lnd_reachable=False,
        control_allowed=False,
        ledger_path="ledger.sqlite",
        storage=StorageView(1_000, 5_000, 10**9, 30 * 10**6, 20 * 10**6),
        liquidity=Liquidity(sendable_msat=1_000, receivable_msat=9_000_000, at_ms=0),
    )
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(lambda: snapshot))
    samples = scrape(registry)
    assert value(samples, "gridnode_lnd_up") == 0
    assert value(samples, "gridnode_lnd_data_size_bytes") == 5_000
    assert value(samples, "gridnode_storage_budget_headroom_bytes_per_day") == -10 * 10**6
    assert value(samples, "gridnode_lightning_receivable_msat") == 9_000_000
    assert value(samples, "gridnode_info", role="seller") == 1


async def test_a_three_phase_meter_shows_each_phase(tmp_path: Path) -> None:
    """Issue 20: a three-phase meter's voltage and current per phase, labelled L1 to L3."""
    registry = CollectorRegistry()
    electrical = dataclasses.replace(ELECTRICAL, phases=3)
    pair = await trading_pair(
        tmp_path,
        electrical=electrical,
        seller_extras=NodeExtras(observer=MetricsObserver(registry)),
    )
    pair.wire.split = (2, 1, 1)  # half the load on L1
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(5)
        seller = scrape(_registry(pair.seller, registry))
        where = {"partner": "buyer-1", "meter": "seller-meter"}
        amps = [
            value(seller, "gridnode_meter_phase_current_amperes", phase=f"L{n}", **where)
            for n in (1, 2, 3)
        ]
        volts = {
            value(seller, "gridnode_meter_phase_voltage_volts", phase=f"L{n}", **where)
            for n in (1, 2, 3)
        }
        assert volts == {230.0}
        assert amps[0] > amps[1] == amps[2] > 0
