"""The demo as a landlord's block of flats: many buyers, shared payers, stalled tenants.

- ``--terms real`` pays at the real-install defaults (docs/cadence.md) with the demo's
  loads: a payment every minute or two per buyer instead of every couple of seconds.
- ``--payers K``: K LND nodes pay for every buyer (buyer ``i`` on payer ``i mod K``),
  each buyer with its own least-privilege macaroon baked on its payer; each buyer is
  still its own process with its own identity, ledger, meter and relay.
- ``--stall K``: K buyers stop paying partway (SIGSTOP, as the regtest tests do), so
  the summary measures how soon the seller opens their relays; they are continued
  before the demo stops, to close cleanly.
- the seller's bus runs at the speed the bus budget needs for its meters.

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

from gridnode.demo.configs import DemoTerms, NodeFiles
from gridnode.demo.cost import CostSampler
from gridnode.demo.latency import buyer_account, latency_ms
from gridnode.hardware.budget import bus_budget
from gridnode.hardware.profile import load_profile

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

#: The seller's bus: the fastest baud SDM meters speak, and the gaps tried, longest first.
FAST_BAUD = 38_400
GAPS_MS = (20, 10, 5, 2)
#: The poll round the demo aims for (s): well inside the demo policy's 1.5 s freshness.
TARGET_ROUND_S = 0.5


def terms_named(name: str, period_s: int | None, *, three_phase: bool = False) -> DemoTerms:
    """The terms ``demo`` or ``real``, with ``--period`` and ``--three-phase`` applied."""
    base = TERMS[name]
    period_s = base.period_s if period_s is None else period_s
    return dataclasses.replace(base, period_s=period_s, three_phase=three_phase)


def seller_bus(meters: int, model: str = "sdm120") -> tuple[int, int, float]:
    """(baud, gap_ms, poll round s) for the seller's bus with ``meters`` SDM120s: today's
    9600 baud and 20 ms for up to three meters or while the round stays within
    :data:`TARGET_ROUND_S`, else 38400
    baud with the longest gap that does, else the shortest gap (the bus budget then says
    how long a round takes; more buses would shorten it)."""
    profile = load_profile(model)
    slow = bus_budget([profile] * meters, 9600, 0.020)
    if meters <= 3 or slow.poll_period_s <= TARGET_ROUND_S:
        return 9600, 20, slow.poll_period_s
    round_s = 0.0
    for gap_ms in GAPS_MS:
        round_s = bus_budget([profile] * meters, FAST_BAUD, gap_ms / 1000).poll_period_s
        if round_s <= TARGET_ROUND_S:
            return FAST_BAUD, gap_ms, round_s
    return FAST_BAUD, GAPS_MS[-1], round_s


def seller_bus_lines(meters: int, model: str = "sdm120") -> list[str]:
    """The seller's bus: as fast as the bus budget needs for its meters (issue 17)."""
    baud, gap_ms, _ = seller_bus(meters, model)
    return [f"baud = {baud}", f"gap_ms = {gap_ms}"]


def buyer_limits(terms: DemoTerms | None) -> list[str]:
    """The buyer's limits on payments, room for the seller's ``terms`` (today's demo
    limits for the demo's terms)."""
    if terms is None or terms.max_payment_msat <= 600:
        return [
            "min_period_s = 10",
            "max_period_s = 3600",
            "min_payment_msat = 50",
            "max_payment_msat = 600",
            "desired_payment_msat = 400",
            "max_prepayment_msat = 1_100",
            "max_prepayment_s = 5",
            "min_unpaid_s = 1",
            "max_deposit_msat = 100_000",
        ]
    return [
        "min_period_s = 10",
        f"max_period_s = {max(3600, terms.period_s)}",
        f"min_payment_msat = {terms.min_payment_msat}",
        f"max_payment_msat = {terms.max_payment_msat}",
        f"desired_payment_msat = {terms.max_payment_msat}",
        f"max_prepayment_msat = {terms.prepayment_msat + 10_000}",
        f"max_prepayment_s = {int(terms.prepayment_s)}",
        "min_unpaid_s = 1",
        f"max_deposit_msat = {terms.deposit_msat}",
    ]


def buyer_gap_ms(buyers: int) -> int:
    """A buyer's own bus: the demo's quick 20 ms gap for a few buyers; with many, the
    100 ms a real SDM meter needs. A buyer's one meter then reads every 0.45 s instead
    of every 0.17 s: the circuit process serves every meter of the estate, and a buyer
    needs no more (its payments come seconds apart at the quickest)."""
    return 20 if buyers <= 3 else 100


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
