"""The market's choice: which pinned seller to buy from over the coming period.

Pure (no I/O, the clock passed in), so property tests can drive it and a journalled
choice can be recomputed from its inputs. Before each period the buyer hands every
pinned seller to :func:`choose` as a :class:`Candidate`: its latest offer, its limits
(each seller may sell from its own meter), its premium, whether a deposit with it is
already held, and why it may not be chosen at all (its link is lost, it breached, the
voltage left the range). Each offer is evaluated with the buyer's limits exactly as a
session does (:func:`~gridnode.trade.evaluate.evaluate`); a rejection keeps its reasons.

Each acceptable offer is scored over the period (:mod:`gridnode.market.costs`)::

    score = energy + fee bound + deposit lockup - premium

with ``energy`` the exact integral of the seller's profile against the expected power.
The lowest score wins; equal scores go to the smallest priority (then the name, so the
answer never depends on the order the sellers are listed in). The active seller stays
unless another's score is lower by more than ``switch_threshold`` (no flapping); when the
active seller is not acceptable any more, the best other one takes over at once.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from gridnode.market.costs import (
    deposit_lockup_cost,
    energy_cost_exact,
    expected_energy_mwh,
    fee_bound_exact,
    premium_exact,
)
from gridnode.market.periods import MarketPeriod
from gridnode.money import Msat
from gridnode.trade.evaluate import BreachHold, Rejection, evaluate
from gridnode.trade.profiles import floor_msat, mean_price
from gridnode.trade.terms import BuyerLimits, Offer

__all__ = ["Candidate", "Choice", "ChoiceKind", "Market", "Refusal", "Score", "choose"]


class ChoiceKind(enum.Enum):
    #: No seller was active: buy from the best.
    START = "start"
    #: The active seller stays: it is the best, or no other saves more than the threshold.
    STAY = "stay"
    #: A planned switch: another seller saves more than the threshold over the period.
    SWITCH = "switch"
    #: The active seller may not be chosen any more: the best other one takes over.
    FAILOVER = "failover"
    #: No seller is acceptable: buy from nobody this period.
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One pinned seller as the buyer sees it before a period."""

    seller: str
    #: Breaks a tie of scores: the smallest wins.
    priority: int
    #: The seller's latest offer; None when it has none (its link is down).
    offer: Offer | None
    #: The buyer's limits for this seller (its own expected meter).
    limits: BuyerLimits
    premium_msat_per_kwh: int = 0
    #: A deposit with this seller is already held: staying locks no new one.
    deposit_held: bool = False
    #: The accepted offer a renewal continues (the active session's), if any.
    continues: Offer | None = None
    #: The hold after this seller's breach, if any: its new offers are refused meanwhile.
    hold: BreachHold | None = None
    #: Why this seller may not be chosen whatever it offers ("" when it may): its link is
    #: lost beyond the session expiry, the voltage left the range.
    unavailable: str = ""


@dataclass(frozen=True, slots=True)
class Market:
    """What the choice is made over."""

    period: MarketPeriod
    #: The power the buyer expects to draw over the period (its own recent load, or the
    #: load agent's plan), in mW.
    expected_power_mw: int
    #: Switch only when the saving is larger than this.
    switch_threshold: Msat
    #: The seller the buyer buys from now (None: nobody).
    active: str | None
    now_ms: int


@dataclass(frozen=True, slots=True)
class Score:
    """An acceptable offer's cost over the period, each part exact (msat)."""

    seller: str
    priority: int
    energy_msat: Fraction
    fees_msat: Fraction
    lockup: Msat
    premium_msat: Fraction
    #: The offer's exact mean price over the period (msat/kWh): what the regret figure
    #: compares afterwards, with the metered energy (:mod:`gridnode.market.regret`).
    mean_price: Fraction = Fraction(0)

    @property
    def total_msat(self) -> Fraction:
        return self.energy_msat + self.fees_msat + self.lockup.msat - self.premium_msat

    def rank(self) -> tuple[Fraction, int, str]:
        return (self.total_msat, self.priority, self.seller)

    def record(self) -> dict[str, object]:
        """JSON-ready: whole msat rounded down, the exact total as a fraction."""
        return {
            "seller": self.seller,
            "priority": self.priority,
            "energy_msat": floor_msat(self.energy_msat).msat,
            "fees_msat": floor_msat(self.fees_msat).msat,
            "lockup_msat": self.lockup.msat,
            "premium_msat": floor_msat(self.premium_msat).msat,
            "total_msat": floor_msat(self.total_msat).msat,
            "total_exact_msat": str(self.total_msat),
            "mean_price_exact_msat_per_kwh": str(self.mean_price),
        }


@dataclass(frozen=True, slots=True)
class Refusal:
    """A seller that may not be chosen, with every reason."""

    seller: str
    reasons: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.seller}: {'; '.join(self.reasons)}"


