"""The seller's ``[terms]`` and the buyer's ``[limits]``, read into the trade engine's types.

People write prices per kWh in msat, voltages in volts, currents in amperes and times
in seconds; the engine wants milli-units and milliseconds. Conversions are exact
(decimal strings or integers, never floats for money).

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
    tolerance_percent = "1"
    tolerance_fixed_mwh = 50
    [terms.profile]
    kind = "constant"                # constant | daily | sinusoid | time_of_use
    zone = "Europe/Berlin"
    price_msat_per_kwh = 300_000     # 0.30 USD/kWh at 100,000 USD/BTC
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from gridnode.money import Msat
from gridnode.node.config_reader import Table
from gridnode.trade.errors import ProfileError, TermsError
from gridnode.trade.profiles import (
    ConstantProfile,
    DailyKnot,
    DailyTableProfile,
    RateProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.terms import (
    DEMO_POLICY,
    BuyerLimits,
    ElectricalGuarantees,
    MeteringTolerance,
    Offer,
    PaymentTerms,
    SupplyPolicy,
)
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt, MsatPerKwh, Mwh

T = TypeVar("T")

#: Real-install payment terms, chosen by the storage budget (docs/cadence.md): at a
#: 2 kW mean load and 300,000 msat/kWh a payment of 20 sat every 2 minutes (720 a day,
#: about 12 MB a day per node at 17 KB a payment, under the 20 MB default budget), with
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
#: How long a buyer holds off a seller that breached, unless [limits] says otherwise.
DEFAULT_BREACH_HOLD_MS = DurationMs(3_600_000)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class OfferTemplate:
    """The seller's terms with the period still to be placed in time."""

    period_ms: int
    profile: RateProfile
    payments: PaymentTerms
    electrical: ElectricalGuarantees
    tolerance: MeteringTolerance
    policy: SupplyPolicy
    #: the seller's Lightning node id, asked of its LND at start-up (not configured)
    payee_node_id: str = ""

    def offer(self, start_ms: int, meter_id: str, *, renewal: bool = False) -> Offer:
        payments = self.payments
        if renewal:
            payments = PaymentTerms(
                payments.min_payment,
                payments.max_payment,
                payments.prepayment,
                payments.prepayment_ms,
                Msat(0),
                payments.unpaid,
                payments.unpaid_ms,
            )
        return Offer(
            start_ms=start_ms,
            stop_ms=start_ms + self.period_ms,
            profile=self.profile,
            payments=payments,
            electrical=self.electrical,
            meter_id=meter_id,
            tolerance=self.tolerance,
            policy=self.policy,
            is_renewal=renewal,
            payee_node_id=self.payee_node_id,
        )


def read_terms(table: Table, *, register_step_mwh: int | None = None) -> OfferTemplate | None:
    """The seller's ``[terms]``; with ``register_step_mwh`` (the meters' register step),
    a fixed tolerance below one step is a problem (:func:`check_tolerance_step`)."""
    period_ms = table.positive("period_s", hint="length of one sale period") * 1_000
    profile = read_profile(table.table("profile"))
    real = REAL_INSTALL_PAYMENTS
    payments = _build(
        table,
        "payment terms",
        lambda: PaymentTerms(
            min_payment=Msat(table.positive("min_payment_msat", real.min_payment.msat)),
            max_payment=Msat(table.positive("max_payment_msat", real.max_payment.msat)),
            prepayment=Msat(table.positive("prepayment_msat", real.prepayment.msat)),
            prepayment_ms=DurationMs(_seconds_ms(table, "prepayment_s", real.prepayment_ms)),
            initial_deposit=Msat(table.get("deposit_msat", int, real.initial_deposit.msat)),
            unpaid=Msat(table.get("unpaid_msat", int, real.unpaid.msat)),
            unpaid_ms=DurationMs(_seconds_ms(table, "unpaid_s", real.unpaid_ms)),
        ),
    )
    electrical = _build(
        table,
        "electrical guarantees",
        lambda: ElectricalGuarantees(
            phases=table.get("phases", int, 1),
            voltage_min_mv=MilliVolt(_milli(table, "voltage_min_v")),
            voltage_nominal_mv=MilliVolt(_milli(table, "voltage_nominal_v")),
            voltage_max_mv=MilliVolt(_milli(table, "voltage_max_v")),
            current_max_ma=MilliAmp(_milli(table, "current_max_a")),
        ),
    )
    tolerance = _tolerance(table, "tolerance")
    if tolerance is not None and register_step_mwh is not None:
        check_tolerance_step(table, "tolerance", tolerance, register_step_mwh)
    policy = read_policy(table.table("policy", required=False))
    table.unknown_keys()
    if None in (profile, payments, electrical, tolerance, policy):
        return None
    assert profile
    assert payments
    assert electrical
    assert tolerance
    assert policy
    return OfferTemplate(period_ms, profile, payments, electrical, tolerance, policy)


