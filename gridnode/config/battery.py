"""A battery node's ``[battery]`` table: the battery's facts and its prices (issue 22,
docs/battery.md).

People write capacity in kWh, power in kW and shares in percent, as decimals (strings
or numbers); the core wants mWh, mW and parts per million (:mod:`gridnode.battery`).
Every conversion is exact (:mod:`gridnode.config.units`): a value finer than the core's
unit is a mistake, not a rounding.

.. code-block:: toml

    [battery]
    capacity_kwh = "13.5"                  # usable capacity
    power_limit_kw = "5"                   # the inverter's rating, charging or discharging
    charge_efficiency_percent = "95"       # of the metered energy in, what the cells keep
    discharge_efficiency_percent = "95"    # of the stored energy out, what the meter counts
    self_discharge_ppm_per_hour = 20       # optional, 0 by default
    reserve_percent = "10"                 # optional: never sell below it (10 by default)
    max_charge_percent = "90"              # optional: never charge above it (100)
    stored_cost_msat_per_kwh = 0           # optional: what the charge at first start cost

    [battery.prices]
    price_empty_msat_per_kwh = 400_000     # the offer at the reserve: the dearest
    price_full_msat_per_kwh = 150_000      # the offer at the maximum: the cheapest
    margin_ppm = 50_000                    # 5 % above the cost; or margin_msat_per_kwh
    bid_msat_per_kwh = 100_000             # optional: never above the cap (docs/battery.md)
    min_offer_mwh = 1_000                  # optional: less free energy offers nothing
    zone = "Europe/Berlin"                 # optional: the offer profiles' zone (UTC)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gridnode.battery.book import BatteryBook
from gridnode.battery.errors import BatterySpecError
from gridnode.battery.pricing import Margin, MarginMethod, PricingRule
from gridnode.battery.spec import DEFAULT_RESERVE_PPM, BatterySpec
from gridnode.config import units
from gridnode.config.profiles import read_zone
from gridnode.config.reader import Table
from gridnode.trade.units import PPM, MilliWatt, Mwh

#: A percent in ppm.
PPM_PER_PERCENT = 10_000
#: mWh per kWh, and mW per kW.
MILLI_PER_KILO = 1_000_000
#: The margin's two methods, by their key: one of them, never both.
MARGIN_KEYS = {"margin_ppm": MarginMethod.PPM, "margin_msat_per_kwh": MarginMethod.MSAT_PER_KWH}


@dataclass(frozen=True, slots=True)
class BatteryConfig:
    """The ``[battery]`` table, read."""

    spec: BatterySpec
    pricing: PricingRule
    #: The cost of a stored kWh already in the cells when the node first starts.
    stored_cost_msat_per_kwh: int = 0
    #: The time zone of the offers' rate profiles.
    zone_name: str = "UTC"

    def book(self, soc_mwh: int) -> BatteryBook:
        """A fresh book at the inverter's first reading, its charge costed at
        ``stored_cost_msat_per_kwh`` (rounded up)."""
        cost = -(-soc_mwh * self.stored_cost_msat_per_kwh // MILLI_PER_KILO)
        return BatteryBook(self.spec, soc_mwh, cost_msat=cost)


def read_battery(top: Table) -> BatteryConfig | None:
    """The ``[battery]`` table of ``top``; None when it has a mistake (each one is in
    ``top.problems``)."""
    table = top.table("battery")
    before = len(table.problems.items)
    capacity = scaled(table, "capacity_kwh", MILLI_PER_KILO, 'kWh, like "13.5"')
    power = scaled(table, "power_limit_kw", MILLI_PER_KILO, 'kW, like "5"')
    charge = percent_ppm(table, "charge_efficiency_percent", None, above_zero=True)
    discharge = percent_ppm(table, "discharge_efficiency_percent", None, above_zero=True)
    leak = units.at_least_zero(
        table, "self_discharge_ppm_per_hour", 0, "a share of the charge lost per hour"
    )
    levels = len(table.problems.items)
    reserve = percent_ppm(table, "reserve_percent", DEFAULT_RESERVE_PPM)
    ceiling = percent_ppm(table, "max_charge_percent", PPM)
    levels_read = len(table.problems.items) == levels
    stored_cost = units.at_least_zero(table, "stored_cost_msat_per_kwh", 0)
    pricing, zone = read_prices(table)
    table.unknown_keys()
    if leak >= PPM:
        table.problems.add(
            f"{table.name('self_discharge_ppm_per_hour')} must be below 1000000 (all of the "
            f"charge in an hour), not {leak}; a battery loses a few ppm an hour"
        )
    if levels_read and reserve >= ceiling:
        table.problems.add(
            f"{table.name('reserve_percent')} ({_shown(reserve)} %) must be below "
            f"max_charge_percent ({_shown(ceiling)} %): lower the reserve or raise the maximum"
        )
    if len(table.problems.items) > before or pricing is None:
        return None
    try:
        spec = BatterySpec(
            capacity_mwh=Mwh(capacity),
            power_limit_mw=MilliWatt(power),
            charge_efficiency_ppm=charge,
            discharge_efficiency_ppm=discharge,
            self_discharge_ppm_per_hour=leak,
            reserve_ppm=reserve,
            max_charge_ppm=ceiling,
        )
    except BatterySpecError as exc:
        table.problems.add(f"[{table.path}]: {exc}")
        return None
    return BatteryConfig(spec, pricing, stored_cost, zone)


def read_prices(battery: Table) -> tuple[PricingRule | None, str]:
    """``[battery.prices]``: the curve, the margin by one method, the bid."""
    if not battery.has("prices"):
        battery.table("prices")  # reports it missing
        return None, "UTC"
    table = battery.table("prices")
    before = len(table.problems.items)
    empty = units.at_least_zero(table, "price_empty_msat_per_kwh")
    full = units.at_least_zero(table, "price_full_msat_per_kwh")
    margin = _margin(table)
    bid = table.optional("bid_msat_per_kwh", int)
    if bid is not None and bid < 0:
        table.problems.add(
            f"{table.name('bid_msat_per_kwh')} must be 0 or more, not {bid}; leave it out to "
            "bid the cap"
        )
    least = table.positive("min_offer_mwh", 1_000, hint="mWh, like 1000")
    zone = read_zone(table)
    table.unknown_keys()
    if len(table.problems.items) > before or margin is None:
        return None, zone
    if full > empty:
        table.problems.add(
            f"{table.name('price_full_msat_per_kwh')} ({full}) must be at most "
            f"price_empty_msat_per_kwh ({empty}): a full battery sells cheaper than an "
            "empty one; swap them"
        )
        return None, zone
    return PricingRule(empty, full, margin, bid, least), zone


def _margin(table: Table) -> Margin | None:
    written = [key for key in MARGIN_KEYS if table.has(key)]
    for key in MARGIN_KEYS:
        table.optional(key, int)  # marks both as read; a wrong kind is reported
    if len(written) != 1:
        said = "both" if written else "neither"
        table.problems.add(
            f"{table.name('margin_ppm')} or margin_msat_per_kwh: write exactly one (the "
            f"margin's one method), not {said}; like margin_ppm = 50000 for 5 % above the cost"
        )
        return None
    key = written[0]
    value = table.doc[key]
    if not isinstance(value, int) or isinstance(value, bool):
        return None  # reported by optional
    if value < 0:
        table.problems.add(f"{table.name(key)} must be 0 or more, not {value}")
        return None
    return Margin(MARGIN_KEYS[key], value)


# -- exact conversions --------------------------------------------------------------------
def scaled(table: Table, key: str, factor: int, hint: str) -> int:
    """A required decimal above 0 times ``factor``, exactly (kWh to mWh)."""
    if not table.has(key):
        table.get(key, object, hint=hint)  # reports it missing
        return 0
    value = units.decimal_of(table, key)
    raw = table.doc[key]
    if _number(raw) is None:
        return 0  # reported by decimal_of
    exact = value * factor
    if value <= 0:
        table.problems.add(f"{table.name(key)} must be above 0 ({hint}), not {raw!r}")
        return 0
    if exact != exact.to_integral_value():
        table.problems.add(
            f"{table.name(key)} is finer than the step of {_step(factor)} ({raw!r}); round it"
        )
        return 0
    return int(exact)


def percent_ppm(
    table: Table, key: str, default_ppm: int | None, *, above_zero: bool = False
) -> int:
    """A percent from 0 (or above 0) to 100 as ppm, exactly (four decimals at most)."""
    if not table.has(key):
        if default_ppm is None:
            table.get(key, object, hint='percent, like "95"')  # reports it missing
            return 0
        table.get(key, object, "")  # marks the key as read
        return default_ppm
    value = units.decimal_of(table, key)
    raw = table.doc[key]
    if _number(raw) is None:
        return 0  # reported by decimal_of
    inside = 0 < value <= 100 if above_zero else 0 <= value <= 100
    if not inside:
        low = "above 0" if above_zero else "from 0"
        table.problems.add(f"{table.name(key)} must be {low} to 100 (%), not {raw!r}")
        return 0
    ppm = value * PPM_PER_PERCENT
    if ppm != ppm.to_integral_value():
        table.problems.add(
            f"{table.name(key)} has more than four decimals ({raw!r}); 0.0001 % is the finest step"
        )
        return 0
    return int(ppm)


def _number(raw: object) -> Decimal | None:
    try:
        return units.parse_decimal(raw)
    except units.UnitError:
        return None


def _step(factor: int) -> str:
    return f"{Decimal(1) / factor:f}"


def _shown(ppm: int) -> str:
    """ppm as a percent, exactly (900000 -> "90", 125 -> "0.0125")."""
    whole, part = divmod(ppm, PPM_PER_PERCENT)
    return str(whole) if not part else f"{whole}.{part:04d}".rstrip("0")
