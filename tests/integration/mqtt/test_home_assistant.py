"""A seller and a buyer trading in real time publish to a real Mosquitto (issue 23); an
independent subscriber sees what Home Assistant would: discovery valid by Home
Assistant's rules for both nodes, every state one it takes, and states that follow the
running node, never faster than the configured rate."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from gridnode.mqtt.entities import scaled
from tests.support.ha_discovery import check_discovery, check_state, energy_dashboard_problem
from tests.support.mosquitto import Broker
from tests.support.mqtt_node import mqtt_settings, with_mqtt
from tests.support.mqtt_subscriber import Subscriber
from tests.support.node import realtime_pair

#: How long the pair may take to trade, and a published value to reach the subscriber, on
#: a loaded shared machine.
TRADING_WITHIN_S = 30.0
SEEN_WITHIN_S = 10.0


async def test_discovery_and_live_states_of_both_nodes(tmp_path: Path, broker: Broker) -> None:
    settings = mqtt_settings(broker.host, broker.port)
    pair = await realtime_pair(
        tmp_path,
        seller_extras=with_mqtt(settings, allow_control=True),
        buyer_extras=with_mqtt(settings),
    )
    with Subscriber(broker.host, broker.port) as subscriber:
        async with pair.trading():
            await subscriber.until(lambda: pair.wire.relay_on, TRADING_WITHIN_S, "trading")
            nodes = {
                name: f"gridnode/{runtime.snapshot().fingerprint[:12]}"
                for name, runtime in (("seller", pair.seller), ("buyer", pair.buyer))
            }

            def seen(topic: str) -> bool:
                return topic in subscriber.latest()

            def online() -> bool:
                latest = subscriber.latest()
                return all(latest.get(f"{r}/availability") == "online" for r in nodes.values())

            await subscriber.until(online, SEEN_WITHIN_S, "both nodes online")
            relay = f"{nodes['seller']}/buyer-1/relay"
            await subscriber.until(
                lambda: subscriber.latest().get(relay) == "ON", SEEN_WITHIN_S, "the relay on"
            )
            paid = f"{nodes['buyer']}/seller/paid"
            await subscriber.until(lambda: seen(paid), SEEN_WITHIN_S, "the buyer's paid")
            first_paid = float(subscriber.latest()[paid])
            await subscriber.until(
                lambda: float(subscriber.latest()[paid]) > first_paid,
                SEEN_WITHIN_S,
                "a payment to show",
            )

            latest = subscriber.latest()
            found = check_discovery(latest, "homeassistant")
            assert found.problems == []
            uids = found.by_unique_id()
            assert len(uids) == len([p for t, p in latest.items() if "/config" in t and p])
            for config in found.configs.values():
                topic = config.get("state_topic")
                if topic is not None:
                    assert topic in latest, config["unique_id"]
                    assert check_state(config, latest[topic]) is None, config["unique_id"]
                assert config["availability_topic"] in (f"{r}/availability" for r in nodes.values())
            energy = [c for c in uids.values() if c.get("device_class") == "energy"]
            assert len(energy) == 2  # delivered to the buyer, imported by the buyer
            assert all(energy_dashboard_problem(c) is None for c in energy)
            power = f"{nodes['seller']}/buyer-1/power"
            load = scaled(pair.wire.load_mw, 3, 1)
            await subscriber.until(
                lambda: subscriber.latest()[power] == load, SEEN_WITHIN_S, "the load's power"
            )
            stop = [c for c in uids.values() if c["_component"] == "button"]
            assert [json.dumps(c["command_topic"]) for c in stop] == [
                json.dumps(f"{nodes['seller']}/buyer-1/stop")
            ]

            # never faster than min_interval_s: the energy register changes at every
            # meter poll, yet arrives at most once per interval (a stated margin of one
            # message for where the window cuts an interval)
            mark = len(subscriber.messages())
            window_s = 4 * settings.min_interval_s
            await asyncio.sleep(window_s)
            energy_topic = f"{nodes['seller']}/buyer-1/energy"
            arrivals = [h for h in subscriber.messages()[mark:] if h.topic == energy_topic]
            assert arrivals, "the energy register stopped"
            assert len(arrivals) <= window_s / settings.min_interval_s + 1
