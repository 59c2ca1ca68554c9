"""The seller's ``[terms]`` and the buyer's ``[limits]``, read into the trade engine's types.

People write prices per kWh in msat, voltages in volts, currents in amperes and times
in seconds; the engine wants milli-units and milliseconds (:mod:`gridnode.config.units`,
exact, never floats). Every rule the engine's types enforce on construction is checked
here first, so a mistake is one sentence naming the key the person wrote
(``prepayment_s``, ``deposit_msat``), never the engine's field (``prepayment_ms``).

.. code-block:: toml

    [terms]
    period_s = 3600                  # each sale period; renewals follow
    # The payment fields below are optional: the values shown are the real-install
    # defaults (REAL_INSTALL_PAYMENTS, chosen by the storage budget; docs/cadence.md).
    min_payment_msat = 1_000
    max_payment_msat = 20_000        # the largest step; the session picks the largest
                                     # step that keeps within both budgets below
    prepayment_msat = 30_000         # the most the buyer keeps paid ahead...
    prepayment_s = 600               # ...and in seconds of energy at the current power
    unpaid_msat = 20_000             # the most delivered unpaid before the cut...
    unpaid_s = 120                   # ...and in seconds of energy at the current power
    deposit_msat = 200_000           # locked in a hold invoice
    phases = 1
    voltage_min_v = "207"
    voltage_nominal_v = "230"
    voltage_max_v = "253"
    current_max_a = "16"
    # three phases: phase_current_max_a, imbalance_max_a, neutral_current_max_a;
    # frequency_min_hz / frequency_max_hz; grace_s (gridnode/config/electrical.py)
    tolerance_percent = "1"
    tolerance_fixed_mwh = 50
    [terms.profile]
    kind = "constant"                # constant | daily | sinusoid | time_of_use
    zone = "Europe/Berlin"
    price_msat_per_kwh = 300_000     # 0.30 USD/kWh at 100,000 USD/BTC
"""

from __future__ import annotations

from gridnode.config import electrical, units
from gridnode.config.limits import read_phases, read_tolerance
from gridnode.config.profiles import build, read_profile
from gridnode.config.reader import Table
from gridnode.money import Msat
from gridnode.trade.terms import (
    DEMO_POLICY,
    ElectricalGuarantees,
    OfferTemplate,
    PaymentTerms,
    SupplyPolicy,
)
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt

#: Real-install payment terms, chosen by the storage budget (docs/cadence.md): at a
#: 2 kW mean load and 300,000 msat/kWh a payment of 20 sat every 2 minutes (720 a day,
#: about 11 MB a day per node at 15 KB a payment, bbolt's pages before compaction, under
#: the 20 MB default budget; a 10 sat step would need 22 MB), with
#: at most 30 sat paid ahead (10 minutes at the current power) and 20 sat delivered
#: unpaid (2 minutes): 3 and 2 US cents at 100,000 USD/BTC. A [terms] table may set
#: each field; the demo has short terms of its own (gridnode/demo/configs.py).
REAL_INSTALL_PAYMENTS = PaymentTerms(
    min_payment=Msat(1_000),
    max_payment=Msat(20_000),
    prepayment=Msat(30_000),
    prepayment_ms=DurationMs(600_000),
    initial_deposit=Msat(200_000),
    unpaid=Msat(20_000),
    unpaid_ms=DurationMs(120_000),
)


def read_terms(table: Table, *, register_step_mwh: int | None = None) -> OfferTemplate | None:
    """The seller's ``[terms]``; with ``register_step_mwh`` (the meters' register step),
    a fixed tolerance below one step is a problem (:func:`check_tolerance_step`)."""
    before = len(table.problems.items)
    period_ms = table.positive("period_s", hint="length of one sale period") * 1_000
    profile = read_profile(table.table("profile"))
    payments = _payments(table)
    electrical = _electrical(table)
    tolerance = read_tolerance(table, "tolerance", register_step_mwh)
    policy = read_policy(table.table("policy", required=False))
    table.unknown_keys()
    if len(table.problems.items) > before:
        return None
    assert profile is not None
    assert payments is not None
    assert electrical is not None
    assert tolerance is not None
    assert policy is not None
    return OfferTemplate(period_ms, profile, payments, electrical, tolerance, policy)


