"""Snapshots of the main screens at 80x24 (SSH) and 100x30 (the 7-inch panel).

Time is fixed (every snapshot is at T0 and the dashboard's clock is pinned) and nothing
random is drawn, so a changed SVG means a changed screen. Update on purpose with
``pytest tests/unit/ui/test_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from gridnode.receipt.text import receipt_text
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.status.pb import status_pb2 as pb
from gridnode.ui.app import Dashboard
from gridnode.ui.receipts import ReceiptView
from gridnode.ui.screens import ReceiptInfo
from tests.support.status_source import FakeSource
from tests.support.ui import samples
from tests.support.ui.helpers import dashboard, until

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((100, 30), id="100x30")]
Snap = Callable[..., bool]


def _feed(
    app: Dashboard, statuses: list[pb.NodeStatus]
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        for status in statuses:
            app.apply(status)
        await pilot.pause(0.1)  # the footer's keys follow the snapshot a frame later
        await pilot.pause()

    return run_before


def _suspended() -> list[pb.NodeStatus]:
    history = samples.seller_history()
    last = history[-1]
    first = last.sessions[0]
    first.state, first.relay_on, first.power_mw = "suspended_credit", False, 0
    first.cause, first.credit_msat = "suspended: credit below cut-off", -2_500
    first.peer_connected = False
    first.breaches.append(
        pb.Breach(kind="stale reading", text="no reading for 6 s", at_ms=last.at_ms - 3000)
    )
    last.warnings.append("meter meter-3: no answer from slave 3")
    return history


@pytest.mark.parametrize("size", SIZES)
def test_seller_with_three_buyers(snap_compare: Snap, size: tuple[int, int]) -> None:
    app = dashboard(FakeSource())
    assert snap_compare(app, terminal_size=size, run_before=_feed(app, samples.seller_history()))


@pytest.mark.parametrize("size", SIZES)
def test_buyer(snap_compare: Snap, size: tuple[int, int]) -> None:
    app = dashboard(FakeSource())
    assert snap_compare(app, terminal_size=size, run_before=_feed(app, [samples.buyer_status()]))


@pytest.mark.parametrize("size", SIZES)
def test_suspended_with_a_breach_and_a_warning(snap_compare: Snap, size: tuple[int, int]) -> None:
    app = dashboard(FakeSource())
    assert snap_compare(app, terminal_size=size, run_before=_feed(app, _suspended()))


@pytest.mark.parametrize("size", SIZES)
def test_node_gone(snap_compare: Snap, size: tuple[int, int]) -> None:
    source = FakeSource()
    app = dashboard(source, reconnect_min_s=30.0, reconnect_max_s=30.0)

    async def run_before(pilot: Pilot[None]) -> None:
        app.apply(samples.seller_status())
        source.go_away()
        await until(pilot, lambda: not app.connected)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_confirm_stop(snap_compare: Snap) -> None:
    app = dashboard(FakeSource())

    async def run_before(pilot: Pilot[None]) -> None:
        app.apply(samples.seller_status())
        await pilot.press("n", "s")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _demo_receipt() -> ReceiptView:
    """The dialog's content for the real demo receipt of tests/unit/receipt, checked."""
    data = Path(__file__).parents[1] / "receipt" / "data"
    receipt = json.loads((data / "demo-receipt.json").read_text())
    fprs = json.loads((data / "fingerprints.json").read_text())
    report = verify_receipt(receipt, VerifyOptions(fprs["seller"], fprs["buyer"]))
    assert report.ok
    return ReceiptView(
        f"Receipt of session {receipt['session_id']}",
        "✔ verified: every signature, preimage and amount holds",
        True,
        receipt_text(receipt),
        f"gridnode receipt {receipt['session_id']} --ledger ledger.sqlite --out receipt.json",
    )


@pytest.mark.parametrize("size", SIZES)
def test_receipt(snap_compare: Snap, size: tuple[int, int]) -> None:
    app = dashboard(FakeSource())
    shown = _demo_receipt()

    async def run_before(pilot: Pilot[None]) -> None:
        app.apply(samples.seller_status())
        app.push_screen(ReceiptInfo("flat-1", lambda: shown))
        await until(pilot, lambda: isinstance(app.screen, ReceiptInfo))
        await pilot.pause(0.3)  # the receipt is loaded off the event loop

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_plot_paused(snap_compare: Snap) -> None:
    app = dashboard(FakeSource())

    async def run_before(pilot: Pilot[None]) -> None:
        for status in samples.seller_history():
            app.apply(status)
        await pilot.press("p")
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_five_buyers_drilled_into_one(snap_compare: Snap) -> None:
    app = dashboard(FakeSource())

    async def run_before(pilot: Pilot[None]) -> None:
        app.apply(samples.seller_status(buyers=5))
        await pilot.press("down", "enter")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_five_buyers(snap_compare: Snap) -> None:
    app = dashboard(FakeSource())
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=_feed(app, [samples.seller_status(buyers=5)])
    )


@pytest.mark.parametrize("size", SIZES)
def test_battery_node(snap_compare: Snap, size: tuple[int, int]) -> None:
    """A battery node: a buyer it sells to, a seller it buys from, and its book."""
    app = dashboard(FakeSource())
    assert snap_compare(app, terminal_size=size, run_before=_feed(app, [samples.battery_status()]))
