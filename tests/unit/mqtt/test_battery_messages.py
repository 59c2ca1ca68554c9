"""A battery node (issue 22) in Home Assistant: each session shown from the side the node
is on in it (partners of both kinds on one device, a stop button only where it sells),
its book as node entities with Home Assistant's classes and units, a prosumer's surplus;
and a seller's or a buyer's messages as they were. The snapshots are built by hand."""

from __future__ import annotations

import dataclasses
from typing import Any

from gridnode.mqtt.battery_entities import OFFERING, percent
from gridnode.mqtt.messages import Controls, discovery, partner_names, states
from gridnode.mqtt.service import MqttService
from gridnode.mqtt.settings import MqttSettings
from gridnode.mqtt.topics import Topics
from gridnode.snapshot import BUYER, SELLER, NodeSnapshot
from tests.support.battery_snapshot import (
    BUY_RATE,
    battery_book,
    battery_snapshot,
    flat_session,
    grid_session,
    node_snapshot,
    prosumer_book,
)
from tests.support.clock import VirtualClock
from tests.support.ha_discovery import check_discovery, check_state

PREFIX = "homeassistant"
#: The node entities of a battery's book and of a prosumer's surplus, by name.
BOOK = {
    "State of charge",
    "Stored energy",
    "Reserve",
    "Maximum charge",
    "Pledged to sales",
    "Pledged to purchases",
    "Offer price",
    "Energy offered",
    "Offer status",
    "Bid cap",
    "Bid status",
    "Price floor",
}
SURPLUS = {"PV surplus", "Offer price", "Energy offered", "Offer status"}


def _topics(snapshot: NodeSnapshot) -> Topics:
    return Topics.of(snapshot.fingerprint, "gridnode", PREFIX, partner_names(snapshot))


def _published(
    snapshot: NodeSnapshot, allowed: bool = True
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, str]]:
    """Every discovered entity by (device, name), held to Home Assistant's rules with
    its state; and the states."""
    topics = _topics(snapshot)
    messages = discovery(snapshot, topics, "Bank", Controls(allowed=allowed, pause_switch=True))
    values = states(snapshot, topics)
    found = check_discovery(messages, PREFIX)
    assert found.problems == []
    entities: dict[tuple[str, str], dict[str, Any]] = {}
    for config in found.configs.values():
        topic = config.get("state_topic")
        if topic is not None:
            assert topic in values, f"{config['unique_id']} has no state"
            assert check_state(config, values[topic]) is None, config["unique_id"]
        key = (config["device"]["name"].removeprefix("Bank").lstrip(": ") or "node", config["name"])
        assert key not in entities
        entities[key] = config
    return entities, values


def test_a_battery_node_shows_the_partners_it_sells_to_and_buys_from() -> None:
    entities, values = _published(battery_snapshot())
    flat = {name: c for (device, name), c in entities.items() if device == "flat-1"}
    grid = {name: c for (device, name), c in entities.items() if device == "grid"}
    assert flat["Power"]["device"]["model"] == "buyer of Bank"
    assert grid["Power"]["device"]["model"] == "seller of Bank"
    assert "Energy delivered" in flat
    assert "Energy imported" not in flat
    assert "Energy imported" in grid
    assert "Energy delivered" not in grid
    assert {"Relay", "Stop session"} <= set(flat)
    assert not {"Relay", "Stop session"} & set(grid)
    assert flat["Stop session"]["command_topic"].endswith("/flat-1/stop")
    # the node buys through the grid's session: its live rate and active seller
    node = {name: c for (device, name), c in entities.items() if device == "node"}
    assert values[node["Live rate"]["state_topic"]] == "95.000" == f"{BUY_RATE / 1000:.3f}"
    assert values[node["Active seller"]["state_topic"]] == "grid"
    assert "Buying" in node  # the pause switch of its buying side
    # the node's device says what it is, not its roles joined
    assert node["Live rate"]["device"]["model"] == "battery node"


def test_a_partner_it_sells_to_and_buys_from_is_two_devices() -> None:
    """Another bank buys from this one and sells to it: two sessions, one name."""
    bank = dataclasses.replace(grid_session(), peer_name="bank-2", session_id="bought")
    snapshot = dataclasses.replace(
        battery_snapshot(),
        sessions=(dataclasses.replace(flat_session(), peer_name="bank-2"), bank),
    )
    assert partner_names(snapshot) == ["bank-2", "bank-2 (seller)"]
    entities, values = _published(snapshot)  # no unique id twice
    assert entities[("bank-2", "Power")]["device"]["model"] == "buyer of Bank"
    assert entities[("bank-2 (seller)", "Power")]["device"]["model"] == "seller of Bank"
    assert ("bank-2", "Stop session") in entities
    assert ("bank-2 (seller)", "Stop session") not in entities
    assert values[entities[("bank-2 (seller)", "Power")]["state_topic"]] == "3000.0"
    assert values[entities[("bank-2", "Power")]["state_topic"]] == "1200.0"