def read_policy(table: Table) -> SupplyPolicy | None:
    if table.has("preset"):
        preset = table.choice("preset", ("demo", "real"))
        table.unknown_keys()
        return DEMO_POLICY if preset == "demo" else SupplyPolicy()
    real = SupplyPolicy()
    policy = _build(
        table,
        "supply policy",
        lambda: SupplyPolicy(
            cutoff=Msat(table.get("cutoff_msat", int, real.cutoff.msat)),
            warn=Msat(table.get("warn_msat", int, real.warn.msat)),
            restore=Msat(table.get("restore_msat", int, real.restore.msat)),
            min_off_ms=DurationMs(_seconds_ms(table, "min_off_s", real.min_off_ms)),
            max_switches_per_hour=table.get(
                "max_switches_per_hour", int, real.max_switches_per_hour
            ),
            reading_max_age_ms=DurationMs(
                _seconds_ms(table, "reading_max_age_s", real.reading_max_age_ms)
            ),
            renewal_lead_ms=DurationMs(_seconds_ms(table, "renewal_lead_s", real.renewal_lead_ms)),
        ),
    )
    table.unknown_keys()
    return policy


@dataclass(frozen=True, slots=True)
class NodeLimits(BuyerLimits):
    """The buyer's ``[limits]``: what it accepts, and what the node itself keeps to."""

    #: After the seller breaches (the buyer stopped paying: over-billing beyond the
    #: tolerance, voltage out of range beyond the grace, an oversized or mismatched
    #: invoice), refuse its offers for this long from the breach; 0 never holds off.
    breach_hold_ms: DurationMs = DEFAULT_BREACH_HOLD_MS


def breach_hold_ms(limits: BuyerLimits) -> DurationMs:
    """The hold of ``limits`` (the default for limits not read from a [limits] table)."""
    return limits.breach_hold_ms if isinstance(limits, NodeLimits) else DEFAULT_BREACH_HOLD_MS


