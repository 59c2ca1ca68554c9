"""The market's choice (gridnode/market/choice.py): each acceptable offer scored over the
period with the exact cost integral of its profile, plus fee bound and deposit lockup,
less the premium; the lowest wins, ties by priority, switching only for a saving above
the threshold; refused offers keep every reason."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from gridnode.market import ChoiceKind, choose, deposit_lockup_cost
from gridnode.market.costs import energy_cost_exact
from gridnode.money import Msat
from gridnode.trade.profiles import DailyKnot, DailyTableProfile, cost_exact
from gridnode.trade.units import MsatPerKwh
from tests.support.market import PERIOD, POWER_MW, market, seller


def test_each_offer_is_scored_exactly_over_the_period() -> None:
    choice = choose(market(), [seller("a", 200_000), seller("b", 180_000, 2)])
    b, a = choice.scores
    # 500 Wh at 180 and 200 sat/kWh; fees at most 1 %; a new deposit of 50 sat at 1 %
    assert (b.seller, a.seller) == ("b", "a")
    assert (b.energy_msat, b.fees_msat, b.lockup) == (Fraction(90_000), Fraction(900), Msat(500))
    assert (a.energy_msat, a.fees_msat, a.lockup) == (Fraction(100_000), Fraction(1_000), Msat(500))
    assert (choice.kind, choice.seller, choice.next_best) == (ChoiceKind.START, "b", "a")
    assert b.total_msat == 91_400


def test_the_energy_integral_is_the_billing_rule_at_constant_power() -> None:
    """Over a day table's ramp the score's energy is what billing charges for the same
    energy over the same interval, to the fraction of a msat."""
    ramp = DailyTableProfile(
        (DailyKnot(0, MsatPerKwh(100_000)), DailyKnot(720, MsatPerKwh(300_007))), "Europe/Berlin"
    )
    start, stop = PERIOD.start_ms, PERIOD.stop_ms
    exact = energy_cost_exact(ramp, POWER_MW, start, stop)
    assert exact == cost_exact(ramp, 500_000, start, stop)
    assert isinstance(exact, Fraction)


def test_the_active_seller_stays_unless_the_saving_exceeds_the_threshold() -> None:
    held = seller("a", 200_000, deposit_held=True)  # 101 000: no new deposit to lock
    cheaper = seller("b", 180_000, 2)  # 91 400 with its deposit's lockup
    stay = choose(market("a", threshold=9_600), [held, cheaper])
    assert (stay.kind, stay.seller, stay.next_best) == (ChoiceKind.STAY, "a", "b")
    assert stay.saving_msat == 9_600
    switch = choose(market("a", threshold=9_599), [held, cheaper])
    assert (switch.kind, switch.seller, switch.previous) == (ChoiceKind.SWITCH, "b", "a")
    assert switch.switches
    assert "switching from a to b, saving 9600 msat (threshold 9599)" in switch.describe()


def test_a_premium_is_worth_paying_for() -> None:
    # 2000 msat/kWh over 500 Wh is 1000 msat off the roof's score
    roof = seller("roof", 182_000, 2, premium_msat_per_kwh=4_000)
    grid = seller("grid", 180_000, 1)
    choice = choose(market(), [grid, roof])
    assert choice.seller == "roof"
    assert choice.scores[0].premium_msat == 2_000


def test_equal_scores_go_to_the_smallest_priority_whatever_the_order() -> None:
    order = [seller("x", 200_000, 2), seller("y", 200_000, 1)]
    assert choose(market(), order).seller == "y"
    assert choose(market(), order[::-1]).seller == "y"


def test_a_tie_never_makes_the_active_seller_switch() -> None:
    choice = choose(market("x"), [seller("x", 200_000, 2), seller("y", 200_000, 1)])
    assert (choice.kind, choice.seller) == (ChoiceKind.STAY, "x")


def test_refused_offers_keep_every_reason_and_the_active_one_fails_over() -> None:
    too_dear = seller("a", 260_000, deposit_held=True)  # above the 250 sat/kWh ceiling
    gone = seller("c", 100_000, 3, unavailable="its link is lost beyond the session expiry")
    silent = seller("d", None, 4)
    choice = choose(market("a"), [too_dear, seller("b", 240_000, 2), gone, silent])
    assert (choice.kind, choice.seller, choice.previous) == (ChoiceKind.FAILOVER, "b", "a")
    refused = {r.seller: r.reasons for r in choice.refused}
    assert "ceiling" in refused["a"][0]
    assert refused["c"] == ("its link is lost beyond the session expiry",)
    assert refused["d"] == ("no offer from this seller",)


def test_no_acceptable_offer_buys_from_nobody() -> None:
    choice = choose(market("a"), [seller("a", 300_000), seller("b", None, 2)])
    assert (choice.kind, choice.seller, choice.next_best) == (ChoiceKind.NONE, None, None)
    assert "no acceptable offer" in choice.describe()


def test_the_choice_is_journalled_as_json_with_its_numbers() -> None:
    choice = choose(market("a", threshold=100), [seller("a", 200_000), seller("b", 1, 2)])
    record = json.loads(json.dumps(choice.record()))
    assert record["kind"] == "switch"
    assert record["period_start_ms"] == PERIOD.start_ms
    assert record["scores"][0]["seller"] == "b"
    # the lockup, 0.5 msat of energy and 0.005 msat of fee bound: whole msat rounded down
    assert record["scores"][0]["total_msat"] == 500
    assert record["scores"][0]["total_exact_msat"] == "100101/200"


def test_the_lockup_cost_is_the_fee_bound_on_the_deposit_rounded_up() -> None:
    assert deposit_lockup_cost(Msat(50_000), 10_000) == Msat(500)
    assert deposit_lockup_cost(Msat(1), 10_000) == Msat(1)
    assert deposit_lockup_cost(Msat(500_000), 0) == Msat(0)


def test_candidates_need_their_own_names() -> None:
    with pytest.raises(ValueError, match="its own name"):
        choose(market(), [seller("a", 1), seller("a", 2, 2)])