def test_the_battery_book_is_node_entities_with_home_assistants_classes() -> None:
    entities, values = _published(battery_snapshot())
    node = {name: c for (device, name), c in entities.items() if device == "node"}
    assert set(node) >= BOOK

    def state(name: str) -> str:
        return values[node[name]["state_topic"]]

    charge = node["State of charge"]
    assert (charge["device_class"], charge["unit_of_measurement"]) == ("battery", "%")
    assert charge["state_class"] == "measurement"
    assert state("State of charge") == "60.0"
    stored = node["Stored energy"]
    assert (stored["device_class"], stored["unit_of_measurement"]) == ("energy_storage", "Wh")
    assert state("Stored energy") == "6000.000"
    assert (state("Reserve"), state("Maximum charge")) == ("10.0", "90.0")
    assert (state("Pledged to sales"), state("Pledged to purchases")) == ("400.000", "250.000")
    assert node["Offer price"]["unit_of_measurement"] == "sat/kWh"
    assert (state("Offer price"), state("Energy offered")) == ("170.000", "500.000")
    assert (state("Bid cap"), state("Price floor")) == ("110.000", "140.000")
    assert (state("Offer status"), state("Bid status")) == (OFFERING, "bidding")
    assert "PV surplus" not in node


def test_a_battery_that_offers_nothing_says_why_and_an_unknown_charge_is_unknown() -> None:
    at_reserve = battery_book(
        offer_msat_per_kwh=None, not_offering="at the reserve: nothing left to sell"
    )
    _, values = _published(battery_snapshot(at_reserve))
    root = _topics(battery_snapshot()).root
    assert values[f"{root}/offer_rate"] == "None"
    assert values[f"{root}/offer_energy"] == "None"
    assert values[f"{root}/offer_status"] == "at the reserve: nothing left to sell"
    unknown = battery_book(
        charge_known=False,
        offer_msat_per_kwh=None,
        bid_msat_per_kwh=None,
        not_offering="the charge is not known yet",
        not_buying="the charge is not known yet",
    )
    _, values = _published(battery_snapshot(unknown))
    for key in ("charge", "stored_energy", "pledged_sales", "price_floor", "bid_cap"):
        assert values[f"{root}/{key}"] == "None", key
    assert values[f"{root}/reserve"] == "10.0"  # a setting, known without the inverter
    assert values[f"{root}/bid_status"] == "the charge is not known yet"


def test_a_prosumer_shows_its_surplus_and_its_offer() -> None:
    snapshot = node_snapshot(
        "seller+buyer+prosumer", (flat_session(), grid_session()), prosumer_book()
    )
    entities, values = _published(snapshot)
    node = {name: c for (device, name), c in entities.items() if device == "node"}
    assert set(node) >= SURPLUS
    assert not (BOOK - SURPLUS) & set(node)
    surplus = node["PV surplus"]
    assert (surplus["device_class"], surplus["unit_of_measurement"]) == ("power", "W")
    assert values[surplus["state_topic"]] == "1800.0"
    unmeasured = dataclasses.replace(snapshot, battery=prosumer_book(surplus_power_mw=None))
    assert states(unmeasured, _topics(snapshot))[surplus["state_topic"]] == "None"


def test_a_seller_and_a_buyer_publish_as_before() -> None:
    """No book entities, and the side a plain node's views carry changes nothing: a
    snapshot without sides (older views) publishes the very same messages."""
    seller = node_snapshot("seller", (flat_session(),))
    buyer = node_snapshot("buyer", (grid_session(),))
    for snapshot in (seller, buyer):
        topics = _topics(snapshot)
        controls = Controls(allowed=True, pause_switch=True)
        sideless = dataclasses.replace(
            snapshot, sessions=tuple(dataclasses.replace(v, side="") for v in snapshot.sessions)
        )
        assert discovery(snapshot, topics, None, controls) == discovery(
            sideless, topics, None, controls
        )
        assert states(snapshot, topics) == states(sideless, topics)
        entities, _ = _published(snapshot)
        assert not {name for _, name in entities} & (BOOK | SURPLUS)
    seller_entities, _ = _published(seller)
    assert ("flat-1", "Stop session") in seller_entities
    buyer_entities, _ = _published(buyer)
    assert ("grid", "Energy imported") in buyer_entities
    assert ("grid", "Stop session") not in buyer_entities


def test_percent_is_rounded_to_one_decimal_and_unknown_without_a_capacity() -> None:
    assert percent(1, 3) == "33.3"
    assert percent(2, 3) == "66.7"
    assert percent(5, 0) == "None"


async def test_a_battery_node_stops_by_hand_only_what_it_sells() -> None:
    stopped: list[str] = []

    async def stop(session_id: str, reason: str) -> str | None:
        stopped.append(session_id)
        return None

    snapshot = battery_snapshot()
    settings = MqttSettings(url="mqtt://broker", host="broker", port=1883)
    service = MqttService(
        settings, lambda: snapshot, VirtualClock(), allow_control=True, stop_session=stop
    )
    assert await service._stop("grid", "STOP") is not None  # it buys from the grid
    assert stopped == []
    assert await service._stop("flat-1", "STOP") is None
    assert stopped == ["flat-1-session"]
    assert {v.side for v in snapshot.sessions} == {SELLER, BUYER}
