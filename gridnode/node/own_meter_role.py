"""What a battery's and a prosumer's own part of the runtime share (issue 22,
docs/battery.md): both read the buying side's own meter (the inverter, the connection
meter), decide once a market period whether the buying side buys, and remember a pause
by hand so that their own decisions never undo it.

:class:`OwnMeterRole` is the base; :class:`~gridnode.node.battery_role.BatteryRole` and
:class:`~gridnode.node.prosumer_role.ProsumerRole` give it what differs: what a reading
of the meter does (:meth:`OwnMeterRole.own_reading`) and what each period decides
(:meth:`OwnMeterRole.next_period`).
"""

from __future__ import annotations

import logging

from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import NodeContext
from gridnode.node.metering import MeterPoller
from gridnode.snapshot import SessionView
from gridnode.trade.events import Event, MeterSample

log = logging.getLogger("gridnode.node")


class OwnMeterRole:
    """A role with no sessions of its own: it reads the buying side's meter and pauses
    or resumes the buying side, period by period."""

    #: the role's name in the runtime
    name = ""
    #: who pauses or resumes buying, for the log ("the battery")
    who = ""

    def __init__(self, ctx: NodeContext, buyer: BuyerRole, *, period_ms: int) -> None:
        """``period_ms``: the market period (buying is decided once each)."""
        self.ctx = ctx
        self.buyer = buyer
        self.period_ms = period_ms
        #: whether the role lets the buying side buy (its own decision)
        self.buying = True
        #: buying is paused by hand (MQTT's switch): the role never resumes it
        self.held = False
        poller = buyer.poller
        assert poller is not None, f"{self.who} buys on its own meter"
        #: the buying side's own meter, each reading of which the role sees too
        self.poller: MeterPoller = poller
        inner = poller.sink

        def sink(event: MeterSample) -> None:
            inner(event)
            self.own_reading(event)

        poller.sink = sink

    def own_reading(self, event: MeterSample) -> None:
        """A reading of the buying side's own meter (after the buyer role's)."""
        raise NotImplementedError

    def next_period(self) -> None:
        """Decide buying for the coming market period."""
        raise NotImplementedError

    # -- the runtime's hooks (the sessions are the two other roles') ----------------------
    async def prepare(self) -> None:
        pass

    def gate_opened(self) -> None:
        pass

    def broadcast(self, event: Event) -> None:
        pass

    def views(self, now_ms: int) -> list[SessionView]:
        return []

    def healthy(self) -> bool:
        return True

    def stop_session(self, session_id: str, reason: str) -> bool:
        return False

    def set_buying(self, buying: bool) -> bool:
        """The switch by hand (the buyer role pauses or resumes): remembered, so the
        role's own resume never undoes a pause by hand, and a resume by hand does not
        undo the role's own pause."""
        self.held = not buying
        if buying and not self.buying:
            self.buyer.set_buying(False)  # after the buyer's resume: still paused
        return False

    def cut_supply(self) -> None:
        pass

    async def close_sessions(self) -> None:
        pass

    async def finish(self) -> None:
        pass

    async def close(self) -> None:
        pass

    # -- period by period -----------------------------------------------------------------
    async def _periods(self) -> None:
        clock = self.ctx.clock
        while True:
            now = clock.now_ms()
            await clock.sleep((self.period_ms - now % self.period_ms) / 1000)
            self.next_period()

    def _buy(self, buying: bool) -> None:
        if buying == self.buying:
            return
        self.buying = buying
        log.info("%s %s buying", self.who, "resumes" if buying else "pauses")
        if not self.held:  # a pause by hand stays
            self.buyer.set_buying(buying)
        self.ctx.changed()
