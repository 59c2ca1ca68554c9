"""A battery node's metrics (issue 22): its sessions' series labelled by the side it is
on in each, its book as ``gridnode_battery_*`` gauges (energy in joules, prices in msat
per kWh, figures not known left out), a prosumer's surplus; and a seller's and a
buyer's series as they were. The snapshots are built by hand."""

from __future__ import annotations

import dataclasses

from prometheus_client import CollectorRegistry
from prometheus_client.samples import Sample

from gridnode.metrics.collector import SnapshotCollector
from gridnode.snapshot import NodeSnapshot
from tests.support.battery_snapshot import (
    BUY_RATE,
    SELL_RATE,
    battery_book,
    battery_snapshot,
    flat_session,
    grid_session,
    node_snapshot,
    prosumer_book,
)
from tests.support.prometheus import scrape, value

J = 3.6  # joules in a mWh


def _scrape_of(snapshot: NodeSnapshot) -> dict[str, list[Sample]]:
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(lambda: snapshot))
    return scrape(registry)


def test_a_battery_nodes_sessions_are_labelled_by_side() -> None:
    samples = _scrape_of(battery_snapshot())
    assert value(samples, "gridnode_relay_on", partner="flat-1", side="seller") == 1
    assert value(samples, "gridnode_relay_on", partner="grid", side="buyer") == 0
    assert value(samples, "gridnode_session_rate_msat_per_kwh", side="seller") == SELL_RATE
    assert value(samples, "gridnode_session_rate_msat_per_kwh", side="buyer") == BUY_RATE
    state = "gridnode_session_state"
    assert value(samples, state, partner="grid", side="buyer", state="receiving") == 1
    power = "gridnode_meter_power_watts"
    assert value(samples, power, partner="grid", side="buyer", meter="inverter") == 3000
    # the same partner on both sides is two series, not one twice
    both = dataclasses.replace(
        battery_snapshot(),
        sessions=(flat_session(), dataclasses.replace(grid_session(), peer_name="flat-1")),
    )
    paid = _scrape_of(both)["gridnode_session_paid_msat"]
    assert sorted(s.labels["side"] for s in paid) == ["buyer", "seller"]


def test_the_battery_book_is_gauges() -> None:
    samples = _scrape_of(battery_snapshot())
    assert value(samples, "gridnode_battery_capacity_joules") == 10_000_000 * J
    assert value(samples, "gridnode_battery_stored_joules") == 6_000_000 * J
    assert value(samples, "gridnode_battery_reserve_joules") == 1_000_000 * J
    assert value(samples, "gridnode_battery_maximum_joules") == 9_000_000 * J
    assert value(samples, "gridnode_battery_pledged_sell_joules") == 400_000 * J
    assert value(samples, "gridnode_battery_pledged_buy_joules") == 250_000 * J
    assert value(samples, "gridnode_battery_offer_msat_per_kwh") == SELL_RATE
    assert value(samples, "gridnode_battery_offer_energy_joules") == 500_000 * J
    assert value(samples, "gridnode_battery_bid_cap_msat_per_kwh") == 110_000
    assert value(samples, "gridnode_battery_floor_msat_per_kwh") == 140_000
    assert value(samples, "gridnode_battery_offering") == 1
    assert value(samples, "gridnode_battery_bidding") == 1
    assert value(samples, "gridnode_battery_charge_known") == 1
    assert not any(name.startswith("gridnode_prosumer") for name in samples)


def test_what_the_battery_does_not_know_or_offer_is_left_out() -> None:
    book = battery_book(charge_known=False, offer_msat_per_kwh=None, bid_msat_per_kwh=None)
    samples = _scrape_of(battery_snapshot(book))
    assert value(samples, "gridnode_battery_charge_known") == 0
    assert value(samples, "gridnode_battery_offering") == 0
    assert value(samples, "gridnode_battery_bidding") == 0
    assert value(samples, "gridnode_battery_reserve_joules") == 1_000_000 * J
    for missing in (
        "stored_joules",
        "pledged_sell_joules",
        "floor_msat_per_kwh",
        "offer_msat_per_kwh",
        "bid_cap_msat_per_kwh",
    ):
        assert f"gridnode_battery_{missing}" not in samples


def test_a_prosumer_exports_its_surplus_and_offer() -> None:
    snapshot = node_snapshot(
        "seller+buyer+prosumer", (flat_session(), grid_session()), prosumer_book()
    )
    samples = _scrape_of(snapshot)
    assert value(samples, "gridnode_prosumer_surplus_watts") == 1800
    assert value(samples, "gridnode_prosumer_offer_msat_per_kwh") == 150_000
    assert value(samples, "gridnode_prosumer_offering") == 1
    assert not any(name.startswith("gridnode_battery") for name in samples)
    unmeasured = dataclasses.replace(snapshot, battery=prosumer_book(surplus_power_mw=None))
    assert "gridnode_prosumer_surplus_watts" not in _scrape_of(unmeasured)


def test_a_seller_and_a_buyer_keep_their_labels() -> None:
    for snapshot in (
        node_snapshot("seller", (flat_session(),)),
        node_snapshot("buyer", (grid_session(),)),
    ):
        samples = _scrape_of(snapshot)
        for name, found in samples.items():
            for sample in found:
                assert "side" not in sample.labels, name
            assert not name.startswith(("gridnode_battery", "gridnode_prosumer")), name
        (state,) = samples["gridnode_session_state"]
        assert set(state.labels) == {"partner", "state"}
        (power,) = samples["gridnode_meter_power_watts"]
        assert set(power.labels) == {"partner", "meter"}
