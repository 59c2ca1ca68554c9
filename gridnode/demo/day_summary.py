"""The estate day's figures (``gridnode demo --estate --json``): the battery's day and
each household's cost against buying only from the grid connection.

The battery's state of charge is the inverter's (the circuit keeps it every few
seconds); its energy in and out are the metered energy at its AC terminals (what the
PV's and the grid's meters counted into its circuit, what its own meters counted into
the households'), and its revenue and cost are what its sessions' energy cost at the
agreed rates (its receipts as seller and as buyer, :func:`energy_cost_msat`). The
energy balance sets the change in stored energy against ``in × charge efficiency −
out / discharge efficiency − self-discharge``, once
with the circuit's meters and once with the energy of the sessions' signed readings
(the receipts): the two residuals are what a test holds within the meters' tolerance.

A household's grid-only cost prices each step of its own meter's signed readings at
the grid's time-of-use tariff over that step, by the receipts' cost rule
(:meth:`gridnode.demo.day.Day.grid_cost_exact`).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from gridnode.demo.configs import NodeFiles
from gridnode.demo.day import Day
from gridnode.ledger import LedgerStore
from gridnode.ledger.rows import ReadingSide
from gridnode.receipt.accounting import MAX_PRICED_STEP_MS, points

_PPM = 1_000_000
_MWH_PER_KWH = 1_000_000


def battery_figures(state: Mapping[str, Any], receipts: Sequence[Path]) -> dict[str, object]:
    """The battery's day from the circuit's ``battery`` state and its receipts."""
    capacity = int(state["capacity_mwh"])
    stored = [int(mwh) for _, mwh in state["series"]] or [int(state["stored_mwh"])]
    start, end = int(state["start_mwh"]), int(state["stored_mwh"])
    imported, exported = int(state["import_mwh"]), int(state["export_mwh"])
    leak = float(state["self_discharge_mwh"])
    charge, discharge = int(state["charge_ppm"]), int(state["discharge_ppm"])
    sold = bought = revenue = cost = sessions_sold = sessions_bought = 0
    for path in receipts:
        receipt = json.loads(path.read_text())
        energy = int(receipt["totals"]["energy_mwh"]["seller"])
        paid = energy_cost_msat(receipt)
        if receipt["exported"]["by"] == "seller":
            sold, revenue, sessions_sold = sold + energy, revenue + paid, sessions_sold + 1
        else:
            bought, cost, sessions_bought = bought + energy, cost + paid, sessions_bought + 1
    return {
        "capacity_mwh": capacity,
        "soc_mwh": {"start": start, "end": end, "min": min(stored), "max": max(stored)},
        "soc_percent": {
            "start": _percent(start, capacity),
            "end": _percent(end, capacity),
            "min": _percent(min(stored), capacity),
            "max": _percent(max(stored), capacity),
        },
        "energy_in_mwh": imported,
        "energy_out_mwh": exported,
        "losses_mwh": imported - exported - (end - start),
        "self_discharge_mwh": round(leak),
        "balance_residual_mwh": _residual(end - start, imported, exported, leak, charge, discharge),
        "sessions": {"sold": sessions_sold, "bought": sessions_bought},
        "metered_sold_mwh": sold,
        "metered_bought_mwh": bought,
        "receipts_balance_residual_mwh": _residual(
            end - start, bought, sold, leak, charge, discharge
        ),
        "revenue_msat": revenue,
        "cost_msat": cost,
        "margin_msat": revenue - cost,
    }


def _percent(mwh: int, capacity_mwh: int) -> float:
    return round(100 * mwh / capacity_mwh, 2) if capacity_mwh else 0.0


def _residual(
    change: int, imported: int, exported: int, leak: float, charge: int, discharge: int
) -> int:
    """The change in stored energy less what the metered flows explain (mWh)."""
    expected = imported * charge / _PPM - exported * _PPM / discharge - leak
    return round(change - expected)


def energy_cost_msat(receipt: Mapping[str, Any]) -> int:
    """What a session's energy cost: the seller's metered energy at the agreed rate
    (the receipt's ``totals.cost_msat``), which the prepayments paid; what they paid
    beyond it is the credit, returned or carried into the next session."""
    return int(receipt["totals"]["cost_msat"]["seller"])


def household_costs(
    households: Sequence[NodeFiles], day: Day, receipts: Mapping[str, Sequence[Path]]
) -> dict[str, dict[str, int]]:
    """Each household's cost for its energy (its receipts) against its own metered
    energy priced at the grid's tariff, step by step of its signed readings as a
    receipt prices them (:meth:`Day.grid_cost_exact`; a step longer than a receipt
    prices is left out of both)."""
    out: dict[str, dict[str, int]] = {}
    for files in households:
        if not files.ledger.exists():
            continue
        paid = sum(
            energy_cost_msat(json.loads(p.read_text())) for p in receipts.get(files.name, [])
        )
        energy, grid_only, sessions = 0, Fraction(0), 0
        with LedgerStore.open_readonly(files.ledger) as store:
            for row in store.sessions.find():
                sessions += 1
                own = store.evidence.readings(row.session_id, ReadingSide.OWN)
                records = [r.record for r in own]
                for before, after in itertools.pairwise(points(records)):
                    if after.at_ms - before.at_ms > MAX_PRICED_STEP_MS:
                        continue
                    mwh = max(0, after.register_mwh - before.register_mwh)
                    energy += mwh
                    grid_only += day.grid_cost_exact(mwh, before.at_ms, after.at_ms)
        grid_only_msat = math.ceil(grid_only)
        out[files.name] = {
            "sessions": sessions,
            "metered_mwh": energy,
            "cost_msat": paid,
            "grid_only_msat": grid_only_msat,
            "saved_msat": grid_only_msat - paid,
        }
    return out
