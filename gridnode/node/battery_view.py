"""A battery's book, or a prosumer's surplus, as a plain :class:`~gridnode.snapshot.BatteryView`.

What the dashboard shows of a node that both sells and buys is read from its desk, never
priced again here: the offer is the desk's own answer for the coming market period
(:meth:`~gridnode.node.battery_desk.BatteryDesk.offer`, which pledges nothing), the bid is
the one the battery role set at the period's start, the floor is the pricing rule's
(:func:`~gridnode.battery.pricing.floor_price`).
"""

from __future__ import annotations

from gridnode.battery.offer import StopsOffering
from gridnode.battery.pricing import floor_price
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.snapshot import BatteryView, StoreKind

#: Why a battery whose charge is not known yet neither offers nor bids.
NO_CHARGE_YET = "the charge is not known yet: waiting for the inverter's first reading"


def book_view(
    desk: BatteryDesk, period_ms: int, bid_msat_per_kwh: int | None, *, charge_known: bool
) -> BatteryView:
    """The battery's book: its bounds, charge and pledges, what it would offer for a
    period of ``period_ms`` now, the bid it buys under (``bid_msat_per_kwh``, as its role
    set it for this period) and its floor."""
    book, spec = desk.book, desk.book.spec
    rate: int | None = None
    energy, not_offering, not_buying = 0, NO_CHARGE_YET, NO_CHARGE_YET
    if charge_known:
        offer = desk.offer(period_ms)
        if isinstance(offer, StopsOffering):
            not_offering = offer.message
        else:
            rate, energy, not_offering = offer.price_msat_per_kwh, offer.energy_mwh, ""
        stop = desk.not_buying
        if stop is not None:
            not_buying = stop.message
        elif bid_msat_per_kwh is None:
            not_buying = "no bid for this period"
        else:
            not_buying = ""
    return BatteryView(
        kind=StoreKind.BATTERY,
        offer_msat_per_kwh=rate,
        offer_energy_mwh=energy,
        not_offering=not_offering,
        charge_known=charge_known,
        capacity_mwh=spec.capacity_mwh,
        stored_mwh=book.soc_mwh,
        reserve_mwh=spec.reserve_mwh,
        max_mwh=spec.max_mwh,
        pledged_sales_mwh=book.pledged_out_mwh,
        pledged_purchases_mwh=book.pledged_in_mwh,
        bid_msat_per_kwh=bid_msat_per_kwh if charge_known else None,
        not_buying=not_buying,
        floor_msat_per_kwh=floor_price(book, desk.rule, period_ms),
    )


def surplus_view(desk: ProsumerDesk, period_ms: int) -> BatteryView:
    """A prosumer's surplus: its power over the window, and what the household would
    offer for a period of ``period_ms`` now (less what running sessions hold)."""
    offer = desk.offer(period_ms)
    surplus = desk.surplus
    if isinstance(offer, StopsOffering):
        return BatteryView(
            kind=StoreKind.PROSUMER,
            not_offering=offer.message,
            surplus_power_mw=surplus.power_mw if surplus is not None else None,
        )
    return BatteryView(
        kind=StoreKind.PROSUMER,
        offer_msat_per_kwh=offer.price_msat_per_kwh,
        offer_energy_mwh=offer.energy_mwh,
        surplus_power_mw=surplus.power_mw if surplus is not None else None,
    )
