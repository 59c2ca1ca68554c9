"""A prosumer's own part of the runtime: the household's two meters and its buying side
(issue 22, docs/battery.md).

The production meter (the PV's: its export register counts what the PV makes, or its
import register where the meter is wired the other way round, as the ``[pv]`` table's
``production_register`` says) is read by a poller of its own; the connection meter is
the buying side's own meter, whose export and import registers count what leaves and
enters the house. Each reading of the connection meter, with the production meter's
last, goes to the :class:`~gridnode.node.prosumer_desk.ProsumerDesk`, which the seller
role prices and pledges each period on.

The household buys from its [[sellers]] when it has no surplus (at night): before each
market period, buying pauses while the desk has a surplus to offer and resumes when it
has none. A pause by hand (MQTT's buying switch) is the person's: the role never resumes
buying over it, and once it is lifted the role's own pause still holds.
"""

from __future__ import annotations

from gridnode.battery.prosumer import ProductionRegister, PvReading
from gridnode.node.battery_view import surplus_view
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.context import NodeContext
from gridnode.node.metering import MeterPoller
from gridnode.node.own_meter_role import OwnMeterRole
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.snapshot import BatteryView
from gridnode.trade.events import MeterSample


class ProsumerRole(OwnMeterRole):
    """The household's meters feed the desk; its surplus pauses the buying side."""

    name = "prosumer"
    who = "the household"

    def __init__(
        self,
        ctx: NodeContext,
        desk: ProsumerDesk,
        buyer: BuyerRole,
        production: MeterPoller,
        *,
        period_ms: int,
        production_register: ProductionRegister = ProductionRegister.EXPORT,
    ) -> None:
        """``production``: the PV meter's poller (its sink is not used: the role reads
        its last sample); ``period_ms``: the market period (buying is decided once
        each); ``production_register``: the PV meter's register that counts what the
        PV made (the ``[pv]`` table's)."""
        self.desk = desk
        self.production = production
        self.production_register = production_register
        super().__init__(ctx, buyer, period_ms=period_ms)
        #: the connection meter (the buying side's own)
        self.connection = self.poller

    # -- the runtime's hooks (the rest are the base's) ------------------------------------
    async def start(self) -> None:
        tasks, sleep = self.ctx.tasks, self.ctx.clock.sleep
        tasks.keep_running(self.production.run, name=f"meter {self.production.name}", sleep=sleep)
        tasks.keep_running(self._periods, name="prosumer buying", sleep=sleep)

    def battery_view(self, now_ms: int) -> BatteryView:
        """The surplus for the dashboard (the runtime's snapshot asks)."""
        return surplus_view(self.desk, self.period_ms)

    def warnings(self) -> list[str]:
        found = []
        if self.desk.fault is not None:
            found.append(f"a PV meter fault (nothing is offered): {self.desk.fault}")
        return found

    # -- the meters and the buying side ---------------------------------------------------
    def own_reading(self, event: MeterSample) -> None:
        """A reading of the connection meter, with the production meter's last: the
        desk's surplus. The first surplus measured decides buying at once."""
        grid, pv = self.connection.last, self.production.last
        if self.production.last_error is not None:  # its last sample is stale
            self.desk.unreadable(f"meter {self.production.name}: {self.production.last_error}")
            return
        if grid is None or pv is None:
            return
        had = self.desk.surplus is not None or self.desk.fault is not None
        made = (
            pv.export_energy_mwh
            if self.production_register is ProductionRegister.EXPORT
            else pv.import_energy_mwh
        )
        self.desk.reading(
            PvReading(event.at_ms, made, grid.export_energy_mwh, grid.import_energy_mwh)
        )
        if not had and self.desk.surplus is not None:
            self.next_period()

    def next_period(self) -> None:
        """Buy in the coming market period only when there is no surplus to offer
        (a meter fault pauses nothing: the house may need energy). A connection meter
        that stopped answering sends no reading: its silence is a fault from here."""
        if self.connection.last_error is not None:
            self.desk.unreadable(f"meter {self.connection.name}: {self.connection.last_error}")
        self._buy(not self.desk.has_surplus(self.period_ms))
