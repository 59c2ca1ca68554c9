"""The demo's closing summary, from both ledgers and both meters.

Exposure is sampled from each node's status socket every 200 ms: the buyer's paid-ahead
amount (what its ledger says it paid, less the cost of what its own meter measured) and
the seller's unpaid amount (the cost of what its meter measured, less what its ledger
credited). Seconds of exposure are that amount over the cost of one second of energy at
the contracted maximum power at the rate of the moment.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.demo.configs import DemoTerms, NodeFiles
from gridnode.status.pb import status_pb2 as pb


@dataclass
class Sampler:
    max_paid_ahead_msat: int = 0
    max_paid_ahead_s: float = 0.0
    max_unpaid_msat: int = 0
    max_unpaid_s: float = 0.0
    energy_mwh: dict[str, int] = field(default_factory=dict)
    samples: int = 0

    def add(self, name: str, status: pb.NodeStatus) -> None:
        self.samples += 1
        for s in status.sessions:
            if s.meter_id:
                self.energy_mwh[s.meter_id] = s.energy_total_mwh
            if not s.session_id or not s.rate_msat_per_kwh or not s.max_power_mw:
                continue
            msat_per_s = s.rate_msat_per_kwh * s.max_power_mw / 1e6 / 3600
            seconds = s.exposure_msat / msat_per_s
            if status.role == "seller":
                self.max_unpaid_msat = max(self.max_unpaid_msat, s.exposure_msat)
                self.max_unpaid_s = max(self.max_unpaid_s, seconds)
            else:
                self.max_paid_ahead_msat = max(self.max_paid_ahead_msat, s.exposure_msat)
                self.max_paid_ahead_s = max(self.max_paid_ahead_s, seconds)


def _rows(ledger: Path, sql: str) -> list[tuple[object, ...]]:
    if not ledger.exists():
        return []
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        return list(db.execute(sql).fetchall())
    finally:
        db.close()


def summarize(
    root: Path,
    seller: NodeFiles,
    buyers: list[NodeFiles],
    sampler: Sampler,
    started: float,
    terms: DemoTerms,
) -> dict[str, object]:
    paid = payments = 0
    breaches: list[dict[str, object]] = []
    for buyer in buyers:
        for (amount,) in _rows(
            buyer.ledger,
            "SELECT amount_msat FROM payments WHERE status = 'succeeded'",
        ):
            assert isinstance(amount, int)
            paid += amount
            payments += 1
        breaches += [
            {"node": buyer.name, "kind": k, "text": t}
            for k, t in _rows(buyer.ledger, "SELECT kind, text FROM breaches")
        ]
    breaches += [
        {"node": "seller", "kind": k, "text": t}
        for k, t in _rows(seller.ledger, "SELECT kind, text FROM breaches")
    ]
    invoices = len(_rows(seller.ledger, "SELECT 1 FROM invoices"))
    renewals = len(
        _rows(seller.ledger, "SELECT 1 FROM journal WHERE text LIKE 'renewal accepted%'")
    )
    switches = len(_rows(seller.ledger, "SELECT 1 FROM relay_switches"))
    return {
        "energy_delivered_wh": {m: e / 1000 for m, e in sorted(sampler.energy_mwh.items())},
        "paid_msat": paid,
        "payments": payments,
        "invoices": invoices,
        "renewals": renewals,
        "relay_switches": switches,
        "max_paid_ahead_msat": sampler.max_paid_ahead_msat,
        "max_paid_ahead_s": round(sampler.max_paid_ahead_s, 2),
        "max_unpaid_msat": sampler.max_unpaid_msat,
        "max_unpaid_s": round(sampler.max_unpaid_s, 2),
        "breaches": breaches,
        "receipts": [],
        "dir": str(root),
        "seconds": round(time.time() - started, 1),
        "status_samples": sampler.samples,
        "terms": {"prepayment_msat": terms.prepayment_msat, "prepayment_s": terms.prepayment_s},
    }
