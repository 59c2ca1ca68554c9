"""The node's MQTT service: its snapshot published for Home Assistant, its commands heard.

A service of the runtime (:class:`gridnode.node.runtime.Service`): a task of the node's
group, so a failure is reported and the service started again, never holding up
trading. Each round it renders the snapshot (:mod:`gridnode.mqtt.messages`) and hands
the values that changed to the :class:`~gridnode.mqtt.client.BrokerLink`, whose own
threads talk to the broker; rounds are ``min_interval_s`` apart (no value is published
faster), and every value goes out again each ``max_interval_s``. When the broker comes
back, availability, discovery and every value are published again.

Commands (docs/home-assistant.md) go through the runtime's entry points, the same the
status socket uses, and only with ``--allow-control``: a seller's stop button per session
partner, a buyer's switch to pause buying. A retained command is ignored (a stale
"stop" kept by the broker would stop every new session), and the outcome of each
command is published on ``control/result``.

The node also keeps, retained, the list of the discovery topics it published. When it
starts again with fewer entities (a tenant's flat renamed or gone from the
configuration), the list it finds from its previous run names the ones to remove: each
gets an empty retained configuration, which removes the entity from Home Assistant.
Only this node's own configurations are ever removed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from gridnode.clock import Clock
from gridnode.mqtt.client import BrokerLink, OnMessage
from gridnode.mqtt.entities import OFF, ON
from gridnode.mqtt.messages import (
    OFFLINE,
    ONLINE,
    PRESS,
    Controls,
    discovery,
    partner_name,
    partner_names,
    states,
)
from gridnode.mqtt.settings import MqttSettings
from gridnode.mqtt.topics import Topics
from gridnode.snapshot import BUYER, NodeSnapshot

log = logging.getLogger("gridnode.mqtt")

StopSession = Callable[[str, str], Awaitable[str | None]]
SetBuying = Callable[[bool], Awaitable[str | None]]
#: What a session stopped from Home Assistant is closed with (in its notes and ledger).
STOPPED_BY_HAND = "stopped by hand over MQTT"


class Link(Protocol):
    """What the service uses of :class:`~gridnode.mqtt.client.BrokerLink`."""

    def start(self) -> None: ...

    def publish(self, topic: str, payload: str, *, qos: int = 0, retain: bool = True) -> None: ...

    def close(self, farewell: list[tuple[str, str]]) -> None: ...


class LinkFactory(Protocol):
    def __call__(
        self,
        settings: MqttSettings,
        *,
        client_id: str,
        will_topic: str,
        subscriptions: list[str],
        on_message: OnMessage,
        on_connected: Callable[[], None],
    ) -> Link: ...


class MqttService:
    name = "mqtt"

    def __init__(
        self,
        settings: MqttSettings,
        snapshot: Callable[[], NodeSnapshot],
        clock: Clock,
        *,
        allow_control: bool = False,
        stop_session: StopSession | None = None,
        set_buying: SetBuying | None = None,
        link: LinkFactory = BrokerLink,
    ) -> None:
        self.settings = settings
        self.snapshot = snapshot
        self.clock = clock
        self.controls = Controls(allow_control, settings.pause_switch)
        self.stop_session = stop_session
        self.set_buying = set_buying
        self._link_factory = link
        self.link: Link | None = None
        self.topics: Topics | None = None
        #: what was last handed to the link, by topic
        self.sent: dict[str, str] = {}
        self._full_due_s: float | None = None
        #: the discovery topics published in this run (None: not yet)
        self.discovered: set[str] | None = None
        self._republish = asyncio.Event()
        self._commands: set[asyncio.Task[None]] = set()

    def changed(self) -> None:
        """Values are sampled every ``min_interval_s``: a change goes out within it."""

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        first = self.snapshot()
        topics = Topics.of(
            first.fingerprint,
            self.settings.base_topic,
            self.settings.discovery_prefix,
            partner_names(first),
        )
        self.topics = topics
        if self.link is None:  # a restart of this task keeps the link it made

            def heard(topic: str, payload: bytes, retained: bool) -> None:
                loop.call_soon_threadsafe(self._heard, topic, payload, retained)

            def connected() -> None:
                loop.call_soon_threadsafe(self._republish.set)

            self.link = self._link_factory(
                self.settings,
                client_id=f"gridnode-{topics.node_id}",
                will_topic=topics.availability,
                subscriptions=[topics.stop_commands, topics.buying_set, topics.inventory],
                on_message=heard,
                on_connected=connected,
            )
            self.link.start()
            log.info("mqtt: publishing to %s under %s", self.settings.url, topics.root)
        self._republish.set()
        while True:
            self.publish_round()
            await self.clock.sleep(self.settings.min_interval_s)

    def publish_round(self) -> None:
        """Hand the link every value that changed (all of them when the broker came back
        or ``max_interval_s`` passed)."""
        link, topics = self.link, self.topics
        assert link is not None and topics is not None
        snapshot = self.snapshot()
        now = self.clock.monotonic()
        everything = self._republish.is_set()
        self._republish.clear()
        if everything:
            link.publish(topics.availability, ONLINE, qos=1)
            name = self.settings.name
            configs = discovery(snapshot, topics, name, self.controls)
            for topic, payload in configs.items():
                link.publish(topic, payload, qos=1)
            self.discovered = {topic for topic, payload in configs.items() if payload}
            link.publish(topics.inventory, json.dumps(sorted(self.discovered)), qos=1)
        if self._full_due_s is None or now >= self._full_due_s:
            everything = True
        if everything:
            self._full_due_s = now + self.settings.max_interval_s
        for topic, payload in states(snapshot, topics).items():
            if everything or self.sent.get(topic) != payload:
                link.publish(topic, payload)
                self.sent[topic] = payload

    async def close(self) -> None:
        for task in list(self._commands):
            task.cancel()
        link, topics = self.link, self.topics
        if link is None or topics is None:
            return
        self.link = None
        await asyncio.to_thread(link.close, [(topics.availability, OFFLINE)])

    # -- commands ------------------------------------------------------------------------------
    def _heard(self, topic: str, payload: bytes, retained: bool) -> None:
        if self.topics is not None and topic == self.topics.inventory:
            self._forget_stale(payload)
            return
        if retained:
            log.warning(
                "mqtt: ignoring a retained command on %s: publish commands without the "
                "retain flag (clear it with an empty retained message)",
                topic,
            )
            return
        task = asyncio.create_task(self._command(topic, payload.decode("utf-8", "replace")))
        self._commands.add(task)
        task.add_done_callback(self._commands.discard)

    def _forget_stale(self, payload: bytes) -> None:
        """Remove the entities a previous run published and this one does not have."""
        link, topics, current = self.link, self.topics, self.discovered
        if link is None or topics is None or current is None or not payload:
            return
        try:
            listed = json.loads(payload)
        except ValueError:
            listed = None
        if not isinstance(listed, list):
            log.warning("mqtt: %s does not hold a list of topics: left as it is", topics.inventory)
            return
        stale = {t for t in listed if isinstance(t, str) and topics.owns_config(t)} - current
        for topic in sorted(stale):
            link.publish(topic, "", qos=1)
        if stale:
            log.info("mqtt: removed %d entities this node no longer has", len(stale))

    async def _command(self, topic: str, payload: str) -> None:
        topics = self.topics
        assert topics is not None
        if topic == topics.buying_set:
            problem = await self._buying(payload.strip().upper())
            what = f"buying {payload.strip()}"
        elif (partner := topics.stopped_partner(topic)) is not None:
            problem = await self._stop(partner, payload.strip())
            what = f"stop {partner}"
        else:
            return
        if problem is None:
            log.info("mqtt: %s: done", what)
        else:
            log.warning("mqtt: %s refused: %s", what, problem)
        self._result(what, problem)
        self._republish.set()

    async def _buying(self, payload: str) -> str | None:
        if not self.controls.pause_switch or self.set_buying is None:
            return "this node has no pause switch: set pause_switch = true in [mqtt]"
        if not self.controls.allowed:
            return "pausing buying by hand is refused: start the node with --allow-control"
        if payload not in (ON, OFF):
            return f"the buying switch takes {ON} or {OFF}, not {payload!r}"
        return await self.set_buying(payload == ON)

    async def _stop(self, partner: str, payload: str) -> str | None:
        if not self.controls.allowed or self.stop_session is None:
            return "stopping a session by hand is refused: start the node with --allow-control"
        if payload != PRESS:
            return f"the stop button sends {PRESS}, not {payload!r}"
        snapshot = self.snapshot()
        views = [v for v in snapshot.sessions if partner_name(v, snapshot) == partner]
        if "+" in snapshot.role:  # a node on both sides has a stop button where it sells
            views = [v for v in views if v.side != BUYER]
            if not views:
                return f"{partner} sells to this node: only a session it sells in can be stopped"
        view = next(iter(views), None)
        if view is None or not view.session_id:
            return f"{partner} has no live session"
        return await self.stop_session(view.session_id, STOPPED_BY_HAND)

    def _result(self, what: str, problem: str | None) -> None:
        if self.link is None or self.topics is None:
            return
        text = json.dumps({"command": what, "ok": problem is None, "text": problem or "done"})
        self.link.publish(self.topics.control_result, text, qos=1, retain=False)
