"""Stopping LND under a running seller shows on its dashboard within one status interval
of the node noticing, and the alarm clears when LND is back (issue 15: lnd_reachable is
real). Real LND on regtest, the demo's seller and buyer as processes, the dashboard
attached to the seller's status socket."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gridnode.demo.run import DemoHarness, DemoOptions
from gridnode.node.health import CHECK_PERIOD_S, CHECK_TIMEOUT_S
from gridnode.ui.factory import build_app
from gridnode.ui.settings import DashboardSettings
from tests.support.ui.helpers import shows, until

pytestmark = pytest.mark.regtest

#: The status socket's longest interval between updates (gridnode.status.server).
STATUS_INTERVAL_S = 1.0
#: Scheduling on a shared machine, the dashboard's own refresh included.
MARGIN_S = 2.5
#: The node asks LND every CHECK_PERIOD_S and waits up to CHECK_TIMEOUT_S for an answer; a
#: dead LND refuses at once, but the bound allows a hung one.
BOUND_S = CHECK_PERIOD_S + CHECK_TIMEOUT_S + STATUS_INTERVAL_S + MARGIN_S


async def test_lnd_stopped_under_a_running_seller_raises_the_dashboard_alarm(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    demo = DemoHarness(DemoOptions(root=tmp_path / "demo", buyers=1), lambda _m: None)
    await asyncio.to_thread(demo.start)
    try:
        assert demo.parts is not None
        app = build_app(DashboardSettings(node=demo.parts.seller.status_socket))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(
                pilot,
                lambda: (
                    app.status is not None
                    and any(s.state == "supplying" for s in app.status.sessions)
                ),
                timeout_s=60,
            )
            assert app.status is not None
            assert app.status.lnd_reachable
            stopped = time.monotonic()
            await asyncio.to_thread(demo.parts.network.kill_lnd, 0)  # the seller's LND
            await until(
                pilot,
                lambda: app.status is not None and not app.status.lnd_reachable,
                timeout_s=BOUND_S,
            )
            took = time.monotonic() - stopped
            await shows(pilot, "LND unreachable")
            record_property("alarm_after_s", round(took, 2))
            assert took <= BOUND_S
            await asyncio.to_thread(demo.parts.network.start_lnd, 0)
            await until(
                pilot,
                lambda: app.status is not None and app.status.lnd_reachable,
                timeout_s=60,
            )
    finally:
        await asyncio.to_thread(demo.stop)
