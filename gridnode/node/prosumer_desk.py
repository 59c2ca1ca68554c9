"""A prosumer's selling side: the offer of each coming period follows the household's PV
surplus (issue 22, docs/battery.md).

The desk is to a prosumer what :class:`~gridnode.node.battery_desk.BatteryDesk` is to a
battery, with the same calls, so one seller role (:class:`~gridnode.node.battery_role.
BatterySellerRole`) runs on either. Instead of a book it keeps the readings of the two
meters (:class:`~gridnode.battery.prosumer.PvReading`) over a window: the surplus is the
net export between the window's oldest reading and the newest
(:func:`~gridnode.battery.prosumer.surplus_between`), and the offer projects it over the
coming period (:func:`~gridnode.battery.prosumer.prosumer_offer`), less what running
sessions already hold for that period.

Nothing is offered before the meters were read over a whole window. Meters that
disagree (an export larger than the production, a register that went back) are a
fault: the desk offers nothing while it lasts, says why, and starts its window again
from the reading that disagreed (the fault clears after a whole window that agrees).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from dataclasses import dataclass

from gridnode.battery.errors import MeterDisagreementError
from gridnode.battery.offer import PeriodOffer, StopReason, StopsOffering, terms_for_period
from gridnode.battery.prosumer import (
    ProsumerRule,
    PvReading,
    Surplus,
    prosumer_offer,
    surplus_between,
)
from gridnode.node.battery_desk import Settled, session_power_mw
from gridnode.trade.terms import OfferTemplate
from gridnode.trade.units import MS_PER_HOUR

log = logging.getLogger("gridnode.node")

#: How far back the surplus is measured: long enough for the registers' steps (10 Wh)
#: to blur little, short enough to follow a cloud.
SURPLUS_WINDOW_MS = 5 * 60_000


@dataclass(frozen=True, slots=True)
class SalePledge:
    """Energy one session's period holds of the surplus, in metered mWh."""

    energy_mwh: int
    settled_mwh: int
    #: The period's end (ms): after it the pledge lapses.
    until_ms: int

    @property
    def left_mwh(self) -> int:
        return self.energy_mwh - self.settled_mwh


