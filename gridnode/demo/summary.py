"""The demo's closing summary, from both ledgers and both meters.

Exposure is sampled from each node's status socket every 200 ms: the buyer's paid-ahead
amount (what its ledger says it paid, less the cost of what its own meter measured) and
the seller's unpaid amount (the cost of what its meter measured, less what its ledger
credited). Seconds of exposure are that amount over the cost of one second of energy at
the contracted maximum power at the rate of the moment. A three-phase demo adds, per
seller meter, the energy of each phase and in total as its registers say, and each
phase's peak current (``phases``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.demo.configs import DemoTerms, NodeFiles
from gridnode.ledger import CreditNoteState, LedgerStore, PaymentStatus
from gridnode.status.pb import status_pb2 as pb
from gridnode.trade.seller_metered import SELLER_METERED_ID


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
            if s.meter_id and s.meter_id != SELLER_METERED_ID:  # a buyer with no meter
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


#: Fault entries of the electrical protection (the seller's cut, the buyer's own draw);
#: the journal's other faults are failed wallet effects.
_ELECTRICAL = ("supply cut: ", "this buyer's draw breaks the terms")


@dataclass
class _Ledgers:
    """What the summary counts in the demo's ledgers (read-only, beside the nodes)."""

    paid_msat: int = 0
    payments: int = 0
    invoices: int = 0
    renewals: int = 0
    relay_switches: int = 0
    breaches: list[dict[str, object]] = field(default_factory=list)
    #: per buyer: the unused credit the seller paid back (issue 19)
    credit_returned_msat: dict[str, int] = field(default_factory=dict)
    #: cuts by the seller's electrical protection, and a buyer's own draw over the terms
    faults: list[dict[str, object]] = field(default_factory=list)

    def add_buyer(self, name: str, ledger: Path) -> None:
        if not ledger.exists():
            return
        with LedgerStore.open_readonly(ledger) as store:
            for payment in store.payments.find(status=PaymentStatus.SUCCEEDED):
                self.paid_msat += payment.amount.msat
                self.payments += 1
            self._breaches(name, store)
            self.credit_returned_msat[name] = sum(
                note.credit.msat for note in store.credit.find(state=CreditNoteState.PAID)
            )

    def add_seller(self, ledger: Path) -> None:
        if not ledger.exists():
            return
        with LedgerStore.open_readonly(ledger) as store:
            self._breaches("seller", store)
            self.invoices += len(store.invoices.find())
            for session in store.sessions.find():
                self.renewals += sum(
                    entry.text.startswith("renewal accepted")
                    for entry in store.sessions.entries(session.session_id)
                )
            self.relay_switches += len(store.evidence.relay_switches())

    def _breaches(self, node: str, store: LedgerStore) -> None:
        self.breaches += [
            {"node": node, "kind": b.kind, "text": b.text} for b in store.evidence.breaches()
        ]
        for session in store.sessions.find():
            for entry in store.sessions.entries(session.session_id, ("fault",)):
                if entry.text.startswith(_ELECTRICAL):
                    self.faults.append({"node": node, "text": entry.text})


def phase_summary(root: Path) -> dict[str, object]:
    """Per phase, for a three-phase demo: each seller meter's import energy on each phase
    and in total as its registers say (from the circuit's state file), the most the two
    may differ by the meter's own resolution, and each phase's peak current."""
    path = root / "circuit.json"
    if not path.is_file():
        return {}
    state = json.loads(path.read_text())
    found: dict[str, object] = {}
    for i, circuit in enumerate(state.get("circuits", []), start=1):
        meter = circuit.get("seller_meter")
        if not isinstance(meter, dict):
            continue
        # each of the four registers: half a float32 step and half a mWh of rounding;
        # each phase's counter: up to one mWh under the total's
        resolution_mwh = 4 * (meter["step_mwh"] / 2 + 0.5) + 3
        found[f"seller-meter-{i}"] = {
            "energy_wh": [e / 1000 for e in meter["phase_import_mwh"]],
            "total_wh": meter["import_mwh"] / 1000,
            "resolution_wh": round(resolution_mwh / 1000, 6),
            "peak_current_a": [round(a, 3) for a in circuit.get("peak_current_a", [])],
        }
    return found


def summarize(
    root: Path,
    seller: NodeFiles,
    buyers: list[NodeFiles],
    sampler: Sampler,
    started: float,
    terms: DemoTerms,
) -> dict[str, object]:
    counted = _Ledgers()
    for buyer in buyers:
        counted.add_buyer(buyer.name, buyer.ledger)
    counted.add_seller(seller.ledger)
    phases = phase_summary(root)
    return {
        **({"phases": phases} if phases else {}),
        "energy_delivered_wh": {m: e / 1000 for m, e in sorted(sampler.energy_mwh.items())},
        "paid_msat": counted.paid_msat,
        "payments": counted.payments,
        "invoices": counted.invoices,
        "renewals": counted.renewals,
        "relay_switches": counted.relay_switches,
        "max_paid_ahead_msat": sampler.max_paid_ahead_msat,
        "max_paid_ahead_s": round(sampler.max_paid_ahead_s, 2),
        "max_unpaid_msat": sampler.max_unpaid_msat,
        "max_unpaid_s": round(sampler.max_unpaid_s, 2),
        "breaches": counted.breaches,
        "credit_returned_msat": counted.credit_returned_msat,
        "faults": counted.faults,
        "receipts": [],
        "dir": str(root),
        "seconds": round(time.time() - started, 1),
        "status_samples": sampler.samples,
        "terms": {"prepayment_msat": terms.prepayment_msat, "prepayment_s": terms.prepayment_s},
    }


def per_buyer(receipts: Mapping[str, Sequence[Path]]) -> dict[str, dict[str, int]]:
    """Each buyer's sessions summed from their receipts: the energy by the seller's meter
    (its signed readings, in mWh) and the payments for energy (deposits aside, in msat),
    the figures `gridnode statement` shows per tenant."""
    out: dict[str, dict[str, int]] = {}
    for name, paths in receipts.items():
        energy = paid = 0
        for path in paths:
            receipt = json.loads(path.read_text())
            energy += int(receipt["totals"]["energy_mwh"]["seller"])
            paid += sum(
                int(p["amount_msat"]) for p in receipt["payments"] if p["purpose"] != "deposit"
            )
        out[name] = {"energy_seller_mwh": energy, "paid_msat": paid}
    return out
