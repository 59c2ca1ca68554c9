"""The estate demo's multi-feed circuit (gridnode.demo.feeds): the buyer's meter sees
the sum of its feeds, and the circuit counts and logs every moment two feeds of one
circuit were closed at once."""

from __future__ import annotations

import pytest

from gridnode.demo.feeds import MultiFeedCircuit, build_feed_estate, feed_name
from gridnode.hardware.sim.circuit import Circuit, SimClock
from gridnode.hardware.sim.loads import ConstantLoad


def _circuit() -> tuple[MultiFeedCircuit, SimClock]:
    clock = SimClock(1.0)
    loads = [ConstantLoad(1000.0)]
    feeds = {feed_name(s): Circuit(loads=loads, clock=clock) for s in (1, 2)}
    return MultiFeedCircuit("buyer-1", feeds), clock


def test_break_before_make_leaves_no_overlap_and_sums_the_feeds() -> None:
    circuit, _ = _circuit()
    circuit.feeds["seller-1"].set_relay(True)
    assert circuit.relay_on
    circuit.feeds["seller-1"].set_relay(False)
    circuit.feeds["seller-2"].set_relay(True)
    assert circuit.overlaps == 0
    assert circuit.closed() == ["seller-2"]
    assert [(feed, on) for _, feed, on in circuit.feed_timeline] == [
        ("seller-1", True),
        ("seller-1", False),
        ("seller-2", True),
    ]
    reading = circuit.reading()
    assert reading.relay_on
    assert reading.import_mwh == sum(f.reading().import_mwh for f in circuit.feeds.values())


def test_two_feeds_closed_at_once_are_counted_and_logged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    circuit, _ = _circuit()
    circuit.feeds["seller-1"].set_relay(True)
    circuit.feeds["seller-2"].set_relay(True)
    assert circuit.overlaps == 1
    assert "two feeds closed at once: seller-1, seller-2" in capsys.readouterr().err


def test_the_estate_has_a_bus_per_seller_and_its_state_counts_overlaps() -> None:
    estate = build_feed_estate(2, 3, watchdog_timeout_s=None)
    assert len(estate.seller_buses) == 2
    assert len(estate.circuits) == 3
    state = estate.state()
    assert state["overlaps"] == 0
    circuits = state["circuits"]
    assert isinstance(circuits, list)
    assert circuits[0]["feeds"] == {"seller-1": False, "seller-2": False}
