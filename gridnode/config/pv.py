"""A prosumer's ``[pv]`` table: its two meters and what it asks for its surplus (issue 22,
docs/battery.md). A prosumer (``role = "prosumer"``) is a household with PV and no
battery: it sells only the surplus it does not use (:mod:`gridnode.battery.prosumer`).

.. code-block:: toml

    [pv]
    production_meter = "pv"            # the [[hardware.meters]] id of the PV's meter
    connection_meter = "grid"          # the meter whose export and import registers
                                       # count what leaves and enters the house
    price_msat_per_kwh = 180_000       # what it asks for its surplus
    offer_percent = "80"               # optional: the share of the surplus offered (80)
    min_offer_mwh = 1_000              # optional: less surplus offers nothing
    tolerance_mwh = 10_000             # optional: how far the two meters may disagree
    zone = "Europe/Berlin"             # optional: the offer profiles' zone (UTC)
    production_register = "export"     # optional: the production meter's register that
                                       # counts what the PV made, "export" (the PV on
                                       # its load side, the default) or "import"
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.battery.prosumer import ProductionRegister, ProsumerRule
from gridnode.config import units
from gridnode.config.battery import percent_ppm
from gridnode.config.profiles import read_zone
from gridnode.config.reader import Table

_DEFAULT = ProsumerRule(0)


@dataclass(frozen=True, slots=True)
class PvConfig:
    """The ``[pv]`` table, read."""

    #: The [[hardware.meters]] id of the meter counting the PV's production.
    production_meter: str
    #: The [[hardware.meters]] id of the meter at the house's connection (its export
    #: and import registers).
    connection_meter: str
    rule: ProsumerRule
    #: The time zone of the offers' rate profiles.
    zone_name: str = "UTC"
    #: The production meter's register that counts what the PV made.
    production_register: ProductionRegister = ProductionRegister.EXPORT


def read_pv(top: Table) -> PvConfig | None:
    """The ``[pv]`` table of ``top``; None when it has a mistake."""
    table = top.table("pv")
    before = len(table.problems.items)
    production = table.get("production_meter", str, hint='a [[hardware.meters]] id, like "pv"')
    connection = table.get("connection_meter", str, hint='a [[hardware.meters]] id, like "grid"')
    price = units.at_least_zero(table, "price_msat_per_kwh")
    share = percent_ppm(table, "offer_percent", _DEFAULT.share_ppm, above_zero=True)
    least = table.positive("min_offer_mwh", _DEFAULT.min_offer_mwh, hint="mWh, like 1000")
    tolerance = units.at_least_zero(table, "tolerance_mwh", _DEFAULT.tolerance_mwh)
    zone = read_zone(table)
    register = _production_register(table)
    table.unknown_keys()
    if table.has("production_meter") and production == connection:
        table.problems.add(
            f"{table.name('production_meter')} and connection_meter both name {production!r}: "
            "the PV's production and the house's export need a meter each"
        )
    if len(table.problems.items) > before:
        return None
    rule = ProsumerRule(price, share, least, tolerance)
    return PvConfig(production, connection, rule, zone, register)


def _production_register(table: Table) -> ProductionRegister:
    """``production_register``: "export" (the default) or "import"; anything else is a
    problem naming both."""
    text = table.get("production_register", str, ProductionRegister.EXPORT.value)
    try:
        return ProductionRegister(text)
    except ValueError:
        allowed = " or ".join(f'"{register.value}"' for register in ProductionRegister)
        table.problems.add(
            f"{table.name('production_register')} must be {allowed}, not {text!r}: the "
            "production meter's register that counts what the PV made (export when the PV "
            "is on the meter's load side, import when it is on its supply side)"
        )
        return ProductionRegister.EXPORT
