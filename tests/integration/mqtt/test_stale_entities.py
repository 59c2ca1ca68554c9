"""A node started again without a tenant it had (issue 23): the entities of that tenant,
left retained on a real Mosquitto by the previous run, are removed, so Home Assistant
does not keep showing a flat that is gone; another node's entities stay."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.mosquitto import Broker
from tests.support.mqtt_node import mqtt_settings, with_mqtt
from tests.support.mqtt_subscriber import Subscriber
from tests.support.node import realtime_pair

#: How long a published value may take to reach the subscriber on a loaded shared machine.
SEEN_WITHIN_S = 10.0


async def test_a_tenant_gone_since_the_last_run_leaves_no_entity(
    tmp_path: Path, broker: Broker
) -> None:
    settings = mqtt_settings(broker.host, broker.port)
    pair = await realtime_pair(tmp_path, seller_extras=with_mqtt(settings))
    node = pair.seller.snapshot().fingerprint[:12].lower()
    gone = f"homeassistant/sensor/gridnode_{node}_flat_9_power/config"
    foreign = "homeassistant/sensor/gridnode_0123456789ab_flat_9_power/config"
    old = json.dumps({"name": "Power", "unique_id": f"gridnode_{node}_flat_9_power"})
    with Subscriber(broker.host, broker.port) as previous_run:
        previous_run.publish(gone, old, retain=True)
        previous_run.publish(foreign, old, retain=True)
        previous_run.publish(f"gridnode/{node}/discovery", json.dumps([gone, foreign]), retain=True)
        previous_run.wait_for(
            lambda: previous_run.latest().get(f"gridnode/{node}/discovery") is not None,
            SEEN_WITHIN_S,
            "the previous run's list",
        )
    with Subscriber(broker.host, broker.port) as subscriber:
        async with pair.trading():
            await subscriber.until(
                lambda: subscriber.latest().get(gone) == "", SEEN_WITHIN_S, "the stale entity gone"
            )
            listed = json.loads(subscriber.latest()[f"gridnode/{node}/discovery"])
            assert gone not in listed
            assert any("_buyer-1_" in topic for topic in listed)
            await pair.shutdown()
    with Subscriber(broker.host, broker.port) as later:  # what Home Assistant reads next
        later.wait_for(
            lambda: f"gridnode/{node}/availability" in later.latest(), SEEN_WITHIN_S, "retained"
        )
        assert gone not in later.latest()
        assert later.latest()[foreign] == old
