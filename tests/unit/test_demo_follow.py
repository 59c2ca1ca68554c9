"""The demo's progress line (issue 22): a battery node names each session's peer and the
side it is on; a seller's and a buyer's lines read as before."""

from __future__ import annotations

from gridnode.demo.follow import status_line
from tests.support.ui import samples


def test_a_battery_nodes_line_says_whom_it_sells_to_and_buys_from() -> None:
    line = status_line("battery", samples.battery_status())
    assert line.startswith("battery: sells to flat-1: supplying (relay on), ")
    assert "; buys from grid: receiving, " in line


def test_a_seller_and_a_buyer_read_as_before() -> None:
    seller = status_line("seller", samples.seller_status(buyers=1))
    assert seller.startswith("seller: flat-1: supplying (relay on), 2.53 kW, rate 120 sat/kWh")
    buyer = samples.buyer_status()
    assert status_line("buyer-1", buyer).startswith("buyer-1: buyer-1: receiving")
