"""The demo as a landlord's block of flats: many buyers, shared payers, stalled tenants.

- ``--terms real`` pays at the real-install defaults (docs/cadence.md) with the demo's
  loads: a payment every minute or two per buyer instead of every couple of seconds.
- ``--payers K``: K LND nodes pay for every buyer (buyer ``i`` on payer ``i mod K``),
  each buyer with its own least-privilege macaroon baked on its payer; each buyer is
  still its own process with its own identity, ledger, meter and relay.
- ``--stall K``: K buyers stop paying partway (SIGSTOP, as the regtest tests do), so
  the summary measures how soon the seller opens their relays; they are continued
  before the demo stops, to close cleanly.
- the seller's meters spread over as many buses (one pty each, polled at once) as the
  bus budget needs for a round within the terms' freshness (``--bus-baud``: at a given
  line speed, with a real line's timing; a slow one needs more buses).

The summary gains ``latency_ms``, ``node_cost`` and ``buyers`` (:mod:`gridnode.demo.latency`,
:mod:`gridnode.demo.cost`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.demo.bus import TARGET_ROUND_S as TARGET_ROUND_S
from gridnode.demo.bus import SellerBuses, round_target_s
from gridnode.demo.bus import buyer_gap_ms as buyer_gap_ms
from gridnode.demo.bus import buyer_limits as buyer_limits
from gridnode.demo.bus import seller_buses as seller_buses
from gridnode.demo.configs import DemoTerms, NodeFiles
from gridnode.demo.cost import CostSampler
from gridnode.demo.latency import buyer_account, latency_ms

#: The real-install payment defaults (gridnode.config.trade.REAL_INSTALL_PAYMENTS) with a
#: one-hour sale period, as docs/cadence.md recommends.
REAL_TERMS = DemoTerms(
    period_s=3600,
    min_payment_msat=1_000,
    max_payment_msat=20_000,
    prepayment_msat=30_000,
    prepayment_s=600.0,
    deposit_msat=200_000,
    unpaid_msat=20_000,
    unpaid_s=120.0,
)
Say = Callable[[str], None]

TERMS = {"demo": DemoTerms(), "real": REAL_TERMS}


def terms_named(name: str, period_s: int | None, *, three_phase: bool = False) -> DemoTerms:
    """The terms ``demo`` or ``real``, with ``--period`` and ``--three-phase`` applied."""
    base = TERMS[name]
    period_s = base.period_s if period_s is None else period_s
    return dataclasses.replace(base, period_s=period_s, three_phase=three_phase)


def seller_plan(buyers: int, terms: DemoTerms, baud: int | None = None) -> SellerBuses:
    """The seller's buses for ``buyers`` meters of ``terms``' model, each round within
    a third of the terms' freshness limit; ``baud``: at that line speed."""
    model = "sdm630" if terms.three_phase else "sdm120"
    real = terms.prepayment_s >= 60  # the seller's policy preset (gridnode.demo.configs)
    return seller_buses(buyers, model, round_target_s(real), baud)


def payer_of(buyer: int, payers: int) -> int:
    """The network node (1..payers) that pays for buyer ``buyer`` (1-based)."""
    return 1 + (buyer - 1) % payers


@dataclass
class Staller:
    """Stops ``count`` buyers (the last ones) paying at ``at_s`` into the run."""

    count: int
    at_s: float
    stalled_at_ms: dict[str, int] = field(default_factory=dict)
    _pids: dict[str, int] = field(default_factory=dict)

    def due(self, elapsed_s: float) -> bool:
        return self.count > 0 and not self.stalled_at_ms and elapsed_s >= self.at_s

    def stall(self, buyers: dict[str, int]) -> list[str]:
        """SIGSTOP the last ``count`` of ``buyers`` (name -> pid); returns their names."""
        names = list(buyers)[-self.count :]
        for name in names:
            signal_process(buyers[name], signal.SIGSTOP)
            self._pids[name] = buyers[name]
            self.stalled_at_ms[name] = int(time.time() * 1000)
        return names

    def resume(self) -> None:
        for pid in self._pids.values():
            signal_process(pid, signal.SIGCONT)
        self._pids.clear()


def signal_process(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def seller_log(directory: Path) -> Path:
    return directory / "seller.log"


class TenantWatch:
    """The demo harness's many-tenant duties: the cost sampler over the steady part, the
    stalled buyers, and the summary's ``latency_ms``, ``node_cost`` and ``buyers``."""

    def __init__(
        self, stall: int, seconds: float | None, payers: int, terms: DemoTerms | None = None
    ) -> None:
        run_s = seconds if seconds is not None else 300.0
        # a buyer stalled with real terms keeps power for minutes (what it paid ahead and
        # the seller's wait): stall it early, so the cut falls inside the run
        share = 0.1 if terms is not None and terms.prepayment_s >= 60 else 0.4
        self.staller = Staller(stall, at_s=share * run_s)
        self.costs = CostSampler(warmup_s=min(60.0, 0.25 * run_s))
        self.payers = payers
        self.begun = time.monotonic()
        self.stopped_ms: int | None = None
        self.started = False

    def start(self, pids: dict[str, int], lnd_pids: dict[str, int], circuit_pid: int) -> None:
        """Once (the tests watch the demo a second at a time)."""
        if self.started:
            return
        self.started = True
        for name, pid in pids.items():
            kind = (
                "seller" if name == "seller" else "buyer" if name.startswith("buyer") else "other"
            )
            self.costs.watch(name, kind, pid)
        for name, pid in lnd_pids.items():
            self.costs.watch(name, "lnd", pid)
        self.costs.watch("circuit", "circuit", circuit_pid)
        self.costs.start()
        self.begun = time.monotonic()

    async def run(self, buyers: dict[str, int], paused: dict[str, bool], say: Say) -> None:
        """Stall the buyers when it is time (the watcher is told they stopped on purpose)."""
        while not self.staller.due(time.monotonic() - self.begun):
            if self.staller.count == 0:
                return
            await asyncio.sleep(0.5)
        for name in self.staller.stall(buyers):
            paused[name] = True
            say(f"{name} stops paying (SIGSTOP): the seller must open its relay")

    def stop(self) -> None:
        """Before the nodes stop: end the steady part, continue the stalled buyers."""
        if self.stopped_ms is None:
            self.stopped_ms = int(time.time() * 1000)
            self.costs.stop()
            self.staller.resume()

    def figures(
        self, seller: NodeFiles, buyers: list[NodeFiles], energy_mwh: dict[str, int]
    ) -> dict[str, object]:
        stop_ms = self.stopped_ms or int(time.time() * 1000)
        accounts = {}
        for i, buyer in enumerate(buyers, start=1):
            account = buyer_account(
                seller.ledger,
                buyer.ledger,
                buyer.identity.fingerprint,
                self.staller.stalled_at_ms.get(buyer.name),
                stop_ms,
            )
            account["energy_wh"] = energy_mwh.get(f"seller-meter-{i}", 0) / 1000
            account["own_meter_wh"] = energy_mwh.get(f"house-{i}", 0) / 1000
            accounts[buyer.name] = account
        return {
            "latency_ms": latency_ms(
                seller.ledger, [b.ledger for b in buyers], seller_log(seller.directory), stop_ms
            ),
            "node_cost": self.costs.figures(),
            "buyers": accounts,
            "payers": {"lnd_nodes": self.payers, "buyers": len(buyers)},
            "stalled": sorted(self.staller.stalled_at_ms),
            "every_buyer_paid": all(a["payments"] for a in accounts.values()),
            "cut_without_cause": sorted(n for n, a in accounts.items() if a["cut_without_cause"]),
        }
