"""A battery node (issue 22) publishing to a real Mosquitto: an independent subscriber
sees what Home Assistant would, discovery valid by its rules with partners of both kinds
and the battery's book as node entities, every state one it takes; a stop command for a
partner it buys from is refused, one for a partner it sells to stops that session. The
node is the MQTT service over a battery's snapshot built by hand, on its real broker
link."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from gridnode.clock import SYSTEM_CLOCK
from gridnode.mqtt.service import MqttService
from tests.support.battery_snapshot import battery_snapshot
from tests.support.ha_discovery import check_discovery, check_state
from tests.support.mosquitto import Broker
from tests.support.mqtt_node import mqtt_settings
from tests.support.mqtt_subscriber import Subscriber

SEEN_WITHIN_S = 10.0


async def test_a_battery_node_in_home_assistant(tmp_path: Path, broker: Broker) -> None:
    snapshot = battery_snapshot()
    stopped: list[str] = []

    async def stop(session_id: str, reason: str) -> str | None:
        stopped.append(session_id)
        return None

    service = MqttService(
        mqtt_settings(broker.host, broker.port),
        lambda: snapshot,
        SYSTEM_CLOCK,
        allow_control=True,
        stop_session=stop,
    )
    root = f"gridnode/{snapshot.fingerprint[:12]}"
    with Subscriber(broker.host, broker.port) as subscriber:
        task = asyncio.create_task(service.run())
        try:

            def complete() -> bool:
                """Every configuration the node lists (its QoS 1 messages may arrive after
                the states), the charge, and a state for every entity discovered."""
                latest = subscriber.latest()
                listed = json.loads(latest.get(f"{root}/discovery", "[]"))
                if not listed or not all(topic in latest for topic in listed):
                    return False
                configs = check_discovery(latest, "homeassistant").configs.values()
                topics = [c["state_topic"] for c in configs if "state_topic" in c]
                found = all(t in latest for t in topics)
                return latest.get(f"{root}/charge") == "60.0" and found

            await subscriber.until(complete, SEEN_WITHIN_S, "the charge and every state")
            latest = subscriber.latest()
            found = check_discovery(latest, "homeassistant")
            assert found.problems == []
            names = set()
            for config in found.configs.values():
                topic = config.get("state_topic")
                if topic is not None:
                    assert topic in latest, config["unique_id"]
                    assert check_state(config, latest[topic]) is None, config["unique_id"]
                names.add((config["device"]["name"].rsplit(": ", 1)[-1], config["name"]))
            assert {("flat-1", "Stop session"), ("flat-1", "Energy delivered")} <= names
            assert ("grid", "Energy imported") in names
            assert ("grid", "Stop session") not in names
            assert {"State of charge", "Bid cap", "Offer status"} <= {n for _, n in names}

            result = f"{root}/control/result"
            subscriber.publish(f"{root}/grid/stop", "STOP")
            await subscriber.until(lambda: result in subscriber.latest(), SEEN_WITHIN_S, "refusal")
            assert json.loads(subscriber.latest()[result])["ok"] is False
            assert stopped == []
            subscriber.publish(f"{root}/flat-1/stop", "STOP")
            await subscriber.until(lambda: stopped != [], SEEN_WITHIN_S, "the stop")
            assert stopped == ["flat-1-session"]
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await service.close()
