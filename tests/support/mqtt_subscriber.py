"""An independent MQTT subscriber (paho, its own thread) that keeps what it hears: the
latest payload of each topic and every message with the time it arrived. It is how the
integration tests look at a node, as Home Assistant or ``mosquitto_sub`` would."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion


@dataclass(frozen=True)
class Heard:
    topic: str
    payload: str
    retained: bool
    #: time.monotonic() when it arrived
    at_s: float


class Subscriber:
    def __init__(self, host: str, port: int, topics: tuple[str, ...] = ("#",)) -> None:
        self.topics = topics
        self._lock = threading.Lock()
        self.heard: list[Heard] = []
        self.connected = threading.Event()
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id="")
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.reconnect_delay_set(1, 1)
        client.connect_async(host, port, keepalive=10)
        self.client = client

    def __enter__(self) -> Subscriber:
        self.client.loop_start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: paho.Client, *args: Any) -> None:
        for topic in self.topics:
            client.subscribe(topic, qos=1)
        self.connected.set()

    def _on_disconnect(self, client: paho.Client, *args: Any) -> None:
        self.connected.clear()

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        heard = Heard(
            message.topic,
            bytes(message.payload).decode(),
            bool(message.retain),
            time.monotonic(),
        )
        with self._lock:
            self.heard.append(heard)

    def messages(self) -> list[Heard]:
        with self._lock:
            return list(self.heard)

    def latest(self) -> dict[str, str]:
        return {h.topic: h.payload for h in self.messages()}

    def publish(self, topic: str, payload: str, *, retain: bool = False) -> None:
        """Publish from the subscriber's own connection (a command, as Home Assistant)."""
        self.client.publish(topic, payload, qos=1, retain=retain)

    def wait_for(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        """As :meth:`until`, for a test with no event loop (the demo runs in processes)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout_s:g} s for {what}")

    async def until(self, condition: Callable[[], bool], timeout_s: float, what: str) -> float:
        """Poll ``condition`` (the event loop runs meanwhile) until it holds; returns the
        seconds it took, fails naming ``what`` after ``timeout_s``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if condition():
                return time.monotonic() - started
            await asyncio.sleep(0.05)
        raise AssertionError(f"waited {timeout_s:g} s for {what}")
