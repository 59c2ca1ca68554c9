"""The services a node runs only when its configuration asks for them: MQTT and the
Prometheus metrics, each rendering the runtime's snapshot.

Their packages are imported here only for a node that serves them: prometheus_client
brings an HTTP and WSGI server, paho an MQTT client, together some 20 MB resident that a
node without them should not carry (issue 17: every node under 80 MB).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from gridnode.config.settings import AnySettings
from gridnode.node.runtime import NodeRuntime, ServiceFactory
from gridnode.observe import NO_OBSERVER, Observer

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from gridnode.metrics.service import MetricsService
    from gridnode.mqtt.service import MqttService

log = logging.getLogger("gridnode.node")


def metrics(settings: AnySettings) -> tuple[CollectorRegistry | None, Observer]:
    """The metrics' registry and observer when the node serves metrics; else nothing is
    imported (prometheus_client brings an HTTP server: issue 17, nodes under 80 MB)."""
    if not settings.metrics_listen:
        return None, NO_OBSERVER
    from prometheus_client import CollectorRegistry

    from gridnode.metrics.observer import MetricsObserver

    registry = CollectorRegistry()
    return registry, MetricsObserver(registry)


def optional_services(
    settings: AnySettings, registry: CollectorRegistry | None, allow_control: bool
) -> list[ServiceFactory]:
    """MQTT and the metrics, when configured: each renders the runtime's snapshot."""
    services: list[ServiceFactory] = []
    mqtt, listen = settings.mqtt, settings.metrics_listen
    if mqtt is not None:
        if mqtt.pause_switch and not allow_control:
            log.warning(
                "[mqtt] pause_switch is set, but the node runs without --allow-control: the "
                "switch is not offered"
            )

        def mqtt_service(runtime: NodeRuntime) -> MqttService:
            from gridnode.mqtt.service import MqttService

            return MqttService(
                mqtt,
                runtime.snapshot,
                runtime.ctx.clock,
                allow_control=allow_control,
                stop_session=runtime.stop_session,
                set_buying=runtime.set_buying,
            )

        services.append(mqtt_service)
    if listen is not None:

        def metrics_service(runtime: NodeRuntime) -> MetricsService:
            from gridnode.metrics.service import MetricsService

            return MetricsService(listen, runtime.snapshot, runtime.ctx.clock, registry=registry)

        services.append(metrics_service)
    return services
