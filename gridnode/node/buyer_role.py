"""The buyer role: pinned links to its sellers, its own meter polled into the live session.

The buyer's meter is its own, whatever seller it buys from: each sample goes to every live
session, which compares it with the seller's signed readings and stops paying on a
breach. The role's part of the runtime's start-up is following the payments a restart
left in flight; its part of the shutdown is closing each session (the seller releases the
deposit) and waiting a moment for the seller's End reading.
"""

from __future__ import annotations

import asyncio
import logging

from gridnode.node.context import NodeContext
from gridnode.node.estate import EstateMarket, market_view
from gridnode.node.metering import MeterPoller
from gridnode.node.partner import GateOpened, PauseChanged
from gridnode.node.reconcile import reconcile_buyer
from gridnode.node.runner import SessionRunner
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.views import buyer_view
from gridnode.snapshot import SessionView
from gridnode.trade.events import Event, MeterSample

log = logging.getLogger("gridnode.node")

#: How long the buyer's meter may be silent while the seller supplies before the node
#: counts as unhealthy: the seller's cut, the Suspend it sends and a few polls.
METER_SILENCE_S = 30.0


class BuyerRole:
    name = "buyer"

    def __init__(
        self,
        ctx: NodeContext,
        *,
        partners: list[SellerPartner],
        poller: MeterPoller | None,
        market: EstateMarket | None = None,
    ) -> None:
        """``poller``: the buyer's own meter; None for a buyer without one, which pays on
        the seller's signed readings alone (``metering = "seller"``, docs/trade.md)."""
        self.ctx = ctx
        self.partners = partners
        self.poller = poller
        #: the estate market, when the buyer pins several sellers (docs/market.md)
        self.market = market
        if poller is not None:
            poller.sink = self._sample
        for partner in partners:
            partner.refuse = lambda partner=partner: self._refusal(partner)

    def _sample(self, event: MeterSample) -> None:
        if self.market is not None:
            self.market.sample(event)
        for partner in self.partners:
            if (runner := partner.live) is not None:
                runner.post(event)

    # -- the runtime's hooks ----------------------------------------------------------------
    async def prepare(self) -> None:
        """Nothing to wait for: payments a restart left in flight are followed while the
        node runs (:meth:`start`); they are never paid again."""

    async def start(self) -> None:
        ctx = self.ctx
        ctx.tasks.spawn(reconcile_buyer(ctx.ledger, ctx.wallet, ctx.clock), name="reconcile")
        if self.poller is not None:
            ctx.tasks.keep_running(
                self.poller.run, name=f"meter {self.poller.name}", sleep=ctx.clock.sleep
            )
        for partner in self.partners:
            partner.start()
        if self.market is not None:
            ctx.tasks.keep_running(self.market.run, name="estate market", sleep=ctx.clock.sleep)
        addresses = ", ".join(f"{p.client.host}:{p.client.port}" for p in self.partners)
        log.info("buyer ready; connecting to the seller at %s", addresses)

    def gate_opened(self) -> None:
        for partner in self.partners:
            partner.post(GateOpened())

    def broadcast(self, event: Event) -> None:
        for partner in self.partners:
            if (runner := partner.live) is not None:
                runner.post(event)

    def views(self, now_ms: int) -> list[SessionView]:
        views = [buyer_view(partner, self.poller, now_ms) for partner in self.partners]
        if self.market is None:
            return views
        return [market_view(view, self.market) for view in views]

    def warnings(self) -> list[str]:
        found = []
        if self.poller is not None and self.poller.last_error:
            dark = "" if any(p.receiving for p in self.partners) else " (no supply yet?)"
            found.append(f"meter: {self.poller.last_error}{dark}")
        now = self.ctx.clock.now_ms()
        for partner in self.partners:
            hold = partner.hold()
            if hold is not None and hold.holds(now):
                found.append(f"refusing the seller's offers: {hold.describe()}")
            found.extend(f"{partner.name}: {text}" for text in partner.refunds.warnings())
            if partner.refused:
                found.append(f"no session with {partner.name}: {partner.refused}")
        return found

    def _refusal(self, partner: SellerPartner) -> str | None:
        """Why no session with ``partner`` may start: the channel cannot carry the
        longest period and the largest deposit this buyer accepts, at the day's spending."""
        watch = self.ctx.liquidity
        if watch is None:
            return None
        limits = partner.limits
        return watch.refusal(
            partner.peer.fingerprint, limits.max_period_ms, limits.max_deposit, limits.max_payment
        )

    def healthy(self) -> bool:
        """False (systemd's watchdog is told nothing and restarts the node) when the
        buyer's meter fails otherwise than by silence (the port is gone, answers are
        broken or implausible), or stays silent for ``METER_SILENCE_S`` while the seller
        supplies (a session receiving). A meter powered from the circuit it measures (an
        SDM on the load side of the seller's contactor) is silent whenever the supply is
        off: before the seller first switches on (the node boots on an unpowered circuit
        and trades to get it switched on) and after every cut. That is no fault."""
        poller = self.poller
        if poller is None or poller.last_error is None:
            return True
        if not poller.dark:
            return False
        since = poller.silent_since
        if since is None or not any(p.receiving for p in self.partners):
            return True
        return self.ctx.clock.monotonic() - since < METER_SILENCE_S

    def stop_session(self, session_id: str, reason: str) -> bool:
        for partner in self.partners:
            runner = partner.live
            if runner is not None and runner.session_id == session_id:
                partner.request_close(reason)
                return True
        return False

    async def credit(self, waive: bool, seller: str) -> tuple[bool, str]:
        """The status socket's Credit: ask every seller (or the one named) for this
        buyer's unused credit back, or waive it; (done, what was done or why not)."""
        chosen = [p for p in self.partners if not seller or p.name == seller]
        if not chosen:
            names = ", ".join(p.name for p in self.partners)
            return False, f"this buyer has no seller named {seller!r}; its sellers: {names}"
        said = []
        for partner in chosen:
            desk = partner.refunds
            text = await (desk.waive() if waive else desk.ask())
            said.append(f"{partner.name}: {text}")
        self.ctx.changed()
        return True, "; ".join(said)

    def set_buying(self, buying: bool) -> bool:
        """Pause (close every session cleanly, then take the links down so no seller
        offers) or resume buying (docs/home-assistant.md)."""
        for partner in self.partners:
            partner.post(PauseChanged(paused=not buying))
        return True

    def cut_supply(self) -> None:
        """A buyer switches no supply."""

    async def close_sessions(self) -> None:
        timings = self.ctx.timings
        if self.market is not None:
            self.market.stopped = True  # no seller is chosen while the node shuts down
        closing: list[tuple[SellerPartner, SessionRunner]] = []
        for partner in self.partners:
            runner = partner.request_close("the buyer is shutting down")
            if runner is not None:
                closing.append((partner, runner))
        await asyncio.gather(*(p.wait_closed(r, timings.close_grace_s) for p, r in closing))
        # the seller answers the close with its End reading, which makes this ledger's
        # receipt complete: wait a moment for it (the partners still route messages)
        await asyncio.gather(*(p.wait_peer_end(r, timings.peer_end_grace_s) for p, r in closing))
        # the buyer leaves: every seller pays its credit notes back (issue 19)
        await asyncio.gather(*(p.refunds.leave(timings.refund_grace_s) for p in self.partners))
        for partner in self.partners:
            partner.stopping = True

    async def finish(self) -> None:
        """Payments still in flight are left to the next start's reconciliation."""

    async def close(self) -> None:
        for partner in self.partners:
            await partner.client.close()
