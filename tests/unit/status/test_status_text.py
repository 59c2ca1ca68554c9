"""A node's status in words (`gridnode status`, the dashboard's header): each session by
the side the node is on in it, an older node's by its role, a battery's book and a
prosumer's surplus each in a line a figure."""

from __future__ import annotations

from gridnode.status import text
from gridnode.status.pb import status_pb2 as pb
from tests.support.ui import samples


def test_a_seller_and_a_buyer_read_as_before() -> None:
    seller, buyer = samples.seller_status(), samples.buyer_status()
    assert text.node_title(seller) == "gridnode seller"
    assert text.node_title(buyer) == "gridnode buyer"
    assert not text.on_both_sides(seller)
    lines = text.status_lines(seller)
    assert lines[0].startswith("gridnode seller  fp abababab")
    assert lines[1].startswith("- sells to flat-1, supplying, 2.53 kW, rate 120.0 sat/kWh")
    assert lines[1].endswith("relay on")
    assert text.status_lines(buyer)[1].startswith("- buys from seller, receiving")
    assert all(not line.startswith("  ") for line in lines)  # no book


def test_a_session_without_a_side_is_on_the_roles() -> None:
    """A node older than the battery node sends no side: its role is every session's."""
    old = pb.SessionStatus(peer_name="flat-1")
    assert text.session_side(old, "seller") == "seller"
    assert text.side_words(old, "buyer") == "buys from flat-1"
    assert text.session_side(pb.SessionStatus(side="buyer"), "seller+buyer+battery") == "buyer"


def test_a_battery_node_says_what_it_sells_to_and_buys_from() -> None:
    status = samples.battery_status()
    assert text.node_title(status) == "gridnode battery: sells to 1, buys from 1"
    status.ClearField("battery")  # by its role alone
    assert text.node_kind(status) == "battery"
    status.role = ""  # by its sessions alone
    assert text.node_title(status) == "gridnode node: sells to 1, buys from 1"


def test_the_battery_book_in_lines() -> None:
    book = samples.battery_book()
    assert text.book_lines(book) == [
        "charge 6.000 kWh of 10.000 kWh, 62% between reserve 1.000 kWh and maximum 9.000 kWh",
        "pledged 400.0 Wh to sales, 250.0 Wh to purchases",
        "offers 500.0 Wh at 170.0 sat/kWh",
        "buys at up to 110.0 sat/kWh",
        "sells at no less than 140.0 sat/kWh (cost after losses)",
    ]
    assert text.charge_bar(book, width=10) == "▕██████░░░░▏"
    stopped = samples.battery_book(
        offer_msat_per_kwh=0, not_offering="at the reserve", bid_msat_per_kwh=0, not_buying=""
    )
    assert "offers nothing: at the reserve" in text.book_lines(stopped)
    assert "bids nothing: no reason given" in text.book_lines(stopped)
    unknown = pb.BatteryStatus(kind="battery", not_offering="no reading", not_buying="no reading")
    assert text.book_lines(unknown) == [
        "charge not known yet: waiting for the inverter's first reading",
        "offers nothing: no reading",
        "bids nothing: no reading",
    ]


def test_the_charge_share_stays_within_the_band() -> None:
    book = samples.battery_book(stored_mwh=500_000)  # below the reserve (self-discharge)
    assert text.charge_share(book) == 0
    book.stored_mwh = 9_500_000  # above the maximum
    assert text.charge_share(book) == 100
    assert text.charge_share(pb.BatteryStatus()) == 0  # no band: no division by zero


def test_a_prosumers_surplus_in_lines() -> None:
    book = pb.BatteryStatus(kind="prosumer")
    assert text.book_lines(book) == [
        "PV surplus not measured yet",
        "offers nothing: no reason given",
    ]
    book.surplus_known, book.surplus_power_mw = True, 2_500_000
    book.offer_msat_per_kwh, book.offer_energy_mwh = 180_000, 400_000
    assert text.book_lines(book) == ["PV surplus 2.50 kW", "offers 400.0 Wh at 180.0 sat/kWh"]
