"""The estate market's driver: a buyer that pins several sellers buys each period from the best.

The choice itself is pure (:mod:`gridnode.market`); this drives it on the node. Every
pinned seller keeps its link and a session whose offer is held unanswered in its
:class:`~gridnode.node.market_seat.MarketSeat` until the market chooses it. The market
chooses when a period of the grid starts (``market_period_s``), and at once whenever
nobody supplies or the active seller fails (its session ended: a breach, the voltage out
of range, its link lost beyond the session expiry, its own close). Mid-period it never
switches for price.

A switch, planned or a failover, is **break before make**:

1. the old session is asked to close normally (End reading, reconciliation, closing
   statement and credit note), and its seller's End awaited a moment;
2. the old seller pays its credit back (:meth:`~gridnode.node.refunds.BuyerRefunds.leave`;
   at a failover the old seller may be gone: its credit is asked back, and waited for,
   while the next one supplies);
3. the old feed is seen open: its session closed (the seller's close or suspend notice)
   and a reading of the buyer's own meter taken after that shows no current (or the
   meter is dark); until then the new supply waits, however long;
4. the new seller is chosen: its session is marked receiving in the ledger (refused
   while any other session of the circuit receives) and only then answers the offer.

Each choice is journalled (``market``) with its numbers in the session that receives
(every live session when nobody is chosen) and shown in the snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from dataclasses import dataclass

from gridnode.clock import wait_for
from gridnode.ledger import JournalEntry
from gridnode.market import (
    Candidate,
    Choice,
    ChoiceKind,
    Market,
    MarketPeriod,
    choose,
    period_at,
)
from gridnode.money import Msat
from gridnode.node.context import NodeContext
from gridnode.node.estate_load import LoadEstimate as LoadEstimate
from gridnode.node.estate_load import needed_power_mw as needed_power_mw
from gridnode.node.metering import MeterPoller
from gridnode.node.routing import unknown_session_frame
from gridnode.node.seller_partner import SellerPartner
from gridnode.snapshot import SessionView, Terms
from gridnode.trade.actions import LedgerKind
from gridnode.trade.events import MeterSample
from gridnode.trade.states import BuyerState
from gridnode.trade.terms import Offer

log = logging.getLogger("gridnode.node")

#: How often the break before make looks at the buyer's meter, and how often it says
#: that the old feed still carries current.
FEED_CHECK_S = 0.5
FEED_WARN_S = 30.0
#: A held offer is refreshed once a quarter of its sale period is left (at least 5 s,
#: at most half of it), so a failover finds a fresh offer of the next best at once.
REFRESH_SHARE = 4
MIN_REFRESH_LEAD_MS = 5_000
_OVER = (BuyerState.CLOSING, BuyerState.CLOSED)
_NEVER_MSAT = 2**62


@dataclass(frozen=True, slots=True)
class MarketSettings:
    """The buyer's market: its period grid and its switch threshold."""

    period_ms: int
    switch_threshold: Msat


