"""An in-process stand-in for :class:`gridnode.mqtt.client.BrokerLink`, for unit tests
of the MQTT service in virtual time: it keeps what was published, in order, and lets a
test deliver commands and say when the broker (re)connects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gridnode.mqtt.client import OnMessage
from gridnode.mqtt.settings import MqttSettings


@dataclass
class Published:
    topic: str
    payload: str
    qos: int
    retain: bool
    #: when, on the test's clock
    at_s: float


@dataclass
class FakeLink:
    settings: MqttSettings
    client_id: str
    will_topic: str
    subscriptions: list[str]
    on_message: OnMessage
    on_connected: Callable[[], None]
    now: Callable[[], float]
    started: bool = False
    closed_with: list[tuple[str, str]] | None = None
    published: list[Published] = field(default_factory=list)

    def start(self) -> None:
        self.started = True

    def publish(self, topic: str, payload: str, *, qos: int = 0, retain: bool = True) -> None:
        self.published.append(Published(topic, payload, qos, retain, self.now()))

    def close(self, farewell: list[tuple[str, str]]) -> None:
        self.closed_with = farewell

    def latest(self) -> dict[str, str]:
        """The latest payload of each topic (what a subscriber joining now would read of
        the retained ones)."""
        return {p.topic: p.payload for p in self.published}

    def topics_since(self, mark: int) -> list[str]:
        return [p.topic for p in self.published[mark:]]


@dataclass
class FakeLinks:
    """The factory the service is given; keeps the link it made."""

    #: the test's clock, to stamp each message
    now: Callable[[], float]
    made: list[FakeLink] = field(default_factory=list)

    def __call__(
        self,
        settings: MqttSettings,
        *,
        client_id: str,
        will_topic: str,
        subscriptions: list[str],
        on_message: OnMessage,
        on_connected: Callable[[], None],
    ) -> FakeLink:
        link = FakeLink(
            settings, client_id, will_topic, subscriptions, on_message, on_connected, self.now
        )
        self.made.append(link)
        return link

    @property
    def link(self) -> FakeLink:
        (link,) = self.made
        return link
