"""A snapshot as MQTT messages: Home Assistant's discovery configurations (retained, one
per entity) and the states (retained, one topic per value).

Home Assistant's single-component discovery, as its documentation gives it: the topic
``<prefix>/<component>/<unique id>/config``, a JSON payload with the entity's ``name``,
``unique_id``, its topics, its classes and unit, the ``device`` it belongs to and the
``origin`` that published it, and an availability topic whose last will marks the node
unavailable when it dies. One device per node, one per session partner (through the
node's device); the partner's name, never a session id, is in every id.

Each session is shown from the side this node is on in it (:func:`session_side`): a
battery node sells to some partners and buys from others, so its device has partners of
both kinds, and a stop button only where it sells. Its book (a battery's charge, a
prosumer's surplus) is a set of node entities of its own (:mod:`gridnode.mqtt.battery_entities`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gridnode.mqtt.battery_entities import book_entities
from gridnode.mqtt.entities import (
    BUYING,
    OFF,
    ON,
    STOP,
    Entity,
    node_entities,
    on_off,
    partner_entities,
    warnings_attributes,
)
from gridnode.mqtt.topics import Topics
from gridnode.snapshot import BUYER, SELLER, NodeSnapshot, SessionView
from gridnode.version import __version__

#: Home Assistant's default availability payloads, written out.
ONLINE, OFFLINE = "online", "offline"
#: What the stop button publishes.
PRESS = "STOP"
ORIGIN = {"name": "gridnode", "sw_version": __version__}


@dataclass(frozen=True, slots=True)
class Controls:
    """Which controls the node offers (a button or switch is discovered only then)."""

    #: The node runs with --allow-control.
    allowed: bool
    #: A buyer's [mqtt] pause_switch.
    pause_switch: bool = False


def roles(snapshot: NodeSnapshot) -> set[str]:
    return set(snapshot.role.split("+"))


def session_side(view: SessionView, plays: set[str]) -> str:
    """The side this node is on in ``view``'s session: the view's own, else (a snapshot
    without it) the one side a seller or a buyer is on."""
    if view.side:
        return view.side
    return SELLER if SELLER in plays else BUYER


def partner_name(view: SessionView, snapshot: NodeSnapshot) -> str:
    """The name ``view``'s partner goes by in ids, topics and its device: its configured
    name, but for a partner a battery node both sells to and buys from, the one it buys
    from is "<name> (seller)", so that the two are two devices (the name is stable: a
    partner with no session has a waiting view)."""
    if view.side != BUYER:
        return view.peer_name
    sold_to = any(v.peer_name == view.peer_name and v.side == SELLER for v in snapshot.sessions)
    return f"{view.peer_name} (seller)" if sold_to else view.peer_name


def partner_names(snapshot: NodeSnapshot) -> list[str]:
    """Every partner's :func:`partner_name`, in the snapshot's order."""
    return [partner_name(view, snapshot) for view in snapshot.sessions]


def node_kind(snapshot: NodeSnapshot) -> str:
    """What the node is, in a word: "seller", "buyer", or for a node that plays both
    roles what it is ("battery", "prosumer"), not its roles joined ("seller+buyer+...")."""
    plays = snapshot.role.split("+")
    return plays[-1] if len(plays) > 1 else snapshot.role


def node_device(snapshot: NodeSnapshot, topics: Topics, name: str | None) -> dict[str, Any]:
    return {
        "identifiers": [f"gridnode_{topics.node_id}"],
        "name": name or f"gridnode {node_kind(snapshot)} {topics.node_id[:6]}",
        "manufacturer": "gridnode",
        "model": f"{node_kind(snapshot)} node",
        "sw_version": __version__,
    }


def _config(
    entity: Entity,
    topics: Topics,
    device: dict[str, Any],
    state_topic: str | None,
    unique_id: str,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": entity.name,
        "unique_id": unique_id,
        "availability_topic": topics.availability,
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        "device": device,
        "origin": ORIGIN,
    }
    if state_topic is not None:
        payload["state_topic"] = state_topic
    optional = {
        "device_class": entity.device_class,
        "state_class": entity.state_class,
        "unit_of_measurement": entity.unit,
        "suggested_display_precision": entity.precision,
        "entity_category": entity.category,
        "icon": entity.icon,
    }
    payload.update({k: v for k, v in optional.items() if v is not None})
    if entity.component in ("binary_sensor", "switch"):
        payload["payload_on"], payload["payload_off"] = ON, OFF
    if entity.attributes and state_topic is not None:
        payload["json_attributes_topic"] = f"{state_topic}/attributes"
    return payload


def discovery(
    snapshot: NodeSnapshot, topics: Topics, name: str | None, controls: Controls
) -> dict[str, str]:
    """Every discovery configuration of the node, by topic (JSON text); a control the
    node does not offer gets an empty payload, which removes one offered before."""
    plays = roles(snapshot)
    device = node_device(snapshot, topics, name)
    messages: dict[str, str] = {}

    def add(topic: str, payload: dict[str, Any] | None) -> None:
        messages[topic] = "" if payload is None else json.dumps(payload, sort_keys=True)

    for entity, _ in node_entities(snapshot.role):
        uid = topics.unique_id(entity.key)
        add(
            topics.config(entity.component, uid),
            _config(entity, topics, device, topics.node(entity.key), uid),
        )
    if "buyer" in plays:
        uid = topics.unique_id(BUYING.key)
        switch = None
        if controls.allowed and controls.pause_switch:
            switch = _config(BUYING, topics, device, topics.node(BUYING.key), uid)
            switch["command_topic"] = topics.buying_set
            switch["qos"] = 1
        add(topics.config(BUYING.component, uid), switch)
    if snapshot.battery is not None:
        for entity, _ in book_entities(snapshot.battery.kind):
            uid = topics.unique_id(entity.key)
            add(
                topics.config(entity.component, uid),
                _config(entity, topics, device, topics.node(entity.key), uid),
            )
    for view in snapshot.sessions:
        peer = partner_name(view, snapshot)
        side = session_side(view, plays)
        partner = {
            "identifiers": [topics.unique_id("device", peer)],
            "name": f"{device['name']}: {peer}",
            "manufacturer": "gridnode",
            "model": f"{BUYER if side == SELLER else SELLER} of {device['name']}",
            "via_device": device["identifiers"][0],
        }
        for entity, _ in partner_entities(side):
            uid = topics.unique_id(entity.key, peer)
            add(
                topics.config(entity.component, uid),
                _config(entity, topics, partner, topics.partner(peer, entity.key), uid),
            )
        if side == SELLER:
            uid = topics.unique_id(STOP.key, peer)
            button = None
            if controls.allowed:
                button = _config(STOP, topics, partner, None, uid)
                button["command_topic"] = topics.stop(peer)
                button["payload_press"] = PRESS
                button["qos"] = 1
            add(topics.config(STOP.component, uid), button)
    return messages


def states(snapshot: NodeSnapshot, topics: Topics) -> dict[str, str]:
    """Every value of the node now, by topic."""
    found: dict[str, str] = {}
    for entity, node_value in node_entities(snapshot.role):
        found[topics.node(entity.key)] = node_value(snapshot)
    found[f"{topics.node('warnings')}/attributes"] = warnings_attributes(snapshot)
    plays = roles(snapshot)
    if "buyer" in plays:
        found[topics.node(BUYING.key)] = on_off(not snapshot.buying_paused)
    if snapshot.battery is not None:
        for entity, book_value in book_entities(snapshot.battery.kind):
            found[topics.node(entity.key)] = book_value(snapshot.battery)
    for view in snapshot.sessions:
        for entity, value in partner_entities(session_side(view, plays)):
            found[topics.partner(partner_name(view, snapshot), entity.key)] = value(view)
    return found