def read_limits(
    table: Table, own_meter_id: str, *, register_step_mwh: int | None = None
) -> NodeLimits | None:
    """The buyer's ``[limits]``; with ``register_step_mwh`` (its meter's register step),
    an own tolerance whose fixed part is below one step is a problem
    (:func:`check_tolerance_step`). A loosest tolerance tighter than its own is one too:
    no offer could pass both."""
    ceiling = read_profile(table.table("ceiling"))
    own = _tolerance(table, "own_tolerance")
    loosest = _tolerance(table, "max_tolerance")
    if own is not None and register_step_mwh is not None:
        check_tolerance_step(table, "own_tolerance", own, register_step_mwh)
    if own is not None and loosest is not None and not loosest.covers(own):
        table.problems.add(
            f"{table.path}.max_tolerance ({_percent(loosest)} % + {loosest.fixed_mwh} mWh) "
            f"is tighter than {table.path}.own_tolerance ({_percent(own)} % + "
            f"{own.fixed_mwh} mWh), so every offer would be "
            "refused; make max_tolerance_percent and max_tolerance_fixed_mwh at least the "
            "own_tolerance ones"
        )

    hold_ms = _seconds_ms(table, "breach_hold_s", DEFAULT_BREACH_HOLD_MS)
    if hold_ms < 0:
        table.problems.add(
            f"{table.path}.breach_hold_s = {table.doc.get('breach_hold_s')!r} is negative: "
            "set it to how many seconds to refuse a seller's offers after it breached "
            "(3600 is an hour; 0 never holds off)"
        )

    def build() -> NodeLimits:
        assert ceiling is not None
        assert own is not None
        assert loosest is not None
        return NodeLimits(
            min_period_ms=DurationMs(_seconds_ms(table, "min_period_s")),
            max_period_ms=DurationMs(_seconds_ms(table, "max_period_s")),
            ceiling=ceiling,
            min_payment=Msat(table.positive("min_payment_msat")),
            max_payment=Msat(table.positive("max_payment_msat")),
            desired_payment=Msat(table.positive("desired_payment_msat")),
            max_prepayment=Msat(table.positive("max_prepayment_msat")),
            max_prepayment_ms=DurationMs(_seconds_ms(table, "max_prepayment_s")),
            max_deposit=Msat(table.get("max_deposit_msat", int, 0)),
            voltage_min_mv=MilliVolt(_milli(table, "voltage_min_v")),
            voltage_max_mv=MilliVolt(_milli(table, "voltage_max_v")),
            nominal_min_mv=MilliVolt(_milli(table, "nominal_min_v")),
            nominal_max_mv=MilliVolt(_milli(table, "nominal_max_v")),
            phases=table.get("phases", int, 1),
            current_needed_ma=MilliAmp(_milli(table, "current_needed_a")),
            expected_meter_id=table.get("seller_meter_id", str),
            own_tolerance=own,
            max_tolerance=loosest,
            max_period_cost=Msat(table.positive("max_period_cost_msat")),
            voltage_grace_ms=DurationMs(_seconds_ms(table, "voltage_grace_s", 2_000)),
            min_unpaid_ms=DurationMs(_seconds_ms(table, "min_unpaid_s", 0)),
            max_fee_ppm=table.get("max_fee_ppm", int, 10_000),
            breach_hold_ms=DurationMs(max(0, hold_ms)),
        )

    limits = None if None in (ceiling, own, loosest) else _build(table, "buyer limits", build)
    table.unknown_keys()
    del own_meter_id  # the buyer's own meter is named in [hardware]; kept for symmetry
    return limits


def read_profile(table: Table) -> RateProfile | None:
    kind = table.choice("kind", ("constant", "daily", "sinusoid", "time_of_use"))
    zone = table.get("zone", str, "UTC")
    builders: dict[str, Callable[[], RateProfile]] = {
        "constant": lambda: ConstantProfile(MsatPerKwh(table.positive("price_msat_per_kwh")), zone),
        "daily": lambda: DailyTableProfile(_knots(table), zone),
        "sinusoid": lambda: SinusoidProfile(
            mean_msat_per_kwh=MsatPerKwh(table.positive("mean_msat_per_kwh")),
            day_amplitude_msat_per_kwh=MsatPerKwh(table.get("day_amplitude_msat_per_kwh", int, 0)),
            day_phase_ms=_seconds_ms(table, "day_phase_s", 0),
            year_amplitude_msat_per_kwh=MsatPerKwh(
                table.get("year_amplitude_msat_per_kwh", int, 0)
            ),
            year_phase_ms=_seconds_ms(table, "year_phase_s", 0),
            zone_name=zone,
        ),
        "time_of_use": lambda: TimeOfUseProfile(
            _blocks(table), MsatPerKwh(table.positive("default_msat_per_kwh")), zone
        ),
    }
    if kind not in builders:
        return None
    profile = _build(table, "rate profile", builders[kind])
    table.unknown_keys()
    return profile


