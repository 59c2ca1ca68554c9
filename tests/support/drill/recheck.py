"""The supply checks again, from what a finished drill kept (``--dir DIR``): the
circuit's traces, the clock shifts and the kills (``DIR/demo/traces.json``), and the
seller's ledger and configuration. A change to the checks can so be tried on a run
without running it again (an hour and more)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gridnode.config.settings import SellerSettings, load_settings
from tests.support.drill.drill import WATCHDOG_TIMEOUT_S
from tests.support.drill.money import rows
from tests.support.drill.recorder import CircuitTrace, EnergySample
from tests.support.drill.supply import ClockShifts, SupplyReport, SupplyRules, check_supply
from tests.support.regtest.node_harness import SCHEDULING_MARGIN_S, TICK_S


def recheck_supply(root: Path) -> SupplyReport:
    """The supply report of the drill kept in ``root``. A node folder the drill ran on a
    tmpfs is kept beside it (``seller-disk``) and put back where the demo had it."""
    demo = root / "demo"
    seller = demo / "seller"
    kept_disk = root / "seller-disk"
    if kept_disk.is_dir() and not (seller / "seller.toml").exists():
        shutil.copytree(kept_disk, seller, dirs_exist_ok=True)
    for name in ("buyer-1",):
        disk, folder = root / f"{name}-disk", demo / name
        if disk.is_dir() and not (folder / "node.crt").exists():
            shutil.copytree(disk, folder, dirs_exist_ok=True)
    kept = json.loads((demo / "traces.json").read_text())
    traces = {
        int(index): CircuitTrace(
            [EnergySample(at, int(mwh), bool(on)) for at, mwh, on in trace["samples"]],
            [(float(at), bool(on)) for at, on in trace["switches"]],
        )
        for index, trace in kept["traces"].items()
    }
    settings = load_settings(seller / "seller.toml")
    assert isinstance(settings, SellerSettings)
    terms = settings.selling.terms
    rules = SupplyRules(
        cutoff_msat=terms.policy.cutoff.msat,
        unpaid_cap_msat=terms.payments.unpaid.msat,
        restore_msat=terms.policy.restore.msat,
        cut_within_s=TICK_S + SCHEDULING_MARGIN_S,
        watchdog_within_s=WATCHDOG_TIMEOUT_S + SCHEDULING_MARGIN_S,
    )
    ledger = seller / "ledger.sqlite"
    fingerprints = [b.fingerprint for b in settings.selling.buyers]
    until_s = max((s.at_s for t in traces.values() for s in t.samples), default=0.0)
    shifts = ClockShifts([(float(at), int(ms)) for at, ms in kept["shifts"].get("seller", [])])
    assert rows(ledger, "SELECT count(*) FROM sessions")  # the ledger is there
    return check_supply(
        ledger,
        fingerprints,
        traces,
        terms.profile,
        rules,
        shifts=shifts,
        seller_kills_s=kept["kills"].get("seller", []),
        until_s=until_s,
    )
