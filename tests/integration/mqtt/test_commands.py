"""Commands through a real Mosquitto (issue 23), published by an independent client as
Home Assistant would: the seller's stop button stops the session only when the node runs
with --allow-control, and the buyer's switch pauses and resumes buying."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridnode.trade.messages import Cause
from tests.support.mosquitto import Broker
from tests.support.mqtt_node import mqtt_settings, with_mqtt
from tests.support.mqtt_subscriber import Subscriber
from tests.support.node import realtime_pair

TRADING_WITHIN_S = 30.0
SEEN_WITHIN_S = 10.0


def _results(subscriber: Subscriber, root: str) -> list[dict[str, object]]:
    topic = f"{root}/control/result"
    return [json.loads(h.payload) for h in subscriber.messages() if h.topic == topic]


@pytest.mark.parametrize("allowed", [False, True], ids=["refused", "allowed"])
async def test_the_stop_button_stops_a_session_only_with_control_allowed(
    tmp_path: Path, broker: Broker, allowed: bool
) -> None:
    settings = mqtt_settings(broker.host, broker.port)
    pair = await realtime_pair(tmp_path, seller_extras=with_mqtt(settings, allow_control=allowed))
    with Subscriber(broker.host, broker.port) as subscriber:
        async with pair.trading():
            await subscriber.until(lambda: pair.wire.relay_on, TRADING_WITHIN_S, "trading")
            root = f"gridnode/{pair.seller.snapshot().fingerprint[:12]}"
            await subscriber.until(
                lambda: subscriber.latest().get(f"{root}/buyer-1/relay") == "ON",
                SEEN_WITHIN_S,
                "the relay on",
            )
            await subscriber.until(subscriber.connected.is_set, SEEN_WITHIN_S, "subscribed")
            subscriber.publish(f"{root}/buyer-1/stop", "STOP")
            await subscriber.until(
                lambda: bool(_results(subscriber, root)), SEEN_WITHIN_S, "the command's result"
            )
            (result,) = _results(subscriber, root)
            assert result["ok"] is allowed
            if allowed:
                await subscriber.until(
                    lambda: subscriber.latest().get(f"{root}/buyer-1/relay") == "OFF",
                    SEEN_WITHIN_S,
                    "the relay off",
                )
                session = pair.slot.session
                assert session is not None
                assert session.close_cause is Cause.REQUESTED
            else:
                assert "--allow-control" in str(result["text"])
                assert pair.wire.relay_on
                assert pair.slot.live is not None


async def test_the_buying_switch_pauses_and_resumes_buying(tmp_path: Path, broker: Broker) -> None:
    settings = mqtt_settings(broker.host, broker.port, pause_switch=True)
    pair = await realtime_pair(tmp_path, buyer_extras=with_mqtt(settings, allow_control=True))
    with Subscriber(broker.host, broker.port) as subscriber:
        async with pair.trading():
            await subscriber.until(lambda: pair.wire.relay_on, TRADING_WITHIN_S, "trading")
            root = f"gridnode/{pair.buyer.snapshot().fingerprint[:12]}"
            buying = f"{root}/buying"
            await subscriber.until(
                lambda: subscriber.latest().get(buying) == "ON", SEEN_WITHIN_S, "buying on"
            )
            subscriber.publish(f"{buying}/set", "OFF")
            await subscriber.until(
                lambda: subscriber.latest().get(f"{root}/seller/state") == "buying paused",
                TRADING_WITHIN_S,
                "the session closed by the pause",
            )
            assert subscriber.latest()[buying] == "OFF"
            assert not pair.wire.relay_on
            subscriber.publish(f"{buying}/set", "ON")
            await subscriber.until(lambda: pair.wire.relay_on, TRADING_WITHIN_S, "buying again")
            await subscriber.until(
                lambda: subscriber.latest().get(buying) == "ON", SEEN_WITHIN_S, "buying on again"
            )
            assert [r["ok"] for r in _results(subscriber, root)] == [True, True]