def _build(table: Table, what: str, make: Callable[[], T]) -> T | None:
    """Construct a trade-engine value; its own consistency errors become problems."""
    before = len(table.problems.items)
    try:
        value = make()
    except (TermsError, ProfileError) as exc:
        if len(table.problems.items) == before:  # not a consequence of a field already named
            table.problems.add(f"[{table.path}] {what}: {exc}")
        return None
    return value if len(table.problems.items) == before else None


def _seconds_ms(table: Table, key: str, default: int | None = None) -> int:
    """A duration written in (decimal) seconds, as whole milliseconds."""
    fallback = None if default is None else Decimal(default) / 1000
    return int(_decimal(table, key, fallback) * 1000)


def _milli(table: Table, key: str) -> int:
    """Volts or amperes written as a decimal (string or number), as milli-units."""
    value = _decimal(table, key, None) * 1000
    if value != value.to_integral_value():
        table.problems.add(f"{table.path}.{key} has more than three decimals")
    return int(value)


def _decimal(table: Table, key: str, default: Decimal | None) -> Decimal:
    if not table.has(key) and default is not None:
        table.get(key, str, "")  # mark as read
        return default
    raw = table.doc.get(key)
    table.get(key, object)  # marks the key as read; reports it when missing
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        return Decimal(str(raw)) if raw is not None else Decimal(0)
    except InvalidOperation:
        table.problems.add(f"{table.path}.{key} must be a number, not {raw!r}")
        return Decimal(0)


def _tolerance(table: Table, prefix: str) -> MeteringTolerance | None:
    percent = _decimal(table, f"{prefix}_percent", None)
    fixed = table.get(f"{prefix}_fixed_mwh", int, 0)
    return _build(
        table,
        prefix.replace("_", " "),
        lambda: MeteringTolerance(share_ppm=int(percent * 10_000), fixed_mwh=Mwh(fixed)),
    )


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


def _percent(tolerance: MeteringTolerance) -> Decimal:
    return Decimal(tolerance.share_ppm) / 10_000


def _minute(table: Table, text: object, where: str) -> int:
    match = _CLOCK.match(str(text))
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        table.problems.add(f'{table.path}.{where}: {text!r} is not a time of day like "06:30"')
        return 0
    return int(match.group(1)) * 60 + int(match.group(2))


def _knots(table: Table) -> tuple[DailyKnot, ...]:
    knots = table.get("knots", list, hint='a list like [["06:00", 25000000], ["18:00", 40000000]]')
    out = []
    for i, knot in enumerate(knots):
        if not (isinstance(knot, list) and len(knot) == 2 and isinstance(knot[1], int)):
            table.problems.add(f'{table.path}.knots[{i}] must be ["HH:MM", price_msat_per_kwh]')
            continue
        out.append(DailyKnot(_minute(table, knot[0], f"knots[{i}]"), MsatPerKwh(knot[1])))
    return tuple(out)


def _blocks(table: Table) -> tuple[TimeOfUseBlock, ...]:
    blocks = []
    for block in table.tables("blocks"):
        days = block.get("days", str, hint='like "mon-fri" or "sat,sun"')
        mask = _weekday_mask(block, days)
        start = _minute(block, block.get("from", str), "from")
        stop = _minute(block, block.get("to", str), "to")
        price = MsatPerKwh(block.positive("price_msat_per_kwh"))
        block.unknown_keys()
        blocks.append(TimeOfUseBlock(mask, start, stop, price))
    return tuple(blocks)


def _weekday_mask(table: Table, text: str) -> int:
    mask = 0
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            table.problems.add(f"{table.path}.days: {part!r} is not a day like mon or mon-fri")
            continue
        a, b = _DAYS.index(first), _DAYS.index(last or first)
        for day in range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]:
            mask |= 1 << day
    return mask
