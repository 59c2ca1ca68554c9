"""What a node that both sells and buys shows Home Assistant of its store: a battery's
book, or a prosumer's surplus (issue 22), as node entities read from the snapshot's
:class:`~gridnode.snapshot.BatteryView`.

Classes and units, by Home Assistant's sensor rules (docs/home-assistant.md):

- the state of charge: device class ``battery``, which allows only ``%``, and
  ``measurement``; the reserve and the maximum charge in % of the capacity too, with no
  device class (they are limits, not the battery's level);
- energy in the cells (stored, pledged): device class ``energy_storage`` in Wh, which
  allows only ``measurement`` (``energy`` is for registers that count up); the energy
  offered is metered energy, not stored, so it has a unit and no device class;
- prices in ``sat/kWh`` like the sessions' rates: no device class, ``measurement``;
- why it offers or bids nothing: a text sensor ("offering" / "bidding" when it does).

A value not known (the charge before the inverter's first reading, no offer) is
``None``, which Home Assistant shows as unknown. Discovered only on a node whose snapshot
has a book: a seller's or a buyer's entities are what they were.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

from gridnode.mqtt.entities import MAX_STATE, UNKNOWN, Entity, scaled
from gridnode.snapshot import BatteryView, StoreKind

BookValue = Callable[[BatteryView], str]

#: What the status texts say while it offers or bids (else the reason it does not).
OFFERING, BIDDING = "offering", "bidding"


def percent(part_mwh: int, whole_mwh: int) -> str:
    """``part`` in % of ``whole``, one decimal (unknown for an empty whole)."""
    if whole_mwh <= 0:
        return UNKNOWN
    share = Decimal(part_mwh * 100) / Decimal(whole_mwh)
    return f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN)}"


def _wh(mwh: int) -> str:
    return scaled(mwh, 3, 3)


def _price(msat_per_kwh: int | None) -> str:
    return UNKNOWN if msat_per_kwh is None else scaled(msat_per_kwh, 3, 3)


def _charged(pick: Callable[[BatteryView], str]) -> BookValue:
    """A figure of the charge: unknown until the inverter told it."""
    return lambda book: pick(book) if book.charge_known else UNKNOWN


def offer_status(book: BatteryView) -> str:
    if book.offer_msat_per_kwh is not None:
        return OFFERING
    return (book.not_offering or "not offering")[:MAX_STATE]


def bid_status(book: BatteryView) -> str:
    if book.bid_msat_per_kwh is not None:
        return BIDDING
    return (book.not_buying or "not bidding")[:MAX_STATE]


def _sensor(key: str, name: str, unit: str, *, device_class: str | None = None) -> Entity:
    return Entity("sensor", key, name, device_class, "measurement", unit, 1 if unit == "%" else 0)


def _rate_sensor(key: str, name: str) -> Entity:
    return Entity("sensor", key, name, None, "measurement", "sat/kWh", 3, icon="mdi:cash")


def _offer_entities() -> list[tuple[Entity, BookValue]]:
    """What it offers for the coming period (a battery's and a prosumer's)."""
    return [
        (_rate_sensor("offer_rate", "Offer price"), lambda b: _price(b.offer_msat_per_kwh)),
        (
            _sensor("offer_energy", "Energy offered", "Wh"),
            lambda b: _wh(b.offer_energy_mwh) if b.offer_msat_per_kwh is not None else UNKNOWN,
        ),
        (
            Entity("sensor", "offer_status", "Offer status", icon="mdi:store-clock"),
            offer_status,
        ),
    ]


def book_entities(kind: StoreKind) -> list[tuple[Entity, BookValue]]:
    """The node entities of a battery's book (``kind`` battery) or a prosumer's surplus."""
    if kind is StoreKind.PROSUMER:
        return [
            (
                _sensor("surplus_power", "PV surplus", "W", device_class="power"),
                lambda b: (
                    UNKNOWN if b.surplus_power_mw is None else scaled(b.surplus_power_mw, 3, 1)
                ),
            ),
            *_offer_entities(),
        ]
    stored = "energy_storage"
    return [
        (
            _sensor("charge", "State of charge", "%", device_class="battery"),
            _charged(lambda b: percent(b.stored_mwh, b.capacity_mwh)),
        ),
        (
            _sensor("stored_energy", "Stored energy", "Wh", device_class=stored),
            _charged(lambda b: _wh(b.stored_mwh)),
        ),
        (
            _sensor("reserve", "Reserve", "%"),
            lambda b: percent(b.reserve_mwh, b.capacity_mwh),
        ),
        (
            _sensor("maximum_charge", "Maximum charge", "%"),
            lambda b: percent(b.max_mwh, b.capacity_mwh),
        ),
        (
            _sensor("pledged_sales", "Pledged to sales", "Wh", device_class=stored),
            _charged(lambda b: _wh(b.pledged_sales_mwh)),
        ),
        (
            _sensor("pledged_purchases", "Pledged to purchases", "Wh", device_class=stored),
            _charged(lambda b: _wh(b.pledged_purchases_mwh)),
        ),
        *_offer_entities(),
        (_rate_sensor("bid_cap", "Bid cap"), lambda b: _price(b.bid_msat_per_kwh)),
        (
            Entity("sensor", "bid_status", "Bid status", icon="mdi:store-clock-outline"),
            bid_status,
        ),
        (
            _rate_sensor("price_floor", "Price floor"),
            _charged(lambda b: _price(b.floor_msat_per_kwh)),
        ),
    ]
