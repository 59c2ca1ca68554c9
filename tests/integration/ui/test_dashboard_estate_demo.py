"""The dashboard on the estate demo (real LND on regtest, two sellers, two buyers as
processes): attached to the first buyer, it shows a row per seller with its place in the
buyer's market and its score over the period."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridnode.demo.dashboard import dashboard_node
from gridnode.demo.estate import EstateHarness, EstateOptions
from gridnode.ui.app import Dashboard
from gridnode.ui.factory import build_app
from gridnode.ui.settings import DashboardSettings
from tests.support.ui.helpers import screen_text, shows, until

pytestmark = pytest.mark.regtest


def _places(app: Dashboard) -> dict[str, str]:
    if app.status is None:
        return {}
    return {s.peer_name: s.market for s in app.status.sessions}


def _why(app: Dashboard, demo: EstateHarness) -> str:
    """The places in full (a refusal's reasons) and what each node's log said last."""
    assert demo.parts is not None
    lines = [f"places: {_places(app)}"]
    for daemon in demo.parts.processes.values():
        lines.append(daemon.stopped_text(lines=12).replace(" stopped;", ":", 1))
    return "\n".join(lines)


async def test_the_dashboard_on_an_estate_buyer(tmp_path: Path) -> None:
    options = EstateOptions(root=tmp_path / "demo", buyers=2, sellers=2)
    demo = EstateHarness(options, lambda _m: None)
    await asyncio.to_thread(demo.start)
    try:
        assert demo.parts is not None
        assert dashboard_node(demo.parts) == demo.parts.buyers[0].status_socket
        app = build_app(DashboardSettings(node=dashboard_node(demo.parts)))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await shows(pilot, "gridnode buyer", "seller-1", "seller-2", timeout_s=30)
            try:
                await until(
                    pilot,
                    lambda: sorted(_places(app).values())[:2] == ["active", "next best"],
                    timeout_s=90,
                )
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{_why(app, demo)}") from None
            await shows(pilot, "▶ active", "◇ next best", "market   active")
            head = screen_text(app).splitlines()[1]
            assert head.split()[:4] == ["seller", "link", "state", "market"]
    finally:
        await asyncio.to_thread(demo.stop)
