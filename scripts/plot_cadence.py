#!/usr/bin/env python3
"""Plot exposure against storage per day for a few payment steps (docs/cadence.png).

Reads the JSON that scripts/bench_storage.py prints (its ``exposure_against_storage``
rows and ``at_default_real_install_terms``) and draws, for a 2 kW mean load and a 7 kW
car charger, how many cents each payment step leaves exposed against how many MB a day
the payee's LND and ledger grow by, before compaction (what a node that runs for weeks
must plan for) and after pruning and compaction. The default real-install terms are
marked, and the 20 MB/day storage budget is a vertical line.

    .venv/bin/python scripts/plot_cadence.py [docs/bench_storage.json] [--out docs/cadence.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LABELS = {"house_2kw_mean": "2 kW mean load", "car_charger_7kw": "7 kW car charger"}
COLOURS = {"house_2kw_mean": "tab:blue", "car_charger_7kw": "tab:red"}


def plot(doc: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    rows = doc["exposure_against_storage"]
    defaults = doc["at_default_real_install_terms"]
    budget = defaults["assumptions"]["storage_budget_mb_per_day"]
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    for load, label in LABELS.items():
        mine = [r for r in rows if r["load"] == load]
        colour = COLOURS[load]
        for key, style, what in (
            ("payee_mb_per_day_raw", "-", "before compaction"),
            ("payee_mb_per_day_compacted", "--", "pruned and compacted"),
        ):
            ax.plot(
                [r[key] for r in mine],
                [r["exposure_cents"] for r in mine],
                style,
                marker="o",
                color=colour,
                label=f"{label}, {what}",
            )
        for r in mine:
            ax.annotate(
                f"{r['step_sat']} sat / {r['interval_s']:g} s",
                (r["payee_mb_per_day_raw"], r["exposure_cents"]),
                textcoords="offset points",
                xytext=(6, -3),
                fontsize=7,
                color=colour,
            )
        chosen = defaults["loads"][load]
        ax.plot(
            chosen["storage_raw"]["mb_per_day"]["payee"],
            chosen["exposure"]["buyer_paid_ahead_cents"],
            marker="*",
            markersize=16,
            color=colour,
            linestyle="none",
            label=f"default terms, {label} ({chosen['interval_s']:g} s)",
        )
    ax.axvline(budget, color="grey", linestyle=":", label=f"storage budget {budget} MB/day")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("storage per day, payee node (LND + ledger), MB")
    ax.set_ylabel("exposure per payment step, US cents")
    assumptions = defaults["assumptions"]
    ax.set_title(
        "Payment step: exposure against storage\n"
        f"({assumptions['usd_per_kwh']:.2f} USD/kWh, {assumptions['usd_per_btc']:,} USD/BTC; "
        f"LND 1 payment = {doc['lnd_bytes_per_payment']['raw']['payee'] / 1000:.1f} KB raw)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="?", type=Path, default=REPO / "docs" / "bench_storage.json")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "cadence.png")
    args = parser.parse_args()
    plot(json.loads(args.json.read_text()), args.out)
    print(args.out)


if __name__ == "__main__":
    main()
