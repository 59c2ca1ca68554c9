"""The buyer's ``[limits]`` (what it accepts, read into :class:`BuyerLimits`) and the
dual-metering tolerances both roles write, every rule checked under the person's keys.

.. code-block:: toml

    [limits]
    min_period_s = 600
    max_period_s = 86400
    min_payment_msat = 500
    max_payment_msat = 50000
    desired_payment_msat = 20000
    max_prepayment_msat = 40000
    max_prepayment_s = 900
    voltage_min_v = 200
    voltage_max_v = 260
    nominal_min_v = 220
    nominal_max_v = 240
    current_needed_a = 10
    seller_meter_id = "flat-2"
    own_tolerance_percent = "1"
    own_tolerance_fixed_mwh = 10000
    max_tolerance_percent = "2"
    max_tolerance_fixed_mwh = 20000
    max_period_cost_msat = 5000000
    breach_hold_s = 3600             # the node's own: refuse a breaching seller this long
    # three phases: phase_current_needed_a, imbalance_needed_a, neutral_needed_a;
    # frequency_min_hz / frequency_max_hz (gridnode/config/electrical.py)
    [limits.ceiling]
    kind = "constant"
    price_msat_per_kwh = 500000
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from gridnode.config import electrical, units
from gridnode.config.profiles import build, read_profile
from gridnode.config.reader import Table
from gridnode.money import Msat
from gridnode.trade.terms import BuyerLimits, MeteringTolerance
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt, Mwh

#: How long a buyer holds off a seller that breached, unless [limits] says otherwise.
DEFAULT_BREACH_HOLD_MS = DurationMs(3_600_000)
#: The loosest share a metering tolerance may have (the engine's 20 %).
MAX_TOLERANCE_PERCENT = 20


def read_limits(table: Table, *, register_step_mwh: int | None = None) -> BuyerLimits | None:
    """The buyer's ``[limits]``; with ``register_step_mwh`` (its meter's register step),
    an own tolerance whose fixed part is below one step is a problem
    (:func:`check_tolerance_step`). A loosest tolerance tighter than its own is one too:
    no offer could pass both. ``breach_hold_s`` is the node's own setting, read by
    :func:`read_breach_hold`."""
    before = len(table.problems.items)
    ceiling = read_profile(table.table("ceiling"))
    own = read_tolerance(table, "own_tolerance", register_step_mwh)
    loosest = read_tolerance(table, "max_tolerance")
    if own is not None and loosest is not None and not loosest.covers(own):
        table.problems.add(
            f"{table.path}.max_tolerance ({_percent(loosest)} % + {loosest.fixed_mwh} mWh) "
            f"is tighter than {table.path}.own_tolerance ({_percent(own)} % + "
            f"{own.fixed_mwh} mWh), so every offer would be "
            "refused; make max_tolerance_percent and max_tolerance_fixed_mwh at least the "
            "own_tolerance ones"
        )
    shortest = units.positive_ms(table, "min_period_s")
    longest = units.positive_ms(table, "max_period_s")
    smallest = table.positive("min_payment_msat")
    largest = table.positive("max_payment_msat")
    desired = table.positive("desired_payment_msat")
    max_prepayment = table.positive("max_prepayment_msat")
    max_prepayment_ms = units.positive_ms(table, "max_prepayment_s")
    max_deposit = units.at_least_zero(table, "max_deposit_msat", 0)
    voltage_min = units.milli(table, "voltage_min_v")
    voltage_max = units.milli(table, "voltage_max_v")
    nominal_min = units.milli(table, "nominal_min_v")
    nominal_max = units.milli(table, "nominal_max_v")
    phases = read_phases(table)
    current = units.milli(table, "current_needed_a")
    meter = table.get("seller_meter_id", str, hint="the id of the meter the seller sells from")
    max_cost = table.positive("max_period_cost_msat")
    grace_ms = units.at_least_zero_ms(table, "voltage_grace_s", electrical.BUYER_GRACE_MS)
    min_unpaid_ms = units.at_least_zero_ms(table, "min_unpaid_s", 0)
    fee_ppm = table.get("max_fee_ppm", int, 10_000)
    each = electrical.phase_currents(table, "phase_current_needed_a", phases)
    imbalance = electrical.optional_current(table, "imbalance_needed_a")
    neutral = electrical.optional_current(table, "neutral_needed_a")
    f_low, f_high = electrical.frequency_range(table)
    table.unknown_keys({"breach_hold_s"})
    if len(table.problems.items) > before:
        return None
    _in_order(table, ("min_period_s", "max_period_s"), (shortest, longest))
    _in_order(
        table,
        ("min_payment_msat", "desired_payment_msat", "max_payment_msat"),
        (smallest, desired, largest),
    )
    _in_order(table, ("voltage_min_v", "voltage_max_v"), (voltage_min, voltage_max), "V")
    _in_order(table, ("nominal_min_v", "nominal_max_v"), (nominal_min, nominal_max), "V")
    if current < 0:
        table.problems.add(
            f"{table.name('current_needed_a')} must be 0 A or more, not "
            f"{units.shown_milli(current)} A"
        )
    if not 0 <= fee_ppm <= 1_000_000:
        table.problems.add(
            f"{table.name('max_fee_ppm')} is a share in parts per million, 0 to 1000000 "
            f"(10000 is 1 %), not {fee_ppm}"
        )
    assert ceiling is not None
    assert own is not None
    assert loosest is not None
    return build(
        table,
        "buyer limits",
        lambda: BuyerLimits(
            min_period_ms=DurationMs(shortest),
            max_period_ms=DurationMs(longest),
            ceiling=ceiling,
            min_payment=Msat(smallest),
            max_payment=Msat(largest),
            desired_payment=Msat(desired),
            max_prepayment=Msat(max_prepayment),
            max_prepayment_ms=DurationMs(max_prepayment_ms),
            max_deposit=Msat(max_deposit),
            voltage_min_mv=MilliVolt(voltage_min),
            voltage_max_mv=MilliVolt(voltage_max),
            nominal_min_mv=MilliVolt(nominal_min),
            nominal_max_mv=MilliVolt(nominal_max),
            phases=phases,
            current_needed_ma=MilliAmp(current),
            expected_meter_id=meter,
            own_tolerance=own,
            max_tolerance=loosest,
            max_period_cost=Msat(max_cost),
            voltage_grace_ms=DurationMs(grace_ms),
            min_unpaid_ms=DurationMs(min_unpaid_ms),
            max_fee_ppm=fee_ppm,
            phase_current_needed_ma=tuple(MilliAmp(c) for c in each),
            imbalance_needed_ma=MilliAmp(imbalance),
            neutral_needed_ma=MilliAmp(neutral),
            frequency_min_mhz=f_low,
            frequency_max_mhz=f_high,
        ),
        since=before,
    )


def read_breach_hold(table: Table) -> DurationMs:
    """``breach_hold_s`` of ``[limits]``: after a seller's breach, refuse its offers this
    long from the breach (0 never holds off)."""
    hold_ms = units.seconds_ms(table, "breach_hold_s", DEFAULT_BREACH_HOLD_MS)
    if hold_ms < 0:
        table.problems.add(
            f"{table.path}.breach_hold_s = {table.doc.get('breach_hold_s')!r} is negative: "
            "set it to how many seconds to refuse a seller's offers after it breached "
            "(3600 is an hour; 0 never holds off)"
        )
    return DurationMs(max(0, hold_ms))


def read_phases(table: Table) -> int:
    """``phases``: 1 or 3 (default 1)."""
    phases = table.get("phases", int, 1)
    if phases not in (1, 3):
        table.problems.add(f"{table.name('phases')} must be 1 or 3, not {phases}")
    return phases


def read_tolerance(
    table: Table, prefix: str, register_step_mwh: int | None = None
) -> MeteringTolerance | None:
    """``<prefix>_percent`` (the meters' accuracy class) and ``<prefix>_fixed_mwh``."""
    percent_key, fixed_key = f"{prefix}_percent", f"{prefix}_fixed_mwh"
    before = len(table.problems.items)
    percent = units.decimal_of(table, percent_key)
    fixed = units.at_least_zero(table, fixed_key, 0)
    if len(table.problems.items) > before:
        return None
    share_ppm = percent * 10_000
    if not 0 <= percent <= MAX_TOLERANCE_PERCENT:
        table.problems.add(
            f"{table.name(percent_key)} must be from 0 to {MAX_TOLERANCE_PERCENT} (%), "
            f"not {table.doc.get(percent_key)!r}"
        )
    elif share_ppm != share_ppm.to_integral_value():
        table.problems.add(
            f"{table.name(percent_key)} has more than four decimals "
            f"({table.doc.get(percent_key)!r}); 0.0001 % is the finest step"
        )
    tolerance = build(
        table,
        prefix.replace("_", " "),
        lambda: MeteringTolerance(share_ppm=int(share_ppm), fixed_mwh=Mwh(fixed)),
        since=before,
    )
    if tolerance is not None and register_step_mwh is not None:
        check_tolerance_step(table, prefix, tolerance, register_step_mwh)
    return tolerance


def check_tolerance_step(
    table: Table, prefix: str, tolerance: MeteringTolerance, register_step_mwh: int
) -> None:
    """A dual-metering tolerance's fixed part must cover one register step.

    Each node's fine energy starts at its meter's register (the poller's first reading,
    ``hardware/counters.py``), which lags the true energy by up to one step; both sides
    then bill from there, so two honest meters' session energies can differ by up to one
    step before any accuracy-class share. A smaller fixed part reports an honest seller
    for over-billing (docs/trade.md, "Metering").
    """
    if tolerance.fixed_mwh < register_step_mwh:
        table.problems.add(
            f"{table.path}.{prefix}_fixed_mwh = {tolerance.fixed_mwh} is below "
            f"register_step_mwh = {register_step_mwh}: two honest meters can disagree by "
            f"one register step, so set {prefix}_fixed_mwh to at least {register_step_mwh}"
        )


def _in_order(table: Table, keys: tuple[str, ...], values: tuple[int, ...], unit: str = "") -> None:
    """``values`` (of ``keys``) must not decrease; volts are shown in volts."""
    if all(a <= b for a, b in pairwise(values)):
        return
    shown = [units.shown_milli(v) if unit else str(v) for v in values]
    suffix = f" {unit}" if unit else ""
    names = ", ".join(keys[1:-1])
    middle = f", {names}" if names else ""
    table.problems.add(
        f"{table.name(keys[0])}{middle} and {keys[-1]} must be in that order (each at most "
        f"the next), not {', '.join(shown[:-1])} and {shown[-1]}{suffix}"
    )


def _percent(tolerance: MeteringTolerance) -> Decimal:
    return Decimal(tolerance.share_ppm) / 10_000
