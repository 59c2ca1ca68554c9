"""The node's metrics endpoint: prometheus_client's HTTP server on its own thread, over the
node's own registry.

A service of the runtime (:class:`gridnode.node.runtime.Service`). The registry holds
the counters the node's observer keeps (:class:`~gridnode.metrics.observer.MetricsObserver`)
and a collector over the latest snapshot (:class:`~gridnode.metrics.collector.SnapshotCollector`),
which this service refreshes on the event loop every ``refresh_s`` and whenever the
node says something changed; a scrape reads only that stored, frozen value. A port
that cannot be bound is reported (the task group logs it and shows it as a warning) and
tried again after a pause, while the node trades on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server

from gridnode.clock import Clock
from gridnode.errors import UsageError
from gridnode.metrics.collector import SnapshotCollector
from gridnode.metrics.observer import MetricsObserver
from gridnode.snapshot import NodeSnapshot

log = logging.getLogger("gridnode.metrics")

#: How stale the snapshot a scrape reads may get (Prometheus scrapes every 15 s or so).
REFRESH_S = 1.0


def split_listen(listen: str) -> tuple[str, int]:
    """``"host:port"`` (IPv6 in brackets) as a pair."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


class MetricsService:
    name = "metrics"

    def __init__(
        self,
        listen: str,
        snapshot: Callable[[], NodeSnapshot],
        clock: Clock,
        *,
        registry: CollectorRegistry | None = None,
        refresh_s: float = REFRESH_S,
    ) -> None:
        """``registry``: the one the node's :class:`MetricsObserver` counts into (a new
        one, with its observer, when None)."""
        self.listen = listen
        self.snapshot = snapshot
        self.clock = clock
        self.refresh_s = refresh_s
        if registry is None:
            registry = CollectorRegistry()
            MetricsObserver(registry)
        self.registry = registry
        self.latest: NodeSnapshot | None = None
        registry.register(SnapshotCollector(lambda: self.latest))
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._wake = asyncio.Event()
        #: the address actually bound (port 0 becomes a real port)
        self.address: tuple[str, int] | None = None

    def changed(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        self.latest = self.snapshot()
        if self._server is None:
            self._serve()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.refresh_s)
            self._wake.clear()
            self.latest = self.snapshot()

    def _serve(self) -> None:
        host, port = split_listen(self.listen)
        try:
            self._server, self._thread = start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise UsageError(
                f"metrics_listen: cannot listen on {self.listen} ({exc.strerror}); choose a "
                'free port, like "127.0.0.1:9108"'
            ) from exc
        bound = self._server.server_address
        self.address = (str(bound[0]), int(bound[1]))
        log.info("metrics served on http://%s:%d/metrics", *self.address)

    async def close(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return

        def stop() -> None:
            server.shutdown()
            server.server_close()
            if thread is not None:
                thread.join(2.0)

        await asyncio.to_thread(stop)
