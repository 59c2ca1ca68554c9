"""The dashboard of a node on both sides of the market (issue 22): each session shown by
the side this node is on in it (the relay where it sells, the market where it buys, a
stop by hand only where it sells), the header saying what the node is, and the battery's
book in a panel of its own; a seller's and a buyer's dashboard as before."""

from __future__ import annotations

from gridnode.status.pb import status_pb2 as pb
from gridnode.ui import view
from gridnode.ui.screens import ConfirmStop
from tests.support.status_source import FakeSource
from tests.support.ui import samples
from tests.support.ui.helpers import dashboard, screen_text, shows, until

SIZE = (100, 30)


async def test_a_battery_node_shows_each_session_by_its_side_and_its_book() -> None:
    source = FakeSource()
    source.publish(samples.battery_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "gridnode battery: sells to 1, buys from 1")
        text = screen_text(app)
        head = text.splitlines()[1]
        assert "side" in head
        assert "relay/market" in head
        rows = {line.split()[0]: line for line in text.splitlines()[2:4]}
        assert "→ sells" in rows["flat-1"]
        assert "● ON" in rows["flat-1"]  # the relay it switches for its buyer
        assert "← buys" in rows["grid"]
        assert "▶ active" in rows["grid"]  # its place in the battery's market, no relay
        assert "ON" not in rows["grid"]
        assert "side     sells to flat-1" in text  # the detail says which way
        # the book
        assert "62%" in text
        assert "6.000 kWh of 10.000 kWh" in text
        assert "sells 500.0 Wh at 170.0 sat/kWh" in text
        assert "floor 140.0 sat/kWh" in text
        assert "buys  up to 110.0 sat/kWh" in text
        await shows(pilot, "n Next peer")
        assert "Next buyer" not in screen_text(app)


async def test_a_battery_node_stops_by_hand_only_what_it_sells() -> None:
    source = FakeSource()
    source.publish(samples.battery_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1", "Stop session")
        await pilot.press("n", "s")  # the grid connection: the battery buys there
        said = "only a session this node sells in can be stopped by hand"
        await until(pilot, lambda: said in [n.message for n in app._notifications])
        assert not isinstance(app.screen, ConfirmStop)
        await pilot.press("n", "s")  # flat-1: it sells there
        await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
        await shows(pilot, "Stop the session with flat-1")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: len(source.stop_requests) == 1)
        assert source.stop_requests[0][0] == "s-flat-1-0001"


async def test_a_battery_that_offers_nothing_says_why() -> None:
    status = samples.battery_status()
    status.battery.CopyFrom(
        samples.battery_book(
            stored_mwh=1_000_000,
            offer_msat_per_kwh=0,
            offer_energy_mwh=0,
            not_offering="the battery is at its reserve",
            bid_msat_per_kwh=0,
            not_buying="no bid for this period",
        )
    )
    source = FakeSource()
    source.publish(status)
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "sells nothing: the battery is at its reserve", "0%")
        assert "buys  nothing: no bid for this period" in screen_text(app)


async def test_a_prosumer_shows_its_surplus() -> None:
    status = samples.battery_status()
    status.role = "seller+buyer+prosumer"
    status.battery.CopyFrom(
        pb.BatteryStatus(
            kind="prosumer",
            surplus_known=True,
            surplus_power_mw=3_000_000,
            offer_msat_per_kwh=180_000,
            offer_energy_mwh=500_000,
        )
    )
    source = FakeSource()
    source.publish(status)
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "gridnode prosumer: sells to 1, buys from 1", "PV surplus 3.00 kW")
        text = screen_text(app)
        assert "sells 500.0 Wh at 180.0 sat/kWh" in text
        assert "buys  up to" not in text  # a household buys by its surplus, bids nothing


async def test_a_seller_and_a_buyer_show_no_book_and_no_side() -> None:
    for status, title in ((samples.seller_status(), "gridnode seller"),
                          (samples.buyer_status(), "gridnode buyer")):  # fmt: skip
        source = FakeSource()
        source.publish(status)
        app = dashboard(source)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await shows(pilot, title)
            text = screen_text(app)
            assert "sells to" not in text
            assert "side" not in text
            assert not app.book.display


def test_a_session_from_an_older_node_is_on_its_roles_side() -> None:
    session = pb.SessionStatus(relay_on=True)  # no side: a node before the battery node
    assert view.relay_badge(session, "seller").word == "ON"
    assert view.relay_badge(session, "buyer").word == ""
    session.side = "buyer"  # a battery node: the session's side, whatever the role
    assert view.relay_badge(session, "seller+buyer+battery").word == ""
    assert view.table_kind(samples.seller_status()) == view.SELLER
    assert view.table_kind(samples.buyer_status()) == view.BUYER
    assert view.table_kind(pb.NodeStatus(role="buyer")) == view.BUYER
    assert view.table_kind(samples.battery_status()) == "both"
