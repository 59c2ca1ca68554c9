"""`gridnode demo --mqtt URL --metrics` (issue 23's "done when"): the demo's seller and
buyers, on real LND, publish to a local Mosquitto; a plain subscriber sees every node's
discovery (valid by Home Assistant's rules) and live state, every node's metrics parse
with prometheus_client's parser, and a clean stop marks every node offline."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gridnode.demo.configs import Outside
from tests.support.ha_discovery import check_discovery, check_state
from tests.support.mosquitto import Broker
from tests.support.mqtt_subscriber import Subscriber
from tests.support.regtest.node_harness import harness, network_down, run_for

pytestmark = pytest.mark.regtest

BUYERS = 2
#: The demo's nodes are processes on a loaded machine: time to start, trade and publish.
SEEN_WITHIN_S = 30.0


def _metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        text = answer.read().decode()
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}"] = sample.value
    return values


def test_every_demo_node_shows_in_mqtt_and_in_its_metrics(tmp_path: Path) -> None:
    broker = Broker(tmp_path / "broker")
    broker.start()
    demo = harness(tmp_path, buyers=BUYERS, outside=Outside(mqtt=broker.url, metrics=True))
    try:
        with Subscriber(broker.host, broker.port) as subscriber:

            def availability() -> dict[str, str]:
                latest = subscriber.latest()
                return {t: p for t, p in latest.items() if t.endswith("/availability")}

            parts = demo.start()
            try:
                run_for(demo, 20)
                subscriber.wait_for(
                    lambda: list(availability().values()) == ["online"] * (1 + BUYERS),
                    SEEN_WITHIN_S,
                    "every node online",
                )
                subscriber.wait_for(
                    lambda: (
                        sum(
                            p == "ON"
                            for t, p in subscriber.latest().items()
                            if t.endswith("/relay")
                        )
                        == BUYERS
                    ),
                    SEEN_WITHIN_S,
                    "every buyer's relay on",
                )
                latest = subscriber.latest()
                found = check_discovery(latest, "homeassistant")
                assert found.problems == []
                devices = {c["device"]["name"] for c in found.configs.values()}
                assert {"demo seller", "demo buyer-1", "demo buyer-2"} <= devices
                for config in found.configs.values():
                    topic = config.get("state_topic")
                    if topic is not None:
                        assert check_state(config, latest[topic]) is None, config["unique_id"]
                paid = [float(p) for t, p in latest.items() if t.endswith("/seller/paid")]
                assert len(paid) == BUYERS
                assert all(amount > 0 for amount in paid)

                metrics = {
                    files.name: f"http://{files.metrics}/metrics"
                    for files in (parts.seller, *parts.buyers)
                }
                assert sorted(metrics) == ["buyer-1", "buyer-2", "seller"]
                for name, url in metrics.items():
                    values = _metrics(url)
                    assert values["gridnode_lnd_up{}"] == 1, name
                seller = _metrics(metrics["seller"])
                assert seller["gridnode_invoices_total{outcome=settled}"] > 0
                buyer = _metrics(metrics["buyer-1"])
                assert buyer["gridnode_payments_total{outcome=succeeded}"] > 0
            finally:
                demo.stop()
            subscriber.wait_for(
                lambda: list(availability().values()) == ["offline"] * (1 + BUYERS),
                SEEN_WITHIN_S,
                "every node offline after the clean stop",
            )
        summary = demo.summary()
        assert summary["mqtt"] == broker.url
        assert summary["metrics"] == metrics
    finally:
        network_down(demo)
        broker.stop()