class EstateMarket:
    """Chooses among ``partners`` (each with a seat) before each period (module doc)."""

    def __init__(
        self,
        ctx: NodeContext,
        partners: list[SellerPartner],
        poller: MeterPoller,
        settings: MarketSettings,
        load: LoadEstimate,
    ) -> None:
        self.ctx = ctx
        self.partners = partners
        self.poller = poller
        self.settings = settings
        self.load = load
        self.wake = asyncio.Event()
        #: the seller chosen now (its offer answered, or waiting for the circuit)
        self.active: SellerPartner | None = None
        self.choice: Choice | None = None
        self.decided: MarketPeriod | None = None
        self.switches = 0
        #: the node shuts down: no choice any more (every session is closing)
        self.stopped = False
        #: why the active seller's supply is unacceptable (the voltage left the range the
        #: buyer accepts); "" while it is fine
        self.fault = ""
        #: sellers whose supply faulted lately: not chosen again until (ms), and why
        self.faulted: dict[str, tuple[int, str]] = {}
        #: the longest wait at a switch from asking the old session to close until its
        #: feed was seen open (ms)
        self.longest_gap_ms = 0
        #: the offer each seller was scored on in the latest choice (the rate feed
        #: publishes the next best's rate and forecast from it)
        self.offers: dict[str, Offer] = {}
        for partner in partners:
            assert partner.seat is not None, "every partner of a market has a seat"
            partner.market_changed = self.wake.set

    def sample(self, sample: MeterSample) -> None:
        """A reading of the buyer's own meter: the load, and the active supply's voltage
        (out of the range the active seller's limits accept: a failover)."""
        self.load.add(sample)
        active = self.active
        if active is None or self.fault:
            return
        low, high = active.limits.voltage_min_mv, active.limits.voltage_max_mv
        wrong = [v for v in sample.voltages_mv if v > 0 and not low <= v <= high]
        if wrong:
            self.fault = f"the voltage left the range: {wrong[0] / 1000:g} V"
            # not chosen again before a whole period passed (no flapping back to it)
            until = sample.at_ms + self.settings.period_ms
            self.faulted[active.name] = (until, self.fault)
            log.warning("%s: %s", active.name, self.fault)
            self.wake.set()

    # -- the loop -------------------------------------------------------------------------
    async def run(self) -> None:
        clock = self.ctx.clock
        while True:
            await self.step()
            now = clock.now_ms()
            stop_ms = period_at(now, self.settings.period_ms).stop_ms
            wake_ms = min([stop_ms, *(self._refresh_at(p) for p in self.partners)])
            with contextlib.suppress(TimeoutError):
                await wait_for(clock, self.wake.wait(), max(wake_ms - now, 1) / 1000)
            self.wake.clear()

    async def step(self) -> None:
        """Choose if a period started, nobody is chosen, or the active seller fails."""
        if self.stopped:
            return
        if any(p.paused for p in self.partners):  # buying is paused by hand: nobody
            self.active, self.fault = None, ""
            return
        now = self.ctx.clock.now_ms()
        for partner in self.partners:
            self._refresh_held(partner, now)
        period = period_at(now, self.settings.period_ms)
        active = self.active
        if active is not None and not self._failing(active) and period == self.decided:
            await active.release_held()  # a new offer of the chosen seller
            self._rescore(period, now, active)
            return
        candidates = [self._candidate(p) for p in self.partners]
        self.offers = {c.seller: c.offer for c in candidates if c.offer is not None}
        market = Market(
            period,
            self.load.expected_mw(period.start_ms, period.stop_ms, now),
            self.settings.switch_threshold,
            active.name if active is not None else None,
            now,
        )
        choice = choose(market, candidates)
        self.decided = period
        chosen = next((p for p in self.partners if p.name == choice.seller), None)
        fresh = self._remember(choice)
        if fresh:  # in the session leaving (why it closes) and in every live one
            await self._journal(choice, [p for p in self.partners if p is not chosen])
        if chosen is active:
            if chosen is not None:
                await chosen.release_held()
                if fresh:
                    await self._journal(choice, [chosen])
            return
        if active is not None:
            await self._leave(active, choice)
        if chosen is not None:
            self.active, self.fault = chosen, ""
            if active is not None:
                self.switches += 1
            await chosen.choose()
            if fresh:  # in the session that receives, once it started
                await self._journal(choice, [chosen])

    def _rescore(self, period: MarketPeriod, now: int, active: SellerPartner) -> None:
        """A seller's offer is held that the period's choice did not score (its link came
        up, or its refreshed offer came just after the period began): scored now, so the
        next best is known before the next period or a failover needs it. The active
        seller stays: mid-period the market never switches for price."""
        candidates = [self._candidate(p) for p in self.partners]
        offers = {c.seller: c.offer for c in candidates if c.offer is not None}
        if set(offers) <= set(self.offers):
            return
        market = Market(
            period,
            self.load.expected_mw(period.start_ms, period.stop_ms, now),
            Msat(_NEVER_MSAT),  # no saving is worth a switch mid-period
            active.name,
            now,
        )
        choice = choose(market, candidates)
        if choice.kind is ChoiceKind.STAY:
            self.offers = {**self.offers, **offers}
            self._remember(choice)

    def _refresh_at(self, partner: SellerPartner) -> int:
        """When ``partner``'s held offer is to be refreshed (far ahead: nothing held)."""
        seat = partner.seat
        if partner is self.active or seat is None or seat.offer is None or not seat.held:
            return 2**62
        offer = seat.offer
        length = max(offer.stop_ms - offer.start_ms, 0)
        lead = min(max(MIN_REFRESH_LEAD_MS, length // REFRESH_SHARE), length // 2)
        return offer.stop_ms - lead

    def _refresh_held(self, partner: SellerPartner, now_ms: int) -> None:
        """A held offer near the end of its sale period is dropped and its seller asked
        for a fresh one, which comes within a second (the seller's short quiet time after
        such a request), so the next best always has an offer that lasts."""
        if now_ms < self._refresh_at(partner):
            return
        seat = partner.seat
        assert seat is not None
        log.info("asking %s for a fresh offer: the one held ends soon", partner.name)
        held = seat.held_session
        seat.drop()  # the seller, told this node does not know its session, offers anew
        partner.link.send(unknown_session_frame(held, self.ctx.signer))

    def _failing(self, partner: SellerPartner) -> bool:
        """The active seller's session ended or is ending (breach, voltage, link lost
        beyond the expiry, its close), and no new offer of it waits."""
        session = partner.session
        if partner is self.active and self.fault:
            return True
        if partner.seat is not None and partner.seat.held:
            return False
        return partner.live is None or session is None or session.state in _OVER

    def _candidate(self, partner: SellerPartner) -> Candidate:
        seat = partner.seat
        assert seat is not None
        session = partner.session
        offer, hold, continues = seat.offer, partner.hold(), None
        deposit_held, unavailable = False, ""
        if partner is self.active and not seat.held:
            if self.fault:
                unavailable = self.fault
            elif self._failing(partner) or session is None:
                notes = list(partner.runner.notes) if partner.runner is not None else []
                unavailable = "its session ended" + (f" ({notes[-1]})" if notes else "")
            elif session.offer is not None:
                offer, hold, deposit_held = session.offer, None, True
                if session.renewal is not None:
                    offer, continues = session.renewal, session.offer
                elif offer.is_renewal:  # begun: its terms stand, as agreed, alone
                    offer = dataclasses.replace(offer, is_renewal=False)
        elif not seat.held:
            offer = None
        faulted = self.faulted.get(partner.name)
        if faulted is not None and self.ctx.clock.now_ms() < faulted[0] and not unavailable:
            unavailable = faulted[1]
        return Candidate(
            partner.name,
            seat.priority,
            offer,
            partner.limits,
            seat.premium_msat_per_kwh,
            deposit_held=deposit_held,
            continues=continues,
            hold=hold,
            unavailable=unavailable,
        )

    # -- a switch: break before make ----------------------------------------------------------
    async def _leave(self, old: SellerPartner, choice: Choice) -> None:
        timings = self.ctx.timings
        left_ms = self.ctx.clock.now_ms()
        assert old.seat is not None
        old.seat.chosen = False  # its session closes normally: End reading, statement
        runner = old.request_close(f"the estate market leaves {old.name}: {choice.describe()}")
        self.active, self.fault = None, ""
        if runner is not None:
            await old.wait_closed(runner, timings.close_grace_s)
            await old.wait_peer_end(runner, timings.peer_end_grace_s)
        leaving = old.refunds.leave(timings.refund_grace_s)  # its credit back (issue 19)
        if choice.kind is ChoiceKind.FAILOVER:
            # the old seller failed (it may be gone): its credit is asked back, and
            # waited for, while the next one supplies, not before
            self.ctx.tasks.spawn(leaving, name=f"credit back from {old.name}")
        else:
            await leaving
        await self._feed_open(old, runner.closed if runner is not None else None)
        self.longest_gap_ms = max(self.longest_gap_ms, self.ctx.clock.now_ms() - left_ms)

    async def _feed_open(self, old: SellerPartner, closed: asyncio.Event | None) -> None:
        """Wait until the old feed is seen open: its session closed, and a reading of the
        buyer's meter taken after that shows no current (or the meter is dark)."""
        clock = self.ctx.clock
        since: int | None = None
        waited = 0.0
        while True:
            if since is None and (closed is None or closed.is_set()):
                since = clock.now_ms()
            if since is not None:
                latest = self.load.latest
                if self.poller.dark and self.poller.last_error is not None:
                    return
                if latest is not None and latest[0] >= since and latest[1] == 0:
                    return
            if waited >= FEED_WARN_S:
                log.warning(
                    "the feed of %s still carries current (or its session has not closed): "
                    "no other seller's supply before it is open",
                    old.name,
                )
                waited = 0.0
            await clock.sleep(FEED_CHECK_S)
            waited += FEED_CHECK_S

    # -- the journal -------------------------------------------------------------------------
    def _remember(self, choice: Choice) -> bool:
        """Keep ``choice`` for the snapshot; True when it differs from the one before
        (a choice repeated within its period is not journalled again)."""
        before, self.choice = self.choice, choice
        self.ctx.changed()
        key = (choice.kind, choice.seller, choice.period)
        if before is not None and (before.kind, before.seller, before.period) == key:
            return False
        log.info("estate market: %s", choice.describe())
        return True

    async def _journal(self, choice: Choice, partners: list[SellerPartner]) -> None:
        """The choice and its numbers in the journal of each live session of ``partners``."""
        data = json.dumps(choice.record(), sort_keys=True).encode()
        now = self.ctx.clock.now_ms()
        for partner in partners:
            runner = partner.live
            if runner is None:
                continue
            entry = JournalEntry(
                runner.session_id, LedgerKind.MARKET.value, now, choice.describe(), data
            )
            await self.ctx.ledger.sessions.journal(entry)


def market_view(view: SessionView, market: EstateMarket) -> SessionView:
    """``view`` with the seller's place in the market's latest choice."""
    choice = market.choice
    name = view.peer_name
    partner = next((p for p in market.partners if p.name == name), None)
    held = partner is not None and partner.seat is not None and bool(partner.seat.held)
    if choice is None:
        return dataclasses.replace(view, market="offer held" if held else "")
    score = choice.score_of(name)
    refusal = next((r for r in choice.refused if r.seller == name), None)
    if market.active is not None and market.active.name == name:
        label = "active"
    elif choice.next_best == name:
        label = "next best"
    elif refusal is not None:
        label = f"refused: {'; '.join(refusal.reasons)}"
    else:
        label = "offer held" if held else ""
    if label == "" and score is not None:
        label = "scored"
    whole = None if score is None else score.total_msat.numerator // score.total_msat.denominator
    # the offer held now (a refresh replaces the one scored), else the one scored
    seat = partner.seat if partner is not None and partner is not market.active else None
    offer = seat.offer if seat is not None and seat.held and seat.offer else None
    offer = offer or market.offers.get(name)
    terms = None
    if offer is not None:
        terms = Terms(offer.start_ms, offer.stop_ms, offer.electrical.max_power_mw, offer.profile)
    return dataclasses.replace(view, market=label, market_score_msat=whole, market_offer=terms)
