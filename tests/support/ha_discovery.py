"""Home Assistant's rules for MQTT discovery, written down independently of gridnode's
generator, to hold its discovery messages against (issue 23).

The facts come from Home Assistant's documentation and source (the MQTT integration's
discovery topic and payload rules; ``homeassistant/components/sensor/const.py``:
``DEVICE_CLASS_UNITS`` and ``DEVICE_CLASS_STATE_CLASSES``; the energy dashboard's
validation of energy and price entities). Only the device classes a node could use are
listed; any other is reported, so a new one must be looked up and added here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: ``<discovery_prefix>/<component>/[<node_id>/]<object_id>/config``
_TOPIC = r"(?P<component>\w+)/(?:(?P<node_id>[a-zA-Z0-9_-]+)/)?(?P<object_id>[a-zA-Z0-9_-]+)/config"
PLATFORMS = {"sensor", "binary_sensor", "button", "switch", "number", "select", "text"}
#: What each platform's configuration must hold.
REQUIRED = {
    "sensor": ("state_topic",),
    "binary_sensor": ("state_topic",),
    "button": ("command_topic",),
    "switch": ("command_topic",),
}
STATE_CLASSES = {"measurement", "total", "total_increasing"}
ENERGY_UNITS = {"J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh"}
ENERGY_UNITS |= {"cal", "kcal", "Mcal", "Gcal"}
#: Sensor device class: (the units it allows, the state classes it allows).
SENSOR_CLASSES: dict[str, tuple[set[str | None] | None, set[str]]] = {
    "power": ({"W", "kW", "MW", "GW", "TW"}, {"measurement"}),
    "voltage": ({"V", "mV", "µV", "kV", "MV"}, {"measurement"}),
    "current": ({"A", "mA"}, {"measurement"}),
    "energy": (set(ENERGY_UNITS), {"total", "total_increasing"}),
    # a battery's level, and the energy held in a store (not a register that counts up)
    "battery": ({"%"}, {"measurement"}),
    "energy_storage": (set(ENERGY_UNITS), {"measurement"}),
    "duration": ({"d", "h", "min", "s", "ms"}, set(STATE_CLASSES)),
    "frequency": ({"Hz", "kHz", "MHz", "GHz"}, {"measurement"}),
    # an ISO 4217 currency code (not checked by Home Assistant's units table)
    "monetary": (None, {"total"}),
    "enum": ({None}, set()),
    "timestamp": ({None}, set()),
}
BINARY_SENSOR_CLASSES = {"connectivity", "power", "problem", "running", "plug", "update"}
ENTITY_CATEGORIES = {"config", "diagnostic"}
#: The energy dashboard's price entity: a unit ending in "/<energy unit>".
PRICE_SUFFIXES = tuple(f"/{unit}" for unit in ENERGY_UNITS)


@dataclass
class Discovered:
    """The discovery configurations seen, and what was wrong with them."""

    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def by_unique_id(self) -> dict[str, dict[str, Any]]:
        return {c["unique_id"]: c for c in self.configs.values() if "unique_id" in c}


def check_discovery(messages: Mapping[str, str | bytes], prefix: str) -> Discovered:
    """Hold every ``messages`` topic under ``prefix`` to the rules; an empty payload is a
    removal and is skipped."""
    found = Discovered()
    pattern = re.compile(re.escape(prefix) + "/" + _TOPIC + "$")
    for topic, raw in messages.items():
        if not topic.startswith(prefix + "/"):
            continue
        text = raw.decode() if isinstance(raw, bytes) else raw
        if not text:
            continue
        match = pattern.match(topic)
        if match is None:
            found.problems.append(f"{topic}: not a discovery topic Home Assistant reads")
            continue
        try:
            config = json.loads(text)
        except ValueError:
            found.problems.append(f"{topic}: the payload is not JSON")
            continue
        if not isinstance(config, dict):
            found.problems.append(f"{topic}: the payload is not a JSON object")
            continue
        component = match["component"]
        config["_component"] = component
        found.configs[topic] = config
        found.problems += [f"{topic}: {p}" for p in _problems(component, config)]
    _check_unique_ids_and_devices(found)
    return found


def _problems(component: str, config: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if component not in PLATFORMS:
        return [f"{component} is not a platform MQTT discovery supports"]
    for key in REQUIRED.get(component, ()):
        if not config.get(key):
            problems.append(f"{key} is required for a {component}")
    if not config.get("unique_id"):
        problems.append("no unique_id (an entity without one cannot be managed)")
    device = config.get("device")
    if not isinstance(device, dict) or not (device.get("identifiers") or device.get("connections")):
        problems.append("device needs identifiers or connections")
    origin = config.get("origin")
    if not isinstance(origin, dict) or not origin.get("name"):
        problems.append("origin needs a name")
    if not config.get("availability_topic") and not config.get("availability"):
        problems.append("no availability: a dead node would keep showing its last values")
    category = config.get("entity_category")
    if category is not None and category not in ENTITY_CATEGORIES:
        problems.append(f"entity_category {category!r} is not one Home Assistant knows")
    if component == "sensor" and category == "config":
        problems.append("a sensor cannot be a config entity")
    if component == "sensor":
        problems += _sensor_problems(config)
    if component == "binary_sensor":
        device_class = config.get("device_class")
        if device_class is not None and device_class not in BINARY_SENSOR_CLASSES:
            problems.append(f"binary_sensor device_class {device_class!r} is unknown")
    return problems


def _sensor_problems(config: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    device_class = config.get("device_class")
    state_class = config.get("state_class")
    unit = config.get("unit_of_measurement")
    if state_class is not None and state_class not in STATE_CLASSES:
        problems.append(f"state_class {state_class!r} is unknown")
    if device_class is None:
        return problems
    if device_class not in SENSOR_CLASSES:
        return [*problems, f"sensor device_class {device_class!r} is not in this table"]
    units, state_classes = SENSOR_CLASSES[device_class]
    if units is not None and unit not in units:
        problems.append(f"unit {unit!r} is not valid for device class {device_class!r}")
    if device_class == "monetary" and (
        not isinstance(unit, str) or not re.fullmatch("[A-Z]{3}", unit)
    ):
        problems.append(f"device class monetary needs an ISO 4217 currency code, not {unit!r}")
    if state_class is not None and state_class not in state_classes:
        problems.append(f"state_class {state_class!r} is impossible with {device_class!r}")
    return problems


def _check_unique_ids_and_devices(found: Discovered) -> None:
    seen: dict[str, str] = {}
    identifiers: set[str] = set()
    for topic, config in found.configs.items():
        uid = config.get("unique_id")
        if isinstance(uid, str):
            if uid in seen:
                found.problems.append(f"{topic}: unique_id {uid!r} is used by {seen[uid]} too")
            seen[uid] = topic
        device = config.get("device")
        if isinstance(device, dict):
            identifiers.update(device.get("identifiers") or [])
    for topic, config in found.configs.items():
        device = config.get("device")
        via = device.get("via_device") if isinstance(device, dict) else None
        if via is not None and via not in identifiers:
            found.problems.append(f"{topic}: via_device {via!r} is no discovered device")


def is_numeric(config: Mapping[str, Any]) -> bool:
    """Home Assistant insists on a number for a sensor with a unit or a state class."""
    numeric_class = config.get("device_class") not in (None, "enum", "timestamp", "date")
    return config.get("_component") == "sensor" and (
        numeric_class
        or config.get("state_class") is not None
        or config.get("unit_of_measurement") is not None
    )


def check_state(config: Mapping[str, Any], payload: str) -> str | None:
    """What Home Assistant would make of ``payload`` on the entity's state topic: None
    when it takes it, else why not."""
    if config.get("_component") == "binary_sensor":
        allowed = {config.get("payload_on", "ON"), config.get("payload_off", "OFF"), "None"}
        return None if payload in allowed else f"{payload!r} is neither on nor off"
    if config.get("_component") == "switch":
        allowed = {config.get("payload_on", "ON"), config.get("payload_off", "OFF")}
        return None if payload in allowed else f"{payload!r} is neither on nor off"
    if is_numeric(config) and payload != "None":
        try:
            float(payload)
        except ValueError:
            return f"{payload!r} is not a number"
    if len(payload) > 255:
        return "a state longer than 255 characters"
    return None


def energy_dashboard_problem(config: Mapping[str, Any]) -> str | None:
    """Why the energy dashboard would not take this entity as a grid consumption source."""
    if config.get("device_class") != "energy":
        return "device_class is not energy"
    if config.get("unit_of_measurement") not in ENERGY_UNITS:
        return "not an energy unit"
    if config.get("state_class") not in ("total", "total_increasing"):
        return "state_class is not total or total_increasing"
    return None


def price_entity_problem(config: Mapping[str, Any]) -> str | None:
    """Why the energy dashboard would not take this entity as the current price."""
    unit = config.get("unit_of_measurement")
    if not isinstance(unit, str) or not unit.endswith(PRICE_SUFFIXES):
        return f"unit {unit!r} does not end in /kWh (or another energy unit)"
    return None
