"""``gridnode demo`` with the dashboard: the demo's parts start as usual (progress on
stderr), then the dashboard takes the terminal, attached to the seller's status socket
(one row per buyer; the seller runs with --allow-control, so a session can be stopped
by hand). Quitting the dashboard ends the demo cleanly; so do ``--seconds`` and SIGINT,
SIGTERM or SIGHUP (the dashboard closes first, giving the terminal back), and a part
that dies ends it with the demo's own error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from gridnode.demo.run import DemoHarness, DemoOptions, start_or_explain
from gridnode.regtest.lifetime import StopSignals
from gridnode.ui.factory import build_app
from gridnode.ui.settings import DashboardSettings

Say = Callable[[str], None]


def run_demo_with_dashboard(
    options: DemoOptions, say: Say, *, headless: bool = False
) -> dict[str, object]:
    """``headless`` runs the dashboard without a terminal (the tests)."""
    harness = DemoHarness(options, say)
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


async def _watch_with_dashboard(
    harness: DemoHarness, seconds: float | None, headless: bool, stops: StopSignals
) -> None:
    assert harness.parts is not None
    harness.say = lambda _m: None  # the dashboard has the terminal: no progress lines
    app = build_app(DashboardSettings(node=harness.parts.seller.status_socket))
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
