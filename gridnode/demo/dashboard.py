"""``gridnode demo`` with the dashboard: the demo's parts start as usual (progress on
stderr), then the dashboard takes the terminal, attached to the seller's status socket
(one row per buyer; the seller runs with --allow-control, so a session can be stopped
by hand); with several sellers (``--sellers``), to the first buyer's: one row per
seller, with its place in the buyer's market and its score; in the estate day
(``--estate``), to the battery node's. Quitting the dashboard
ends the demo cleanly; so do ``--seconds`` and SIGINT, SIGTERM or SIGHUP (the dashboard
closes first, giving the terminal back), and a part that dies ends it with the demo's
own error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from gridnode.demo.estate import EstateParts
from gridnode.demo.estate_day import DayParts
from gridnode.demo.run import DemoHarness, DemoOptions, Parts, start_or_explain
from gridnode.regtest.lifetime import StopSignals
from gridnode.ui.factory import build_app
from gridnode.ui.settings import DashboardSettings

Say = Callable[[str], None]


def run_demo_with_dashboard(
    options: DemoOptions, say: Say, *, headless: bool = False, harness: DemoHarness | None = None
) -> dict[str, object]:
    """``headless`` runs the dashboard without a terminal (the tests); ``harness`` is
    the estate demo's (:class:`~gridnode.demo.estate.EstateHarness`) with ``--sellers``."""
    harness = harness if harness is not None else DemoHarness(options, say)
    with StopSignals(say) as stops:
        start_or_explain(harness)
        try:
            asyncio.run(_watch_with_dashboard(harness, options.seconds, headless, stops))
        except KeyboardInterrupt:
            say("interrupted: closing the sessions")
        finally:
            stops.hold()
            harness.say = say
            harness.stop()
        return harness.summary()


def dashboard_node(parts: Parts) -> Path:
    """The status socket the dashboard attaches to: the seller's (a row per buyer), in
    the estate demo the first buyer's (a row per seller, with its market place), and in
    the estate day (``--estate``) the battery node's (its sessions of both roles)."""
    if isinstance(parts, DayParts) and parts.battery is not None:
        return parts.battery.status_socket
    if isinstance(parts, EstateParts):
        return parts.buyers[0].status_socket
    return parts.seller.status_socket


async def _watch_with_dashboard(
    harness: DemoHarness, seconds: float | None, headless: bool, stops: StopSignals
) -> None:
    assert harness.parts is not None
    harness.say = lambda _m: None  # the dashboard has the terminal: no progress lines
    app = build_app(DashboardSettings(node=dashboard_node(harness.parts)))
    # a stop signal ends the watch, and the watch's end closes the dashboard
    watch = asyncio.create_task(harness.watch(seconds, stops))
    ui = asyncio.create_task(app.run_async(headless=headless, size=(100, 30) if headless else None))
    done, _ = await asyncio.wait({watch, ui}, return_when=asyncio.FIRST_COMPLETED)
    if watch in done:
        app.exit()
        await ui
        watch.result()  # a part that died: the demo's error, after the terminal is back
        return
    watch.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watch
