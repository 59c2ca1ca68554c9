"""The electrical terms of an offer against the buyer's limits: one reason per violated
term, each with the number offered and the limit (part of
:func:`gridnode.trade.evaluate.evaluate`).

The seller guarantees voltage (a range and its nominal) and, optionally, frequency, and
cuts the supply once either stays out of range for ``grace_ms``; the buyer wants that
range inside its own and that cut no slower than its own grace. The seller limits the
draw: each phase's current, the imbalance between phases and the neutral's current;
the buyer needs room for its loads under each (a single-phase appliance on a
three-phase supply draws its whole current on one phase: imbalance and neutral).
"""

from __future__ import annotations

from collections.abc import Callable

from gridnode.trade.reasons import Reason, Term
from gridnode.trade.terms import BuyerLimits, ElectricalGuarantees

#: The recorder the checks share: a reason is added when ``ok`` is false.
_Need = Callable[[bool, Term, int, int, str], None]


def electrical_reasons(elec: ElectricalGuarantees, limits: BuyerLimits) -> list[Reason]:
    """Every electrical term of ``elec`` that breaks ``limits``."""
    reasons: list[Reason] = []

    def need(ok: bool, term: Term, offered: int, limit: int, text: str) -> None:
        if not ok:
            reasons.append(Reason(term, offered, limit, text))

    low_out = elec.voltage_min_mv < limits.voltage_min_mv
    need(
        limits.voltage_min_mv <= elec.voltage_min_mv
        and elec.voltage_max_mv <= limits.voltage_max_mv,
        Term.VOLTAGE_RANGE,
        elec.voltage_min_mv if low_out else elec.voltage_max_mv,
        limits.voltage_min_mv if low_out else limits.voltage_max_mv,
        f"guaranteed voltage {elec.voltage_min_mv}..{elec.voltage_max_mv} mV is not inside "
        f"{limits.voltage_min_mv}..{limits.voltage_max_mv} mV",
    )
    need(
        limits.nominal_min_mv <= elec.voltage_nominal_mv <= limits.nominal_max_mv,
        Term.NOMINAL_VOLTAGE,
        elec.voltage_nominal_mv,
        limits.nominal_min_mv
        if elec.voltage_nominal_mv < limits.nominal_min_mv
        else limits.nominal_max_mv,
        f"nominal voltage {elec.voltage_nominal_mv} mV is outside "
        f"{limits.nominal_min_mv}..{limits.nominal_max_mv} mV",
    )
    need(
        elec.phases == limits.phases,
        Term.PHASES,
        elec.phases,
        limits.phases,
        f"the supply has {elec.phases} phase(s); the buyer needs {limits.phases}",
    )
    _currents(elec, limits, need)
    _frequency(elec, limits, need)
    need(
        elec.grace_ms <= limits.voltage_grace_ms,
        Term.PROTECTION_GRACE,
        elec.grace_ms,
        limits.voltage_grace_ms,
        f"the seller keeps an out-of-range supply on for {elec.grace_ms} ms before it cuts, "
        f"longer than this buyer's grace of {limits.voltage_grace_ms} ms",
    )
    return reasons


def _currents(elec: ElectricalGuarantees, limits: BuyerLimits, need: _Need) -> None:
    if not elec.phase_current_max_ma and not limits.phase_current_needed_ma:
        need(
            elec.current_max_ma >= limits.current_needed_ma,
            Term.CURRENT,
            elec.current_max_ma,
            limits.current_needed_ma,
            f"maximum current {elec.current_max_ma} mA is below the "
            f"{limits.current_needed_ma} mA the buyer needs",
        )
    else:  # per phase: one reason for each phase short of what the buyer needs there
        for i, allowed in enumerate(elec.phase_limits_ma):
            needed = limits.current_needed_of(i)
            need(
                allowed >= needed,
                Term.PHASE_CURRENT,
                allowed,
                needed,
                f"L{i + 1} allows {allowed} mA, below the {needed} mA the buyer needs there",
            )
    if elec.phases > 1 and limits.imbalance_needed_ma:
        need(
            not elec.imbalance_max_ma or elec.imbalance_max_ma >= limits.imbalance_needed_ma,
            Term.IMBALANCE,
            elec.imbalance_max_ma,
            limits.imbalance_needed_ma,
            f"the phases may differ by {elec.imbalance_max_ma} mA, less than the "
            f"{limits.imbalance_needed_ma} mA this buyer's single-phase loads need",
        )
    if limits.neutral_needed_ma:
        need(
            not elec.neutral_current_max_ma
            or elec.neutral_current_max_ma >= limits.neutral_needed_ma,
            Term.NEUTRAL_CURRENT,
            elec.neutral_current_max_ma,
            limits.neutral_needed_ma,
            f"the neutral may carry {elec.neutral_current_max_ma} mA, less than the "
            f"{limits.neutral_needed_ma} mA this buyer's loads need",
        )


def _frequency(elec: ElectricalGuarantees, limits: BuyerLimits, need: _Need) -> None:
    low, high = limits.frequency_min_mhz, limits.frequency_max_mhz
    if not high:
        return  # the buyer asks for no frequency guarantee
    guaranteed = elec.guarantees_frequency
    low_out = not guaranteed or elec.frequency_min_mhz < low
    need(
        guaranteed and low <= elec.frequency_min_mhz and elec.frequency_max_mhz <= high,
        Term.FREQUENCY_RANGE,
        elec.frequency_min_mhz if low_out else elec.frequency_max_mhz,
        low if low_out else high,
        (
            f"guaranteed frequency {elec.frequency_min_mhz}..{elec.frequency_max_mhz} mHz is "
            f"not inside {low}..{high} mHz"
            if guaranteed
            else f"the offer guarantees no frequency; the buyer needs {low}..{high} mHz"
        ),
    )
