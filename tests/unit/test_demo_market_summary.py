"""The estate demo's summary: the longest gap without supply at a switch of sellers,
from the multi-feed circuit's timeline (gridnode.demo.market_summary)."""

from __future__ import annotations

from gridnode.demo.market_summary import longest_gap_s


def test_the_gap_is_from_one_feed_opening_to_another_closing() -> None:
    timeline = [
        (0.0, "seller-1", True),
        (10.0, "seller-1", False),
        (11.5, "seller-2", True),
        (20.0, "seller-2", False),
        (20.25, "seller-1", True),
    ]
    assert longest_gap_s(timeline) == 1.5


def test_the_same_feed_closing_again_is_no_switch() -> None:
    assert longest_gap_s([(0.0, "seller-1", False), (30.0, "seller-1", True)]) == 0.0
    assert longest_gap_s([]) == 0.0
