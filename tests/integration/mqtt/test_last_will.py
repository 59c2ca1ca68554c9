"""A node killed with SIGKILL shows unavailable (issue 23): its last will, ``offline`` on
its availability topic, retained by the broker, so Home Assistant greys out its
entities and a client connecting later still reads it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.support.mosquitto import Broker
from tests.support.mqtt_node import mqtt_settings
from tests.support.mqtt_subscriber import Subscriber

ROOT = Path(__file__).resolve().parents[3]
#: The pair in the subprocess starts Python, opens two ledgers and trades (a loaded CI
#: machine takes its time).
STARTED_WITHIN_S = 60.0


def _availability(subscriber: Subscriber) -> dict[str, str]:
    return {t: p for t, p in subscriber.latest().items() if t.endswith("/availability")}


async def test_a_killed_node_is_marked_unavailable_by_its_last_will(
    tmp_path: Path, broker: Broker
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "tests.support.mqtt_node", broker.host, str(broker.port)]
    log = (tmp_path / "node.log").open("wb")
    node = await asyncio.create_subprocess_exec(
        *argv, str(tmp_path / "pair"), cwd=ROOT, env=env, stderr=log
    )
    try:
        with Subscriber(broker.host, broker.port) as subscriber:
            await subscriber.until(
                lambda: list(_availability(subscriber).values()) == ["online", "online"],
                STARTED_WITHIN_S,
                f"both nodes online (see {tmp_path / 'node.log'})",
            )
            node.send_signal(signal.SIGKILL)
            await asyncio.wait_for(node.wait(), 10)
            # the broker sees the connections drop at once; a keep-alive and a half is
            # its bound for a connection that dies silently
            keepalive = mqtt_settings(broker.host, broker.port).keepalive_s
            await subscriber.until(
                lambda: list(_availability(subscriber).values()) == ["offline", "offline"],
                1.5 * keepalive + 5,
                "both nodes offline",
            )
        with Subscriber(broker.host, broker.port) as late:  # connects after the death
            await late.until(
                lambda: list(_availability(late).values()) == ["offline", "offline"],
                10,
                "the retained last will",
            )
            assert all(h.retained for h in late.messages() if h.topic.endswith("/availability"))
    finally:
        if node.returncode is None:
            node.kill()
            await asyncio.wait_for(node.wait(), 10)
        log.close()
