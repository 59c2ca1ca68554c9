"""A real Mosquitto per test, on a free loopback port, stopped after it; and the MQTT
service wired into a node of the real-time pair as the factory wires it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.mosquitto import Broker


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path / "broker")
    running.start()
    try:
        yield running
    finally:
        running.stop()
