"""The gauges of a battery's book, or a prosumer's surplus (issue 22), from the snapshot's
:class:`~gridnode.snapshot.BatteryView`.

Energy is in joules like every energy gridnode exports (1 mWh = 3.6 J), prices keep the
node's msat per kWh. A figure that is not known is left out rather than shown as 0: the
charge and the pledges before the inverter's first reading, an offer or a bid the node
does not make (``gridnode_battery_offering`` and ``gridnode_battery_bidding`` say so,
for alerts), a surplus not measured yet.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from gridnode.snapshot import BatteryView, StoreKind

#: Joules in one mWh.
JOULES_PER_MWH = 3.6


def _one(name: str, text: str, value: float) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, text)
    gauge.add_metric([], value)
    return gauge


def _offer(book: BatteryView, prefix: str) -> Iterator[Metric]:
    offering = book.offer_msat_per_kwh is not None
    yield _one(
        f"{prefix}_offering", "Whether it offers energy for the coming period.", float(offering)
    )
    if book.offer_msat_per_kwh is not None:
        yield _one(
            f"{prefix}_offer_msat_per_kwh",
            "What it offers a kWh at for the coming period.",
            book.offer_msat_per_kwh,
        )
        yield _one(
            f"{prefix}_offer_energy_joules",
            "The metered energy it offers for the coming period.",
            book.offer_energy_mwh * JOULES_PER_MWH,
        )


def book_gauges(book: BatteryView) -> Iterator[Metric]:
    """A battery's ``gridnode_battery_*`` or a prosumer's ``gridnode_prosumer_*``."""
    if book.kind is StoreKind.PROSUMER:
        if book.surplus_power_mw is not None:
            yield _one(
                "gridnode_prosumer_surplus_watts",
                "The PV surplus's power over the window.",
                book.surplus_power_mw / 1000,
            )
        yield from _offer(book, "gridnode_prosumer")
        return
    prefix = "gridnode_battery"
    yield _one(
        f"{prefix}_capacity_joules", "The battery's capacity.", book.capacity_mwh * JOULES_PER_MWH
    )
    yield _one(
        f"{prefix}_reserve_joules",
        "The reserve floor it never sells below.",
        book.reserve_mwh * JOULES_PER_MWH,
    )
    yield _one(
        f"{prefix}_maximum_joules",
        "The maximum charge it never buys above.",
        book.max_mwh * JOULES_PER_MWH,
    )
    yield _one(
        f"{prefix}_charge_known",
        "Whether the inverter told the charge yet.",
        float(book.charge_known),
    )
    if book.charge_known:
        stored = (
            ("stored", "The energy stored in the cells.", book.stored_mwh),
            (
                "pledged_sell",
                "Stored energy still to leave for running sales.",
                book.pledged_sales_mwh,
            ),
            (
                "pledged_buy",
                "Stored energy still to enter for running purchases and the bid.",
                book.pledged_purchases_mwh,
            ),
        )
        for name, text, mwh in stored:
            yield _one(f"{prefix}_{name}_joules", text, mwh * JOULES_PER_MWH)
        yield _one(
            f"{prefix}_floor_msat_per_kwh",
            "The least it sells a kWh at: the stored cost after losses, plus the margin.",
            book.floor_msat_per_kwh,
        )
    yield from _offer(book, prefix)
    yield _one(
        f"{prefix}_bidding",
        "Whether it bids to buy this period.",
        float(book.bid_msat_per_kwh is not None),
    )
    if book.bid_msat_per_kwh is not None:
        yield _one(
            f"{prefix}_bid_cap_msat_per_kwh",
            "The cap it buys a kWh under this period.",
            book.bid_msat_per_kwh,
        )
