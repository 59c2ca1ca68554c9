"""The dashboard on the demo's real seller (real LND on regtest, meters over Modbus on
pseudo-terminals, two buyers as processes): values appear, the receipt dialog shows the
running session's receipt from the real ledger, verified so far, and a session stopped
by hand with confirmation stops."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.demo.run import DemoHarness, DemoOptions
from gridnode.status.pb import status_pb2 as pb
from gridnode.ui.app import Dashboard
from gridnode.ui.factory import build_app
from gridnode.ui.screens import ConfirmStop, ReceiptInfo
from gridnode.ui.settings import DashboardSettings
from tests.support.ui.helpers import shows, until

pytestmark = pytest.mark.regtest


def _session(app: Dashboard, name: str) -> pb.SessionStatus | None:
    if app.status is None:
        return None
    return next((s for s in app.status.sessions if s.peer_name == name), None)


async def test_the_dashboard_on_a_demo_seller(tmp_path: Path) -> None:
    demo = DemoHarness(DemoOptions(root=tmp_path / "demo", buyers=2), lambda _m: None)
    await asyncio.to_thread(demo.start)
    try:
        assert demo.parts is not None
        app = build_app(DashboardSettings(node=demo.parts.seller.status_socket))
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await shows(pilot, "gridnode seller", "buyer-1", "buyer-2", timeout_s=30)
            await until(
                pilot,
                lambda: all(
                    (s := _session(app, n)) is not None and s.state == "supplying"
                    for n in ("buyer-1", "buyer-2")
                ),
                timeout_s=40,
            )
            await shows(pilot, "▶ supplying", "● ON", "✔ connected")
            await until(
                pilot,
                lambda: (
                    (s := _session(app, "buyer-1")) is not None
                    and s.voltage_mv > 0
                    and s.paid_msat > 0
                    and len(s.forecast) > 0
                ),  # the profile ahead is plotted
                timeout_s=20,
            )

            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, ReceiptInfo))
            # built from the real ledger and checked with both pinned fingerprints
            await shows(pilot, "✔ verified", "still running", "seller/ledger.sqlite")
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, ReceiptInfo))

            await pilot.press("n", "s")  # buyer-2, stopped by hand
            await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
            await shows(pilot, "Stop the session with buyer-2")
            await pilot.pause()
            await pilot.press("y")
            await until(
                pilot,
                lambda: (s := _session(app, "buyer-2")) is not None and s.state != "supplying",
                timeout_s=20,
            )
            kept = _session(app, "buyer-1")
            assert kept is not None
            assert kept.state == "supplying"  # the other buyer is untouched
    finally:
        await asyncio.to_thread(demo.stop)


def test_gridnode_demo_with_the_dashboard_runs_and_ends_cleanly(tmp_path: Path) -> None:
    """The demo's dashboard path (headless here): the dashboard runs for --seconds while
    the seller and buyer trade, then the demo closes cleanly and summarises."""
    from gridnode.demo.dashboard import run_demo_with_dashboard

    lines: list[str] = []
    summary = run_demo_with_dashboard(
        DemoOptions(root=tmp_path / "demo", seconds=15), lines.append, headless=True
    )
    assert int(str(summary["payments"])) > 0
    assert any("stopped the seller" in line for line in lines)  # progress back after the UI