def _payments(table: Table) -> PaymentTerms | None:
    before = len(table.problems.items)
    real = REAL_INSTALL_PAYMENTS
    smallest = table.positive("min_payment_msat", real.min_payment.msat)
    largest = table.positive("max_payment_msat", real.max_payment.msat)
    ahead = table.positive("prepayment_msat", real.prepayment.msat)
    ahead_ms = units.positive_ms(table, "prepayment_s", real.prepayment_ms)
    deposit = units.at_least_zero(table, "deposit_msat", real.initial_deposit.msat)
    budget = "the unpaid budget cannot be negative"
    unpaid = units.at_least_zero(table, "unpaid_msat", real.unpaid.msat, budget)
    unpaid_ms = units.at_least_zero_ms(table, "unpaid_s", real.unpaid_ms, budget)
    if len(table.problems.items) > before:
        return None
    if smallest > largest:
        table.problems.add(
            f"{table.name('min_payment_msat')} ({smallest}) must be at most "
            f"{table.name('max_payment_msat')} ({largest})"
        )
    elif ahead < largest:
        table.problems.add(
            f"{table.name('prepayment_msat')} ({ahead}) must be at least "
            f"{table.name('max_payment_msat')} ({largest}), or no invoice could ever be paid"
        )
    return build(
        table,
        "payment terms",
        lambda: PaymentTerms(
            min_payment=Msat(smallest),
            max_payment=Msat(largest),
            prepayment=Msat(ahead),
            prepayment_ms=DurationMs(ahead_ms),
            initial_deposit=Msat(deposit),
            unpaid=Msat(unpaid),
            unpaid_ms=DurationMs(unpaid_ms),
        ),
        since=before,
    )


def _electrical(table: Table) -> ElectricalGuarantees | None:
    before = len(table.problems.items)
    phases = read_phases(table)
    low = units.milli(table, "voltage_min_v")
    nominal = units.milli(table, "voltage_nominal_v")
    high = units.milli(table, "voltage_max_v")
    current = units.milli(table, "current_max_a")
    each = electrical.phase_currents(table, "phase_current_max_a", phases, current)
    imbalance = electrical.optional_current(table, "imbalance_max_a")
    neutral = electrical.optional_current(table, "neutral_current_max_a")
    f_low, f_high = electrical.frequency_range(table)
    grace_ms = units.at_least_zero_ms(
        table,
        "grace_s",
        electrical.DEFAULT_GRACE_MS,
        "it is how long the supply may stay out of range before the relay opens",
    )
    if len(table.problems.items) > before:
        return None
    if not 0 < low <= nominal <= high:
        table.problems.add(
            f"{table.name('voltage_min_v')}, voltage_nominal_v and voltage_max_v must be above "
            f"0 V and in that order (min <= nominal <= max), not {units.shown_milli(low)}, "
            f"{units.shown_milli(nominal)} and {units.shown_milli(high)} V"
        )
    if current <= 0:
        table.problems.add(
            f"{table.name('current_max_a')} must be above 0 A, not {units.shown_milli(current)} A"
        )
    return build(
        table,
        "electrical guarantees",
        lambda: ElectricalGuarantees(
            phases=phases,
            voltage_min_mv=MilliVolt(low),
            voltage_nominal_mv=MilliVolt(nominal),
            voltage_max_mv=MilliVolt(high),
            current_max_ma=MilliAmp(current),
            phase_current_max_ma=tuple(MilliAmp(c) for c in each),
            imbalance_max_ma=MilliAmp(imbalance),
            neutral_current_max_ma=MilliAmp(neutral),
            frequency_min_mhz=f_low,
            frequency_max_mhz=f_high,
            grace_ms=DurationMs(grace_ms),
        ),
        since=before,
    )


def read_policy(table: Table) -> SupplyPolicy | None:
    """``[terms.policy]``: a preset, or the contactor's settings one by one."""
    if table.has("preset"):
        preset = table.choice("preset", ("demo", "real"))
        table.unknown_keys(of='a preset policy (only "preset")')
        return DEMO_POLICY if preset == "demo" else SupplyPolicy()
    before = len(table.problems.items)
    real = SupplyPolicy()
    cutoff = table.get("cutoff_msat", int, real.cutoff.msat)
    warn = table.get("warn_msat", int, real.warn.msat)
    restore = table.get("restore_msat", int, real.restore.msat)
    min_off_ms = units.positive_ms(table, "min_off_s", real.min_off_ms)
    switches = table.positive("max_switches_per_hour", real.max_switches_per_hour)
    max_age_ms = units.positive_ms(table, "reading_max_age_s", real.reading_max_age_ms)
    lead_ms = units.at_least_zero_ms(table, "renewal_lead_s", real.renewal_lead_ms)
    table.unknown_keys()
    if len(table.problems.items) > before:
        return None
    if not cutoff <= warn < restore:
        table.problems.add(
            f"{table.name('cutoff_msat')} ({cutoff}), warn_msat ({warn}) and restore_msat "
            f"({restore}) must rise in that order: cutoff_msat <= warn_msat < restore_msat"
        )
    return build(
        table,
        "supply policy",
        lambda: SupplyPolicy(
            cutoff=Msat(cutoff),
            warn=Msat(warn),
            restore=Msat(restore),
            min_off_ms=DurationMs(min_off_ms),
            max_switches_per_hour=switches,
            reading_max_age_ms=DurationMs(max_age_ms),
            renewal_lead_ms=DurationMs(lead_ms),
        ),
        since=before,
    )
