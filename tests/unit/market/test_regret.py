"""The regret figure: what the buyer paid above the cheapest acceptable seller in each
period, from the journalled choices and the metered energy, exact until the end."""

from __future__ import annotations

import json
from typing import Any

from gridnode.market import choose, period_regret, regret
from gridnode.money import Msat
from tests.support.market import market, seller


def _journalled(
    active: str | None, threshold: int, *sellers: tuple[str, int, int]
) -> dict[str, Any]:
    candidates = [seller(name, price, priority) for name, price, priority in sellers]
    choice = choose(market(active, threshold), candidates)
    return dict(json.loads(json.dumps(choice.record())))


def test_buying_from_the_cheapest_has_no_regret() -> None:
    record = _journalled(None, 0, ("a", 200_000, 1), ("b", 180_000, 2))
    assert record["seller"] == "b"
    assert period_regret(record, 500_000) == 0


def test_staying_within_the_threshold_costs_the_price_difference() -> None:
    # the active seller stays (its saving is under the threshold): 500 Wh at 20 sat/kWh
    # more than the cheapest is 10 sat of regret
    record = _journalled("a", 50_000, ("a", 200_000, 1), ("b", 180_000, 2))
    assert record["seller"] == "a"
    assert period_regret(record, 500_000) == 10_000
    assert regret([(record, 500_000), (record, 1_000)], Msat(7)) == Msat(10_000 + 20 + 7)
    assert regret([(record, 1)]) == Msat(0)  # 0.02 msat: rounded down once, at the end


def test_a_period_without_a_seller_or_energy_has_none() -> None:
    nobody = _journalled(None, 0, ("a", 300_000, 1))
    assert nobody["seller"] is None
    assert period_regret(nobody, 500_000) == 0
    record = _journalled("a", 50_000, ("a", 200_000, 1), ("b", 180_000, 2))
    assert period_regret(record, 0) == 0
