"""Builds the dashboard from its settings and a status source (the only way in)."""

from __future__ import annotations

from gridnode.ui.app import Dashboard
from gridnode.ui.settings import DashboardSettings
from gridnode.ui.sources import SocketSource, StatusSource


def build_app(settings: DashboardSettings, source: StatusSource | None = None) -> Dashboard:
    """The dashboard for ``settings.node``, or for ``source`` when one is given (tests
    pass an in-process one, tests/support/status_source.FakeSource)."""
    if source is None:
        source = SocketSource(settings.node, settings.max_interval_ms)
    return Dashboard(settings, source)
