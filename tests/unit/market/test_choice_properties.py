"""Properties of the market's choice under any offers, premiums, deposits and states:
the chosen seller is acceptable; a fresh choice is the lowest score (ties by priority);
the active seller is left only for a saving above the threshold, so what the buyer pays
above the cheapest acceptable seller in a period (its regret) is at most the threshold;
and the order the sellers are listed in never changes the answer."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given
from hypothesis import strategies as st

from gridnode.market import Candidate, Choice, ChoiceKind, Market, choose
from gridnode.money import Msat
from tests.support.market import PERIOD, seller

NAMES = ("a", "b", "c", "d")


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(1, len(NAMES)))
    priorities = draw(st.permutations(range(1, count + 1)))
    found = []
    for name, priority in zip(NAMES[:count], priorities, strict=True):
        # the ceiling is 250 sat/kWh: dearer offers are refused
        found.append(
            seller(
                name,
                draw(st.none() | st.integers(0, 300_000)),
                priority,
                deposit=draw(st.sampled_from([0, 1, 50_000, 99_999])),
                premium_msat_per_kwh=draw(st.sampled_from([0, 1, 2_000, 20_000])),
                deposit_held=draw(st.booleans()),
                unavailable=draw(st.sampled_from(["", "", "", "its link is lost"])),
            )
        )
    return found


@st.composite
def markets(draw: st.DrawFn) -> Market:
    return Market(
        PERIOD,
        draw(st.integers(0, 20_000_000)),
        Msat(draw(st.sampled_from([0, 1, 500, 10_000]))),
        draw(st.none() | st.sampled_from(NAMES)),
        PERIOD.start_ms,
    )


def _check(market: Market, choice: Choice) -> None:
    scores = choice.scores
    if not scores:
        assert (choice.kind, choice.seller) == (ChoiceKind.NONE, None)
        return
    chosen = choice.score_of(choice.seller)
    assert chosen is not None, "the chosen seller is one of the acceptable"
    best = scores[0]
    assert all(best.rank() <= s.rank() for s in scores)
    regret = chosen.total_msat - best.total_msat
    assert 0 <= regret <= market.switch_threshold.msat
    active = choice.score_of(market.active)
    if choice.kind in (ChoiceKind.START, ChoiceKind.FAILOVER, ChoiceKind.SWITCH):
        assert chosen is best
    if active is None:
        assert choice.kind in (ChoiceKind.START, ChoiceKind.FAILOVER)
        assert (choice.kind is ChoiceKind.START) == (market.active is None)
    elif choice.seller != market.active:
        assert choice.kind is ChoiceKind.SWITCH
        assert active.total_msat - chosen.total_msat > market.switch_threshold.msat
    else:
        assert choice.kind is ChoiceKind.STAY
        assert active.total_msat - best.total_msat <= market.switch_threshold.msat
    refused = {r.seller for r in choice.refused}
    assert refused.isdisjoint(s.seller for s in scores)


@given(markets(), candidates(), st.randoms(use_true_random=False))
def test_the_choice_is_the_best_within_the_threshold_in_any_order(
    market: Market, sellers: list[Candidate], shuffle: random.Random
) -> None:
    choice = choose(market, sellers)
    _check(market, choice)
    assert len(choice.scores) + len(choice.refused) == len(sellers)
    reordered = list(sellers)
    shuffle.shuffle(reordered)
    assert choose(market, reordered) == choice


@given(markets(), candidates())
def test_a_choice_repeated_with_its_answer_stays(market: Market, sellers: list[Candidate]) -> None:
    """Choosing again for the same period with the chosen seller active (its deposit now
    held) never switches again: no flapping within a period."""
    first = choose(market, sellers)
    if first.seller is None:
        return
    held = [
        dataclasses.replace(c, deposit_held=c.deposit_held or c.seller == first.seller)
        for c in sellers
    ]
    again = Market(
        market.period,
        market.expected_power_mw,
        market.switch_threshold,
        first.seller,
        market.now_ms,
    )
    second = choose(again, held)
    assert (second.kind, second.seller) == (ChoiceKind.STAY, first.seller)
