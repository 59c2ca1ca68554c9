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
from gridnode.node.metering import MeterPoller
from gridnode.node.partner import GateOpened, PauseChanged
from gridnode.node.reconcile import reconcile_buyer
from gridnode.node.runner import SessionRunner
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.views import buyer_view
from gridnode.snapshot import SessionView
from gridnode.trade.events import Event, MeterSample

log = logging.getLogger("gridnode.node")


class BuyerRole:
    name = "buyer"

    def __init__(
        self, ctx: NodeContext, *, partners: list[SellerPartner], poller: MeterPoller
    ) -> None:
        self.ctx = ctx
        self.partners = partners
        self.poller = poller
        poller.sink = self._sample

    def _sample(self, event: MeterSample) -> None:
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
        ctx.tasks.keep_running(
            self.poller.run, name=f"meter {self.poller.name}", sleep=ctx.clock.sleep
        )
        for partner in self.partners:
            partner.start()
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
        return [buyer_view(partner, self.poller, now_ms) for partner in self.partners]

    def warnings(self) -> list[str]:
        found = [f"meter: {self.poller.last_error}"] if self.poller.last_error else []
        now = self.ctx.clock.now_ms()
        for partner in self.partners:
            hold = partner.hold()
            if hold is not None and hold.holds(now):
                found.append(f"refusing the seller's offers: {hold.describe()}")
        return found

    def healthy(self) -> bool:
        """The buyer's meter answered its last poll (systemd's watchdog is told only then)."""
        return self.poller.last_error is None

    def stop_session(self, session_id: str, reason: str) -> bool:
        for partner in self.partners:
            runner = partner.live
            if runner is not None and runner.session_id == session_id:
                partner.request_close(reason)
                return True
        return False

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
        closing: list[tuple[SellerPartner, SessionRunner]] = []
        for partner in self.partners:
            runner = partner.request_close("the buyer is shutting down")
            if runner is not None:
                closing.append((partner, runner))
        await asyncio.gather(*(p.wait_closed(r, timings.close_grace_s) for p, r in closing))
        # the seller answers the close with its End reading, which makes this ledger's
        # receipt complete: wait a moment for it (the partners still route messages)
        await asyncio.gather(*(p.wait_peer_end(r, timings.peer_end_grace_s) for p, r in closing))
        for partner in self.partners:
            partner.stopping = True

    async def finish(self) -> None:
        """Payments still in flight are left to the next start's reconciliation."""

    async def close(self) -> None:
        for partner in self.partners:
            await partner.client.close()
