"""The ``[mqtt]`` table and ``metrics_listen`` (issue 23): read into typed settings, the
password from a file of its own, every mistake one sentence with the rest of the file's,
and a key nobody knows refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import load_settings
from gridnode.mqtt.settings import MqttSettings
from tests.support.node_config import (
    BUYER,
    SELLER,
    buyer_settings,
    filled_example,
    seller_settings,
    write,
)


def _problems(folder: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(folder, text), env={})
    return caught.value.problems


def test_a_node_without_the_tables_publishes_nothing(tmp_path: Path) -> None:
    settings = seller_settings(tmp_path)
    assert settings.mqtt is None
    assert settings.metrics_listen is None


def test_a_full_mqtt_table_is_read_with_the_password_from_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "mqtt.password"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    text = BUYER.replace(
        'role = "buyer"\n',
        'role = "buyer"\nmetrics_listen = "127.0.0.1:9108"\n',
    ) + (
        '\n[mqtt]\nurl = "mqtts://broker.lan"\nusername = "gridnode"\n'
        'password_file = "mqtt.password"\ntls_ca = "ca.pem"\nbase_topic = "home/gridnode"\n'
        'name = "House"\nmin_interval_s = 2\nmax_interval_s = 30\npause_switch = true\n'
    )
    settings = buyer_settings(tmp_path, text)
    assert settings.metrics_listen == "127.0.0.1:9108"
    assert settings.mqtt == MqttSettings(
        url="mqtts://broker.lan",
        host="broker.lan",
        port=8883,
        tls=True,
        tls_ca=tmp_path / "ca.pem",
        username="gridnode",
        password="s3cret",
        base_topic="home/gridnode",
        name="House",
        min_interval_s=2.0,
        max_interval_s=30.0,
        pause_switch=True,
    )
    assert "s3cret" not in repr(settings.mqtt)


def test_the_defaults_of_a_minimal_table(tmp_path: Path) -> None:
    settings = seller_settings(tmp_path, SELLER + '\n[mqtt]\nurl = "mqtt://127.0.0.1"\n')
    mqtt = settings.mqtt
    assert mqtt is not None
    assert (mqtt.host, mqtt.port, mqtt.tls) == ("127.0.0.1", 1883, False)
    assert (mqtt.base_topic, mqtt.discovery_prefix) == ("gridnode", "homeassistant")
    assert (mqtt.min_interval_s, mqtt.max_interval_s, mqtt.pause_switch) == (1.0, 60.0, False)


def test_every_mistake_of_the_table_is_one_sentence(tmp_path: Path) -> None:
    loose = tmp_path / "loose.password"
    loose.write_text("pw")
    loose.chmod(0o644)
    text = (
        SELLER.replace('role = "seller"\n', 'role = "seller"\nmetrics_listen = "9108"\n')
        + '\n[mqtt]\nurl = "http://user:pw@broker"\npassword_file = "loose.password"\n'
        'tls_ca = "ca.pem"\nbase_topic = "a/#"\nmin_interval_s = 10\nmax_interval_s = 5\n'
        "keepalive_s = 1\npause_switch = true\nretain = false\n"
    )
    problems = _problems(tmp_path, text)
    assert problems == [
        'metrics_listen must be "host:port", like "192.0.2.10:7878", not \'9108\'',
        'mqtt.url must be "mqtt://host:port" or "mqtts://host:port" (TLS), not '
        "'http://user:pw@broker'",
        "mqtt.password_file needs mqtt.username (the broker's login)",
        f"mqtt.password_file: {loose} can be read by others; run 'chmod 600 {loose}'",
        'mqtt.tls_ca is set, but the url is not mqtts://: write "mqtts://" to use TLS, or '
        "remove tls_ca",
        "mqtt.base_topic must be topic levels of letters, digits, '_' and '-' joined by '/', "
        "like 'gridnode', not 'a/#'",
        "mqtt.max_interval_s (5 s) must be at least mqtt.min_interval_s (10 s): values are "
        "published again at least that often",
        "mqtt.keepalive_s must be from 5 to 600 seconds, not 1",
        "mqtt.pause_switch pauses buying, but this file has role = 'seller'; remove it",
        "mqtt.retain is not a setting gridnode knows (a typo?)",
    ]


def test_credentials_in_the_url_are_refused(tmp_path: Path) -> None:
    text = SELLER + '\n[mqtt]\nurl = "mqtt://user:pw@broker:1884"\n'
    assert _problems(tmp_path, text) == [
        "mqtt.url must name only the broker (scheme, host, port), not "
        "'mqtt://user:pw@broker:1884': put the user in mqtt.username and the password in "
        "the file mqtt.password_file"
    ]


def test_an_unreadable_password_file_is_named(tmp_path: Path) -> None:
    text = SELLER + '\n[mqtt]\nurl = "mqtt://b"\nusername = "u"\npassword_file = "none"\n'
    assert _problems(tmp_path, text) == [
        f"mqtt.password_file: cannot read {tmp_path / 'none'} (No such file or directory)"
    ]


def test_the_url_can_come_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, SELLER + '\n[mqtt]\nurl = "mqtt://b"\n')
    settings = load_settings(path, env={"GRIDNODE_MQTT__URL": "mqtt://10.0.0.5:1999"})
    assert settings.mqtt is not None
    assert (settings.mqtt.host, settings.mqtt.port) == ("10.0.0.5", 1999)


@pytest.mark.parametrize("role", ["seller", "buyer"])
def test_the_examples_mqtt_and_metrics_lines_load_once_uncommented(
    tmp_path: Path, role: str
) -> None:
    """The commented-out lines of the shipped examples are a working configuration (the
    login lines aside, which need the broker's password file)."""
    lines = []
    for line in filled_example(role).splitlines():
        if line.startswith("# metrics_listen") or (
            line.startswith(("# [mqtt]", "# url", "# name", "# min_", "# max_", "# pause_"))
        ):
            line = line.removeprefix("# ")
        lines.append(line)
    settings = load_settings(write(tmp_path, "\n".join(lines)), env={})
    assert settings.metrics_listen == "127.0.0.1:9108"
    assert settings.mqtt is not None
    assert settings.mqtt.port == 1883
    assert settings.mqtt.pause_switch is (role == "buyer")