@dataclass(frozen=True, slots=True)
class Choice:
    """The buyer's choice for one period, with the numbers it was made from."""

    period: MarketPeriod
    expected_power_mw: int
    kind: ChoiceKind
    #: The seller to buy from over the period (None: nobody is acceptable).
    seller: str | None
    #: The seller active before the choice.
    previous: str | None
    #: Every acceptable offer's score, best first.
    scores: tuple[Score, ...]
    refused: tuple[Refusal, ...]
    threshold: Msat

    @property
    def switches(self) -> bool:
        """The supply moves to another seller (a planned switch or a failover)."""
        return (
            self.seller is not None and self.previous is not None and (self.seller != self.previous)
        )

    @property
    def next_best(self) -> str | None:
        """The best acceptable seller other than the chosen one."""
        return next((s.seller for s in self.scores if s.seller != self.seller), None)

    def score_of(self, seller: str | None) -> Score | None:
        return next((s for s in self.scores if s.seller == seller), None)

    @property
    def saving_msat(self) -> Fraction:
        """How much the best offer is below the previous seller's (0 when the previous
        seller is not acceptable or there was none)."""
        previous = self.score_of(self.previous)
        if previous is None or not self.scores:
            return Fraction(0)
        return previous.total_msat - self.scores[0].total_msat

    def describe(self) -> str:
        window = f"period {self.period.start_ms}..{self.period.stop_ms}"
        chosen = self.score_of(self.seller)
        match self.kind:
            case ChoiceKind.NONE:
                text = f"{window}: no acceptable offer, buying from nobody"
            case ChoiceKind.STAY:
                text = f"{window}: staying with {self.seller}"
            case ChoiceKind.SWITCH:
                text = (
                    f"{window}: switching from {self.previous} to {self.seller}, saving "
                    f"{floor_msat(self.saving_msat).msat} msat (threshold {self.threshold.msat})"
                )
            case ChoiceKind.FAILOVER:
                text = f"{window}: {self.previous} may not be chosen, failing over to {self.seller}"
            case ChoiceKind.START:
                text = f"{window}: buying from {self.seller}"
        if chosen is not None:
            text += f" (score {floor_msat(chosen.total_msat).msat} msat)"
        return text

    def record(self) -> dict[str, object]:
        """The choice as a JSON-ready journal entry."""
        return {
            "period_start_ms": self.period.start_ms,
            "period_stop_ms": self.period.stop_ms,
            "expected_power_mw": self.expected_power_mw,
            "kind": self.kind.value,
            "seller": self.seller,
            "previous": self.previous,
            "next_best": self.next_best,
            "saving_msat": floor_msat(self.saving_msat).msat,
            "threshold_msat": self.threshold.msat,
            "scores": [s.record() for s in self.scores],
            "refused": [{"seller": r.seller, "reasons": list(r.reasons)} for r in self.refused],
        }


def score(candidate: Candidate, offer: Offer, market: Market) -> Score:
    """``offer``'s cost over the market's period (module docstring)."""
    period, power = market.period, market.expected_power_mw
    fee_ppm = candidate.limits.max_fee_ppm
    energy = energy_cost_exact(offer.profile, power, period.start_ms, period.stop_ms)
    deposit = offer.payments.initial_deposit
    lockup = Msat(0) if candidate.deposit_held else deposit_lockup_cost(deposit, fee_ppm)
    mwh = expected_energy_mwh(power, period.start_ms, period.stop_ms)
    return Score(
        seller=candidate.seller,
        priority=candidate.priority,
        energy_msat=energy,
        fees_msat=fee_bound_exact(energy, fee_ppm),
        lockup=lockup,
        premium_msat=premium_exact(candidate.premium_msat_per_kwh, mwh),
        mean_price=mean_price(offer.profile, period.start_ms, period.stop_ms),
    )


def _judge(candidate: Candidate, market: Market) -> Score | Refusal:
    if candidate.unavailable:
        return Refusal(candidate.seller, (candidate.unavailable,))
    offer = candidate.offer
    if offer is None:
        return Refusal(candidate.seller, ("no offer from this seller",))
    verdict = evaluate(
        offer,
        candidate.limits,
        market.now_ms,
        continues=candidate.continues,
        hold=candidate.hold,
    )
    if isinstance(verdict, Rejection):
        return Refusal(candidate.seller, tuple(r.text for r in verdict.reasons))
    return score(candidate, offer, market)


def choose(market: Market, candidates: Sequence[Candidate]) -> Choice:
    """The seller to buy from over ``market.period`` (module docstring)."""
    names = [c.seller for c in candidates]
    if len(set(names)) != len(names):
        raise ValueError(f"each candidate needs its own name, got {names}")
    scores: list[Score] = []
    refused: list[Refusal] = []
    for candidate in candidates:
        judged = _judge(candidate, market)
        if isinstance(judged, Score):
            scores.append(judged)
        else:
            refused.append(judged)
    scores.sort(key=Score.rank)
    refused.sort(key=lambda r: r.seller)
    active = market.active
    kind, seller = _decide(scores, active, market.switch_threshold)
    return Choice(
        period=market.period,
        expected_power_mw=market.expected_power_mw,
        kind=kind,
        seller=seller,
        previous=active,
        scores=tuple(scores),
        refused=tuple(refused),
        threshold=market.switch_threshold,
    )


def _decide(
    scores: list[Score], active: str | None, threshold: Msat
) -> tuple[ChoiceKind, str | None]:
    if not scores:
        return ChoiceKind.NONE, None
    best = scores[0]
    current = next((s for s in scores if s.seller == active), None)
    if active is None:
        return ChoiceKind.START, best.seller
    if current is None:
        return ChoiceKind.FAILOVER, best.seller
    if current.total_msat - best.total_msat > threshold.msat:
        return ChoiceKind.SWITCH, best.seller
    return ChoiceKind.STAY, active
