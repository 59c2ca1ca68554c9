"""The per-phase and protection keys of ``[terms]`` and ``[limits]``: currents per phase,
imbalance, neutral, frequency range and the seller's grace, each mistake one sentence
under the key as written.

.. code-block:: toml

    [terms]                              # a seller, three phases
    phases = 3
    current_max_a = "32"
    phase_current_max_a = ["32", "16", "16"]   # optional: L1, L2, L3 (each <= current_max_a)
    imbalance_max_a = "20"                # optional: highest less lowest phase current
    neutral_current_max_a = "25"          # optional
    frequency_min_hz = "49.5"             # optional, both or neither
    frequency_max_hz = "50.5"
    grace_s = 1                           # out of range this long: the seller cuts

    [limits]                             # a buyer
    phase_current_needed_a = ["16", "10", "10"]  # optional, per phase
    imbalance_needed_a = "16"             # a single-phase appliance on one phase
    neutral_needed_a = "16"
    frequency_min_hz = "49"               # optional: the range an offer must keep inside
    frequency_max_hz = "51"
"""

from __future__ import annotations

from gridnode.config import units
from gridnode.config.reader import Table

#: How long the seller's supply may stay out of range before it cuts, unless [terms]
#: says otherwise: a meter poll and a tick under the buyer's default grace
#: (``BUYER_GRACE_MS``), so an honest seller cuts before a buyer sees a breach.
DEFAULT_GRACE_MS = 1_000
#: How long a buyer lets voltage stay out of range before it stops paying, unless
#: [limits] says otherwise (voltage_grace_s).
BUYER_GRACE_MS = 2_000


def optional_current(table: Table, key: str) -> int:
    """Amperes as milliamperes; 0 when the key is absent (no limit, no need)."""
    if not table.has(key):
        table.get(key, object, "")  # marks the key as read
        return 0
    value = units.milli(table, key)
    if value < 0:
        table.problems.add(
            f"{table.name(key)} cannot be negative, not {units.shown_milli(value)} A"
        )
    return max(0, value)


def phase_currents(table: Table, key: str, phases: int, most: int | None = None) -> tuple[int, ...]:
    """One current per phase, L1 first, as milliamperes (empty when absent); each above
    0 and, with ``most``, at most that."""
    if not table.has(key):
        table.get(key, object, "")
        return ()
    raw = table.get(key, list, hint='one current per phase, like ["32", "16", "16"]')
    if len(raw) != phases:
        table.problems.add(
            f"{table.name(key)} names {len(raw)} current(s); with phases = {phases} it needs "
            f"one per phase, L1 first"
        )
        return ()
    found: list[int] = []
    for i, item in enumerate(raw):
        try:
            value = units.parse_milli(item)
        except units.UnitError as exc:
            table.problems.add(f"{table.name(key)}[{i}] (L{i + 1}) {exc}")
            return ()
        if value <= 0 or (most is not None and value > most):
            bound = f" and at most current_max_a ({units.shown_milli(most)} A)" if most else ""
            table.problems.add(
                f"{table.name(key)}[{i}] (L{i + 1}) is {units.shown_milli(value)} A; it must "
                f"be above 0 A{bound}"
            )
            return ()
        found.append(value)
    return tuple(found)


def frequency_range(table: Table) -> tuple[int, int]:
    """``frequency_min_hz`` and ``frequency_max_hz`` as mHz: both or neither (0, 0)."""
    low_key, high_key = "frequency_min_hz", "frequency_max_hz"
    if not table.has(low_key) and not table.has(high_key):
        table.get(low_key, object, "")
        table.get(high_key, object, "")
        return 0, 0
    low, high = units.milli(table, low_key), units.milli(table, high_key)
    if not table.has(low_key) or not table.has(high_key):
        return 0, 0  # the missing one is reported by milli
    if not 0 < low <= high:
        table.problems.add(
            f"{table.name(low_key)} and {high_key} must be above 0 Hz with the minimum at "
            f"most the maximum, not {units.shown_milli(low)} and {units.shown_milli(high)} Hz"
        )
        return 0, 0
    return low, high
