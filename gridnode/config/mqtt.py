"""The optional ``[mqtt]`` table and ``metrics_listen``: how a node shows itself to Home
Assistant and to Prometheus (docs/home-assistant.md, docs/metrics.md).

.. code-block:: toml

    metrics_listen = "127.0.0.1:9108"     # Prometheus scrapes http://127.0.0.1:9108/

    [mqtt]
    url = "mqtts://broker.lan:8883"       # mqtt:// (port 1883) or mqtts:// (TLS, 8883)
    username = "gridnode"
    password_file = "mqtt.password"       # the password alone, in a file only you read
    tls_ca = "broker-ca.pem"              # optional: the CA that signed the broker's cert
    base_topic = "gridnode"
    discovery_prefix = "homeassistant"
    name = "Garage battery"               # the device name in Home Assistant
    min_interval_s = 1                    # never faster than this
    max_interval_s = 60                   # and at least this often
    pause_switch = true                   # a buyer: a switch to pause buying
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from urllib.parse import urlsplit

from gridnode.config.peers import read_address
from gridnode.config.reader import Table
from gridnode.mqtt.settings import (
    DEFAULT_BASE_TOPIC,
    DEFAULT_DISCOVERY_PREFIX,
    MQTT_PORT,
    MQTTS_PORT,
    MqttSettings,
)

#: A topic level gridnode writes under: no wildcards, no empty levels, no leading "/".
_TOPIC = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")


def read_metrics_listen(top: Table) -> str | None:
    """``metrics_listen = "host:port"``, or None when the node serves no metrics."""
    if not top.has("metrics_listen"):
        return None
    return read_address(
        top, "metrics_listen", hint='where Prometheus scrapes, like "127.0.0.1:9108"'
    )


def read_mqtt(top: Table, base: Path, role: str | None) -> MqttSettings | None:
    """The ``[mqtt]`` table, or None when there is none; every mistake goes to the
    file's problems (the settings are None then)."""
    if not top.has("mqtt"):
        return None
    table = top.table("mqtt")
    before = len(table.problems.items)
    url = table.get("url", str, hint='the broker, like "mqtt://127.0.0.1:1883"')
    host, port, tls = _broker(table, url)
    username = table.optional("username", str)
    password = _password(table, base, username)
    tls_ca = table.path_value("tls_ca", base) if table.has("tls_ca") else None
    if tls_ca is not None and isinstance(table.doc["tls_ca"], str):
        if not tls:
            table.problems.add(
                'mqtt.tls_ca is set, but the url is not mqtts://: write "mqtts://" to use '
                "TLS, or remove tls_ca"
            )
        elif not tls_ca.is_file():
            table.problems.add(f"mqtt.tls_ca: {tls_ca} does not exist; give the broker's CA")
    base_topic = _topic(table, "base_topic", DEFAULT_BASE_TOPIC)
    prefix = _topic(table, "discovery_prefix", DEFAULT_DISCOVERY_PREFIX)
    name = table.optional("name", str)
    low = table.number_in("min_interval_s", 1.0, 0.1, 60)
    high = table.number_in("max_interval_s", 60.0, 1, 3600)
    if high < low:
        table.problems.add(
            f"mqtt.max_interval_s ({high:g} s) must be at least mqtt.min_interval_s "
            f"({low:g} s): values are published again at least that often"
        )
    keepalive = round(table.number_in("keepalive_s", 30, 5, 600))
    pause_switch = table.get("pause_switch", bool, False)
    if pause_switch and role == "seller":
        table.problems.add(
            "mqtt.pause_switch pauses buying, but this file has role = 'seller'; remove it"
        )
    table.unknown_keys()
    if len(table.problems.items) > before:
        return None
    return MqttSettings(
        url=url,
        host=host,
        port=port,
        tls=tls,
        tls_ca=tls_ca,
        username=username,
        password=password,
        base_topic=base_topic,
        discovery_prefix=prefix,
        name=name,
        min_interval_s=low,
        max_interval_s=high,
        keepalive_s=keepalive,
        pause_switch=pause_switch,
    )


def _broker(table: Table, url: str) -> tuple[str, int, bool]:
    """(host, port, tls) of an ``mqtt://`` or ``mqtts://`` URL."""
    if not table.has("url") or not isinstance(table.doc["url"], str):
        return "", MQTT_PORT, False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        table.problems.add(
            f'mqtt.url must be "mqtt://host:port" or "mqtts://host:port" (TLS), not {url!r}'
        )
        return "", MQTT_PORT, False
    if parts.username or parts.password or parts.path.strip("/") or parts.query:
        table.problems.add(
            f"mqtt.url must name only the broker (scheme, host, port), not {url!r}: put the "
            "user in mqtt.username and the password in the file mqtt.password_file"
        )
    tls = parts.scheme == "mqtts"
    return parts.hostname, port or (MQTTS_PORT if tls else MQTT_PORT), tls


def _password(table: Table, base: Path, username: str | None) -> str | None:
    """The password from ``password_file``: one line, in a file others cannot read."""
    if not table.has("password_file"):
        return None
    path = table.path_value("password_file", base)
    if not isinstance(table.doc["password_file"], str):
        return None  # reported: not a file name
    if username is None:
        table.problems.add("mqtt.password_file needs mqtt.username (the broker's login)")
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        table.problems.add(f"mqtt.password_file: cannot read {path} ({exc.strerror})")
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        table.problems.add(
            f"mqtt.password_file: {path} can be read by others; run 'chmod 600 {path}'"
        )
    password = text.strip("\r\n")
    if not password:
        table.problems.add(f"mqtt.password_file: {path} is empty; write the password in it")
    return password


def _topic(table: Table, key: str, default: str) -> str:
    value = table.get(key, str, default)
    if table.has(key) and isinstance(table.doc[key], str) and not _TOPIC.fullmatch(value):
        table.problems.add(
            f"{table.name(key)} must be topic levels of letters, digits, '_' and '-' joined "
            f"by '/', like {default!r}, not {value!r}"
        )
    return value
