"""Reading what the dashboard shows, and waiting for it, in Pilot tests."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from gridnode.ui.app import Dashboard
from gridnode.ui.factory import build_app
from gridnode.ui.settings import DashboardSettings
from gridnode.ui.sources import StatusSource
from tests.support.ui.samples import T0_MS


def fast_settings(**changes: Any) -> DashboardSettings:
    """Quick reconnects and a clock fixed at T0, so nothing on screen depends on now;
    ``changes`` are :class:`DashboardSettings` fields."""
    fast = DashboardSettings(reconnect_min_s=0.05, reconnect_max_s=0.1, clock_ms=lambda: T0_MS)
    return dataclasses.replace(fast, **changes)


def dashboard(source: StatusSource, **changes: Any) -> Dashboard:
    return build_app(fast_settings(**changes), source)


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, as a person would read it (the top screen included)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not true after {timeout_s} s:\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)


async def shows(pilot: Pilot[Any], *texts: str, timeout_s: float = 10.0) -> None:
    """Wait until every text is on the screen."""
    await until(pilot, lambda: all(t in screen_text(pilot.app) for t in texts), timeout_s)
