"""The node's connection to its MQTT broker, kept off the event loop.

paho-mqtt runs the connection in its own network thread: it connects, keeps the
connection alive, reconnects by itself with a growing pause, and holds the last will
(``offline`` on the availability topic, retained). Publishing goes through one more
thread of ours, so the event loop never waits on the client or its locks:
:meth:`BrokerLink.publish` only records the latest payload of a topic under a lock held
for a dict assignment, and wakes the publisher thread. Memory is bounded by the number
of topics, not by how long the broker is away: while it is, each topic keeps only its
latest value, and everything is published again once it is back (:attr:`on_connected`).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

from gridnode.mqtt.settings import MqttSettings

log = logging.getLogger("gridnode.mqtt")

#: QoS 1 messages paho may hold while disconnected (the discovery configurations and
#: availability); states are QoS 0 and held by :class:`BrokerLink` itself.
MAX_QUEUED = 1_000
#: The reconnect pause: from 1 s, doubling up to this.
MAX_RECONNECT_DELAY_S = 30
#: How long closing waits for the "offline" farewell to reach the broker.
FAREWELL_TIMEOUT_S = 2.0

#: A received message: topic, payload, whether the broker sent it from its retained store.
OnMessage = Callable[[str, bytes, bool], None]


class BrokerLink:
    """One node's MQTT client: the last will, the subscriptions, a publisher thread."""

    def __init__(
        self,
        settings: MqttSettings,
        *,
        client_id: str,
        will_topic: str,
        subscriptions: list[str],
        on_message: OnMessage,
        on_connected: Callable[[], None],
    ) -> None:
        """``on_message`` and ``on_connected`` are called on paho's thread: hand them
        over to the event loop (``call_soon_threadsafe``)."""
        self.settings = settings
        self.subscriptions = subscriptions
        self.on_message = on_message
        self.on_connected = on_connected
        client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv311
        )
        client.enable_logger(logging.getLogger("gridnode.mqtt.paho"))
        client.max_queued_messages_set(MAX_QUEUED)
        client.reconnect_delay_set(1, MAX_RECONNECT_DELAY_S)
        client.will_set(will_topic, "offline", qos=1, retain=True)
        if settings.username is not None:
            client.username_pw_set(settings.username, settings.password)
        if settings.tls:
            ca = str(settings.tls_ca) if settings.tls_ca is not None else None
            client.tls_set(ca_certs=ca, cert_reqs=ssl.CERT_REQUIRED)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_connect_fail = self._connect_failed
        client.on_message = self._message
        self.client = client
        self.connected = threading.Event()
        self._pending: dict[str, tuple[str, int, bool]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._publisher = threading.Thread(
            target=self._publish_loop, name=f"mqtt-publisher-{client_id}", daemon=True
        )
        self._reported_down = False

    # -- the event loop's side: never blocks -----------------------------------------------
    def start(self) -> None:
        """Start connecting (in paho's thread) and the publisher thread."""
        settings = self.settings
        self.client.connect_async(settings.host, settings.port, keepalive=settings.keepalive_s)
        self.client.loop_start()
        self._publisher.start()

    def publish(self, topic: str, payload: str, *, qos: int = 0, retain: bool = True) -> None:
        """Publish ``payload`` on ``topic`` soon; a newer payload of the same topic
        replaces one not yet sent."""
        with self._lock:
            self._pending[topic] = (payload, qos, retain)
        self._wake.set()

    @property
    def pending(self) -> int:
        """Topics waiting to be published (while the broker is away: every one changed)."""
        with self._lock:
            return len(self._pending)

    # -- the publisher thread ----------------------------------------------------------------
    def _publish_loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            if not self.connected.is_set():
                continue  # kept until connected (on_connected republishes everything)
            with self._lock:
                batch, self._pending = self._pending, {}
            for topic, (payload, qos, retain) in batch.items():
                info = self.client.publish(topic, payload, qos=qos, retain=retain)
                if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
                    log.warning("mqtt: %s not published (%s)", topic, paho.error_string(info.rc))

    # -- paho's thread -----------------------------------------------------------------------
    def _connected(
        self,
        client: paho.Client,
        userdata: Any,
        flags: paho.ConnectFlags,
        reason: ReasonCode,
        properties: Any,
    ) -> None:
        if reason.is_failure:
            log.warning(
                "mqtt: the broker at %s refused the connection: %s", self.settings.url, reason
            )
            return
        log.info("mqtt: connected to %s", self.settings.url)
        self._reported_down = False
        for topic in self.subscriptions:
            client.subscribe(topic, qos=1)
        self.connected.set()
        self.on_connected()
        self._wake.set()

    def _disconnected(
        self,
        client: paho.Client,
        userdata: Any,
        flags: paho.DisconnectFlags,
        reason: ReasonCode,
        properties: Any,
    ) -> None:
        self.connected.clear()
        if not self._stopping and not self._reported_down:
            self._reported_down = True
            log.warning(
                "mqtt: lost the broker at %s (%s); reconnecting, trading goes on",
                self.settings.url,
                reason,
            )

    def _connect_failed(self, client: paho.Client, userdata: Any) -> None:
        if not self._reported_down:
            self._reported_down = True
            log.warning(
                "mqtt: cannot reach the broker at %s; retrying every %d s at most, trading goes on",
                self.settings.url,
                MAX_RECONNECT_DELAY_S,
            )

    def _message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        self.on_message(message.topic, bytes(message.payload), bool(message.retain))

    # -- closing (from a worker thread: it waits) ----------------------------------------------
    def close(self, farewell: list[tuple[str, str]]) -> None:
        """Publish ``farewell`` (topic, payload; retained, QoS 1) if connected, then
        disconnect cleanly and stop both threads. A clean disconnect sends no last will:
        the farewell says "offline" instead."""
        self._stopping = True
        self._wake.set()
        if self.connected.is_set():
            for topic, payload in farewell:
                info = self.client.publish(topic, payload, qos=1, retain=True)
                try:
                    info.wait_for_publish(FAREWELL_TIMEOUT_S)
                except (RuntimeError, ValueError) as exc:
                    log.info("mqtt: the farewell on %s was not sent: %s", topic, exc)
        self.client.disconnect()
        self.client.loop_stop()
        if self._publisher.is_alive():
            self._publisher.join(FAREWELL_TIMEOUT_S)
