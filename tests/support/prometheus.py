"""A registry's metrics rendered in Prometheus' text format and read back with
prometheus_client's own parser, each family held to gridnode's naming conventions on the
way (issue 23): names carry their unit, counters end in ``_total``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

#: The units a gauge or counter of gridnode may end in (Prometheus base units, and msat).
UNITS = (
    "_bytes",
    "_seconds",
    "_watts",
    "_volts",
    "_amperes",
    "_joules",
    "_msat",
    "_per_kwh",
    "_per_day",
)
#: Gauges without a unit: counts and 0/1 states.
UNITLESS = {
    "gridnode_lnd_up",
    "gridnode_warnings",
    "gridnode_buying_paused",
    "gridnode_peer_connected",
    "gridnode_session_state",
    "gridnode_relay_on",
    "gridnode_info",
    "gridnode_battery_charge_known",
    "gridnode_battery_offering",
    "gridnode_battery_bidding",
    "gridnode_prosumer_offering",
}


def scrape(registry: CollectorRegistry) -> dict[str, list[Sample]]:
    """Every sample by name, read back by prometheus_client's parser; each family held to
    the naming conventions on the way."""
    text = generate_latest(registry).decode()
    samples: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(text):
        if family.type == "counter":
            assert {s.name for s in family.samples} <= {
                f"{family.name}_total",
                f"{family.name}_created",
            }, family.name
        elif family.type != "info" and not family.name.endswith("_created"):
            # (the text format shows a counter's creation time as a gauge of its own)
            assert family.name in UNITLESS or family.name.endswith(UNITS), family.name
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list[Sample]], name: str, **labels: str) -> float:
    (found,) = [s for s in samples[name] if all(s.labels.get(k) == v for k, v in labels.items())]
    return found.value
