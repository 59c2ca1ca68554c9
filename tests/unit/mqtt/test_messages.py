"""A node's snapshot as Home Assistant discovery and states (issue 23), held against Home
Assistant's rules as tests/support/ha_discovery.py writes them down: required keys, one
unique id per entity, device class, state class and unit consistent, every state one
Home Assistant takes. The snapshots are a seller's and a buyer's while they trade."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridnode.mqtt.entities import scaled
from gridnode.mqtt.messages import Controls, discovery, states
from gridnode.mqtt.topics import Topics, partner_slugs, slug
from gridnode.snapshot import NodeSnapshot
from tests.support.ha_discovery import (
    check_discovery,
    check_state,
    energy_dashboard_problem,
    price_entity_problem,
)
from tests.support.node import trading_pair
from tests.support.terms import PRICE

PREFIX = "homeassistant"


def _topics(snapshot: NodeSnapshot) -> Topics:
    return Topics.of(
        snapshot.fingerprint, "gridnode", PREFIX, [v.peer_name for v in snapshot.sessions]
    )


async def _trading_snapshots(folder: Path) -> tuple[NodeSnapshot, NodeSnapshot]:
    pair = await trading_pair(folder)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(20)
    snapshots = pair.seller.snapshot(), pair.buyer.snapshot()
    await pair.shutdown()
    return snapshots


async def test_both_nodes_discovery_is_valid_and_every_state_is_taken(tmp_path: Path) -> None:
    seller, buyer = await _trading_snapshots(tmp_path)
    messages: dict[str, str] = {}
    all_states: dict[str, str] = {}
    for snapshot in (seller, buyer):
        topics = _topics(snapshot)
        controls = Controls(allowed=True, pause_switch=snapshot.role == "buyer")
        messages |= discovery(snapshot, topics, None, controls)
        all_states |= states(snapshot, topics)
    found = check_discovery(messages, PREFIX)
    assert found.problems == []
    configs = found.by_unique_id()
    assert len(configs) == len(found.configs)  # one unique id per entity, across nodes
    for config in found.configs.values():
        topic = config.get("state_topic")
        if topic is None:
            continue
        assert topic in all_states, f"{config['unique_id']} has no state"
        assert check_state(config, all_states[topic]) is None, config["unique_id"]
        attributes = config.get("json_attributes_topic")
        if attributes is not None:
            assert json.loads(all_states[attributes]) == {"warnings": []}

    by_name = {(c["device"]["name"].split(": ")[-1], c["name"]): c for c in configs.values()}
    delivered = by_name[("buyer-1", "Energy delivered")]
    imported = by_name[("seller", "Energy imported")]
    for energy in (delivered, imported):
        assert energy_dashboard_problem(energy) is None
        assert float(all_states[energy["state_topic"]]) > 0
    live_rate = next(c for c in configs.values() if c["name"] == "Live rate")
    assert price_entity_problem(live_rate) is None
    assert all_states[live_rate["state_topic"]] == scaled(int(PRICE), 3, 3)  # in sat/kWh
    relay = by_name[("buyer-1", "Relay")]
    assert all_states[relay["state_topic"]] == "ON"
    stop = by_name[("buyer-1", "Stop session")]
    assert stop["command_topic"].endswith("/buyer-1/stop")
    switch = next(c for c in configs.values() if c["_component"] == "switch")
    assert all_states[switch["state_topic"]] == "ON"  # buying, not paused
    # the partners' devices hang off their node's device
    for config in configs.values():
        via = config["device"].get("via_device")
        assert via is None or via in {f"gridnode_{_topics(s).node_id}" for s in (seller, buyer)}


async def test_controls_are_discovered_only_when_allowed_and_removed_otherwise(
    tmp_path: Path,
) -> None:
    seller, buyer = await _trading_snapshots(tmp_path)
    for snapshot, component in ((seller, "button"), (buyer, "switch")):
        topics = _topics(snapshot)
        messages = discovery(snapshot, topics, "House", Controls(allowed=False, pause_switch=True))
        controls = [t for t in messages if f"/{component}/" in t]
        assert controls
        assert all(messages[t] == "" for t in controls)  # removes one offered before
        assert check_discovery(messages, PREFIX).problems == []
    topics = _topics(buyer)
    no_switch = discovery(buyer, topics, None, Controls(allowed=True, pause_switch=False))
    assert all(no_switch[t] == "" for t in no_switch if "/switch/" in t)


def test_values_are_exact_decimals() -> None:
    assert scaled(2_300_123, 3, 1) == "2300.1"
    assert scaled(1_234_567_891, 6, 6) == "1234.567891"
    assert scaled(-1_500, 3, 3) == "-1.500"
    assert scaled(0, 3, 3) == "0.000"


@pytest.mark.parametrize(
    ("names", "slugs"),
    [
        (["flat 2", "flat-2", "Flat_2"], ["flat_2", "flat-2", "flat_2_2"]),
        (["Ümit's flat", "!!"], ["mit_s_flat", "partner"]),
    ],
)
def test_partner_slugs_are_safe_and_unique(names: list[str], slugs: list[str]) -> None:
    assert list(partner_slugs(names).values()) == slugs
    assert all(slug(n) for n in names)
