"""The ``[mqtt]`` table as typed settings: where the broker is, how to log in, what to
publish under, and how often (docs/home-assistant.md).

Read by :mod:`gridnode.config.mqtt`, which reports every mistake with the rest of the
file's; the password comes from a file (never inline in the configuration), read at load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: The broker's port when the URL names none.
MQTT_PORT, MQTTS_PORT = 1883, 8883

#: Home Assistant's own default discovery prefix.
DEFAULT_DISCOVERY_PREFIX = "homeassistant"
DEFAULT_BASE_TOPIC = "gridnode"


@dataclass(frozen=True, slots=True, kw_only=True)
class MqttSettings:
    """How a node publishes to an MQTT broker."""

    #: The broker's URL as written ("mqtt://127.0.0.1:1883"), for log lines.
    url: str
    host: str
    port: int
    #: mqtts:// : TLS with the broker's certificate verified (never without).
    tls: bool = False
    #: A CA certificate (PEM) to verify the broker by, instead of the system's.
    tls_ca: Path | None = None
    username: str | None = None
    #: Read from ``password_file`` at load; kept out of every repr and log line.
    password: str | None = field(default=None, repr=False)
    #: Every state and command topic starts with ``<base_topic>/<node id>/``.
    base_topic: str = DEFAULT_BASE_TOPIC
    #: Where Home Assistant listens for discovery configurations.
    discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX
    #: The node's device name in Home Assistant (default: role and key fingerprint).
    name: str | None = None
    #: A value is published at most this often, however fast it changes.
    min_interval_s: float = 1.0
    #: Every value is published again at least this often, changed or not.
    max_interval_s: float = 60.0
    #: The MQTT keep-alive: a node whose connection dies silently is marked unavailable
    #: by the broker about 1.5 keep-alives later (a killed process at once).
    keepalive_s: int = 30
    #: A buyer's switch to pause buying (honoured only with --allow-control).
    pause_switch: bool = False
