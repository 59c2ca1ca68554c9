"""The bus budget of each RS-485 bus against the terms: a seller's meter readings go
stale when a bus's poll round is too long for the terms' ``reading_max_age`` (issue 17:
fifty meters on one bus, a round of 1.74 s, eleven paying buyers cut).

The configuration refuses a bus whose readings would be stale every round; this check
also warns about one with no room for a missed read (three rounds over the limit), and
says how many buses its meters need.
"""

from __future__ import annotations

from gridnode.config import checks
from gridnode.doctor.model import Check, ok, warning
from gridnode.hardware.config import HardwareConfig
from gridnode.hardware.profile import load_profile


def bus_budgets(config: HardwareConfig, reading_max_age_ms: int) -> list[Check]:
    """One line per bus with meters: its round, and whether the terms leave it room."""
    lines = []
    budgets = checks.bus_budgets(config)
    for bus in config.buses:
        budget = budgets.get(bus.port)
        if budget is None:
            continue
        name = f"bus {bus.port}"
        found = (
            f"{len(budget.meters)} meter(s) at {budget.baud} baud, {bus.gap_ms} ms gaps: each "
            f"read every {budget.poll_period_s:.2f} s, three rounds "
            f"{budget.freshness_limit_s:.2f} s against the terms' {reading_max_age_ms / 1000:g} s"
        )
        if budget.freshness_limit_s * 1000 <= reading_max_age_ms:
            lines.append(ok(name, found))
            continue
        profiles = [load_profile(m.model) for m in config.meters_on(bus)]
        spread = checks.spread_hint(bus, profiles, reading_max_age_ms / 3000)
        lines.append(
            warning(
                f"{name} budget",
                f"{found}: over budget, one missed read (a CRC error) lets a reading go stale "
                "and cuts a paying buyer",
                f"{spread[0].upper()}{spread[1:]}; or a higher baud (the same on every meter) "
                "or a shorter gap_ms."
                if spread
                else "Raise the baud (the same on every meter) or shorten gap_ms.",
            )
        )
    return lines