class ProsumerDesk:
    """The household's surplus, and which session holds what of it."""

    #: Who offers, for the log and the dashboard.
    name = "the household"
    #: Why a session whose pledge is used up is cut.
    used_up_reason = "the PV surplus pledged for the period is sold"

    def __init__(
        self, rule: ProsumerRule, window_ms: int = SURPLUS_WINDOW_MS, zone_name: str = "UTC"
    ) -> None:
        self.rule = rule
        self.window_ms = window_ms
        self.zone_name = zone_name
        self.readings: deque[PvReading] = deque()
        #: the surplus over the window, or None before two readings (or after a fault)
        self.surplus: Surplus | None = None
        #: why the meters cannot both be right, while they disagree
        self.fault: str | None = None
        self.pledges: dict[str, SalePledge] = {}
        #: each owner's open pledge ids, oldest first
        self.owners: dict[str, list[str]] = {}
        #: why the household offers nothing now, or None
        self.not_offering: StopsOffering | None = None

    # -- the meters -----------------------------------------------------------------------
    def reading(self, reading: PvReading) -> None:
        """A reading of both meters: the surplus over the window, or a fault."""
        readings = self.readings
        if readings and reading.at_ms <= readings[-1].at_ms:
            return  # the same round read twice
        readings.append(reading)
        while len(readings) > 2 and readings[1].at_ms <= reading.at_ms - self.window_ms:
            readings.popleft()
        if reading.at_ms - readings[0].at_ms < self.window_ms:
            return  # a surplus is measured over a whole window (after a fault too)
        try:
            self.surplus = surplus_between(readings[0], reading, self.rule.tolerance_mwh)
        except MeterDisagreementError as exc:
            if self.fault != str(exc):
                log.warning("the PV meters disagree, nothing is offered: %s", exc)
            self.fault, self.surplus = str(exc), None
            readings.clear()
            readings.append(reading)  # measured again from here
            return
        if self.fault is not None:
            log.info("the PV meters agree again")
        self.fault = None

    def unreadable(self, reason: str) -> None:
        """A meter did not answer: the surplus cannot be told, so nothing is offered
        until a whole window was read again."""
        if self.fault != reason:
            log.warning("a PV meter is not read, nothing is offered: %s", reason)
        self.fault, self.surplus = reason, None
        self.readings.clear()

    # -- the selling side -----------------------------------------------------------------
    def offer(self, period_ms: int, start_ms: int | None = None) -> PeriodOffer | StopsOffering:
        """What the household could offer for a period of ``period_ms`` from ``start_ms``
        (pledges nothing): the surplus less what sessions hold of that period."""
        if self.fault is not None:
            return StopsOffering(StopReason.METER_FAULT, f"meter fault: {self.fault}")
        if self.surplus is None:
            return StopsOffering(
                StopReason.NO_SURPLUS,
                f"no surplus measured yet: the PV meters are read over {self.window_ms} ms first",
            )
        return prosumer_offer(
            self.surplus, self.rule, period_ms, self.held_mwh(start_ms), self.zone_name
        )

    def has_surplus(self, period_ms: int) -> bool:
        """Whether the household has a surplus worth an offer over ``period_ms``, sold
        or not (with the meters agreeing)."""
        if self.fault is not None or self.surplus is None:
            return False
        offer = prosumer_offer(self.surplus, self.rule, period_ms, 0, self.zone_name)
        return isinstance(offer, PeriodOffer)

    def held_mwh(self, start_ms: int | None = None) -> int:
        """The energy open pledges still hold of a period starting at ``start_ms`` (a
        pledge ending by then holds none of it; None: every open pledge)."""
        return sum(
            p.left_mwh for p in self.pledges.values() if start_ms is None or p.until_ms > start_ms
        )

    def sale_terms(
        self, owner: str, pledge_id: str, template: OfferTemplate, until_ms: int | None = None
    ) -> OfferTemplate | None:
        """The terms of ``owner``'s next period (ending ``until_ms``) priced as the [pv]
        table says, the surplus it may sell pledged as ``pledge_id``; None when there is
        no surplus (a running session is not renewed: it is told at its renewal)."""
        period_ms = template.period_ms
        start_ms = None if until_ms is None else until_ms - period_ms
        offer = self.offer(period_ms, start_ms)
        if isinstance(offer, StopsOffering):
            self._stopped(offer)
            return None
        power = min(offer.power_mw, session_power_mw(template))
        energy = min(offer.energy_mwh, power * period_ms // MS_PER_HOUR)
        if energy < self.rule.min_offer_mwh:
            self._stopped(
                StopsOffering(
                    StopReason.NO_SURPLUS,
                    f"the surplus's power ({power} mW) gives {energy} mWh over the period, "
                    f"less than the {self.rule.min_offer_mwh} mWh an offer needs",
                )
            )
            return None
        self.not_offering = None
        end = until_ms if until_ms is not None else 2**63
        self.pledges[pledge_id] = SalePledge(energy, 0, end)
        self.owners.setdefault(owner, []).append(pledge_id)
        return terms_for_period(template, offer)

    def _stopped(self, stop: StopsOffering) -> None:
        if self.not_offering != stop:
            log.info("the household stops offering: %s", stop.message)
        self.not_offering = stop

    def delivered(self, owner: str, energy_mwh: int) -> Settled:
        """``owner``'s buyer took ``energy_mwh`` more: settled against its oldest open
        pledges; what none takes is not sold (the caller cuts)."""
        left, taken = energy_mwh, 0
        ids = self.owners.get(owner, [])
        for pledge_id in ids:
            pledge = self.pledges[pledge_id]
            take = min(pledge.left_mwh, left)
            if take <= 0:
                continue
            self.pledges[pledge_id] = dataclasses.replace(
                pledge, settled_mwh=pledge.settled_mwh + take
            )
            left, taken = left - take, taken + take
        return Settled(taken, used_up=all(self.pledges[i].left_mwh <= 0 for i in ids))

    def expire(self, owner: str, now_ms: int) -> None:
        """``owner``'s pledges whose period ended by ``now_ms`` lapse."""
        ids = self.owners.get(owner, [])
        for pledge_id in [i for i in ids if self.pledges[i].until_ms <= now_ms]:
            ids.remove(pledge_id)
            del self.pledges[pledge_id]

    def release(self, owner: str) -> None:
        """``owner``'s session ended: every pledge it still holds lapses."""
        for pledge_id in self.owners.pop(owner, []):
            self.pledges.pop(pledge_id, None)
