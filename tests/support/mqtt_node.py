"""The MQTT service on a node of a test pair, wired as the factory wires it (its real
broker link, the runtime's entry points), and a small program that runs a real-time pair
publishing to a broker until it is killed (the last-will test kills it with SIGKILL).

    python -m tests.support.mqtt_node HOST PORT FOLDER
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from pathlib import Path
from typing import Any

from gridnode.mqtt.service import MqttService
from gridnode.mqtt.settings import MqttSettings
from gridnode.node.runtime import NodeRuntime
from gridnode.observe import NO_OBSERVER, Observer
from tests.support.node import NodeExtras, realtime_pair


def mqtt_settings(host: str, port: int, **overrides: Any) -> MqttSettings:
    """The [mqtt] settings of a test node: the broker, and a fast publishing rate."""
    settings = MqttSettings(
        url=f"mqtt://{host}:{port}",
        host=host,
        port=port,
        min_interval_s=0.5,
        max_interval_s=10.0,
        keepalive_s=5,
    )
    return dataclasses.replace(settings, **overrides)


def with_mqtt(
    settings: MqttSettings, *, allow_control: bool = False, observer: Observer = NO_OBSERVER
) -> NodeExtras:
    def make(runtime: NodeRuntime) -> MqttService:
        return MqttService(
            settings,
            runtime.snapshot,
            runtime.ctx.clock,
            allow_control=allow_control,
            stop_session=runtime.stop_session,
            set_buying=runtime.set_buying,
        )

    return NodeExtras(observer=observer, services=[make])


async def _run(host: str, port: int, folder: Path) -> None:
    settings = mqtt_settings(host, port)
    pair = await realtime_pair(
        folder, seller_extras=with_mqtt(settings), buyer_extras=with_mqtt(settings)
    )
    await pair.start()
    print("running", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(_run(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
