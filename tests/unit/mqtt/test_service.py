"""The MQTT service of a running node (issue 23), in virtual time with an in-process link:
what it publishes and when (on change, never faster than ``min_interval_s``, everything
again each ``max_interval_s`` and after the broker comes back), and the commands it
honours, through the runtime, only with control allowed."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from gridnode.mqtt.service import MqttService
from gridnode.mqtt.settings import MqttSettings
from gridnode.node.runtime import NodeRuntime
from gridnode.trade.messages import Cause
from gridnode.trade.states import SellerState
from tests.support.clock import VirtualClock
from tests.support.fake_broker import FakeLink, FakeLinks
from tests.support.node import NodeExtras, trading_pair

SETTINGS = MqttSettings(url="mqtt://broker", host="broker", port=1883, max_interval_s=30.0)


def _service(
    links: FakeLinks, *, allow_control: bool, settings: MqttSettings = SETTINGS
) -> NodeExtras:
    def make(runtime: NodeRuntime) -> MqttService:
        return MqttService(
            settings,
            runtime.snapshot,
            runtime.ctx.clock,
            allow_control=allow_control,
            stop_session=runtime.stop_session,
            set_buying=runtime.set_buying,
            link=links,
        )

    return NodeExtras(services=[make])


def _results(link: FakeLink) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for message in link.published:
        if message.topic.endswith("/control/result"):
            found.append(json.loads(message.payload))
    return found


async def test_values_go_out_on_change_never_faster_and_all_again_when_due(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    links = FakeLinks(clock.monotonic)
    pair = await trading_pair(
        tmp_path, clock=clock, seller_extras=_service(links, allow_control=False)
    )
    async with pair.trading():
        link = links.link
        assert link.started
        assert link.will_topic.endswith("/availability")
        first = link.published[0]
        assert (first.topic, first.payload, first.qos, first.retain) == (
            link.will_topic,
            "online",
            1,
            True,
        )
        await clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await clock.advance(90)

        times: dict[str, list[float]] = defaultdict(list)
        for message in link.published:
            times[message.topic].append(message.at_s)
        states = [t for t in times if "/config" not in t and t != link.will_topic]
        power = next(t for t in states if t.endswith("/power"))
        assert link.latest()[power] == "2000.0"  # the wire's 2 kW load
        for topic in states:
            gaps = [b - a for a, b in zip(times[topic], times[topic][1:], strict=False)]
            assert all(gap >= SETTINGS.min_interval_s for gap in gaps), topic
            # published again at least every max_interval_s, changed or not
            assert max(gaps) <= SETTINGS.max_interval_s + SETTINGS.min_interval_s, topic
        # a value that changes every poll (the energy register) goes out about as often as it
        # changes, one that does not (the voltage) only when due
        energy = next(t for t in states if t.endswith("/energy"))
        voltage = next(t for t in states if t.endswith("/voltage"))
        assert len(times[energy]) > 3 * len(times[voltage])

        mark = len(link.published)
        link.on_connected()  # the broker is back: availability, discovery, every value again
        await clock.advance(SETTINGS.min_interval_s)
        again = link.topics_since(mark)
        assert again[0] == link.will_topic
        assert {t for t in times if "/config" in t} <= set(again)
        assert set(states) <= set(again)
        await pair.shutdown()
    assert link.closed_with == [(link.will_topic, "offline")]


@pytest.mark.parametrize("allowed", [False, True], ids=["refused", "allowed"])
async def test_a_stop_command_stops_the_session_only_with_control_allowed(
    tmp_path: Path, allowed: bool
) -> None:
    clock = VirtualClock()
    links = FakeLinks(clock.monotonic)
    extras = _service(links, allow_control=allowed)
    pair = await trading_pair(tmp_path, clock=clock, seller_extras=extras)
    async with pair.trading():
        await clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        link = links.link
        stop = next(p.topic for p in link.published if p.topic.endswith("_stop/config"))
        topic = f"{link.will_topic.rsplit('/', 1)[0]}/buyer-1/stop"
        if allowed:
            assert json.loads(link.latest()[stop])["command_topic"] == topic
        else:
            assert link.latest()[stop] == ""  # no button without control

        link.on_message(topic, b"STOP", True)  # a retained command: ignored
        await clock.advance(2)
        assert pair.seller.snapshot().sessions[0].state == SellerState.SUPPLYING.value
        assert _results(link) == []

        link.on_message(topic, b"STOP", False)
        await clock.advance(2)
        (result,) = _results(link)
        assert result["ok"] is allowed
        if allowed:
            await clock.run_until(lambda: not pair.wire.relay_on, limit_s=10)
            session = pair.slot.session
            assert session is not None
            assert session.close_cause is Cause.REQUESTED
        else:
            assert "--allow-control" in str(result["text"])
            assert pair.wire.relay_on


async def test_the_buying_switch_pauses_and_resumes_the_buyer(tmp_path: Path) -> None:
    clock = VirtualClock()
    links = FakeLinks(clock.monotonic)
    settings = MqttSettings(url="mqtt://b", host="b", port=1883, pause_switch=True)
    pair = await trading_pair(
        tmp_path, clock=clock, buyer_extras=_service(links, allow_control=True, settings=settings)
    )
    async with pair.trading():
        await clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        link = links.link
        root = link.will_topic.rsplit("/", 1)[0]
        assert link.latest()[f"{root}/buying"] == "ON"

        link.on_message(f"{root}/buying/set", b"OFF", False)
        await clock.run_until(lambda: not pair.wire.relay_on, limit_s=30)
        await clock.advance(2)
        assert link.latest()[f"{root}/buying"] == "OFF"
        assert link.latest()[f"{root}/seller/state"] == "buying paused"

        link.on_message(f"{root}/buying/set", b"maybe", False)
        link.on_message(f"{root}/buying/set", b"ON", False)
        await clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await clock.advance(2)
        assert link.latest()[f"{root}/buying"] == "ON"
        assert [r["ok"] for r in _results(link)] == [True, False, True]
