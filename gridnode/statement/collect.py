"""From a ledger and its archive to a month's :class:`~gridnode.statement.model.Statement`.

A session belongs to the month when it was open during any part of it, and counts only
what happened inside it: the energy of each step of a signed series that started in the
month (by each meter), the payments settled in the month. A session that runs across a
month's end is split at it, exactly, so two months' statements add up to the receipt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gridnode.errors import GridnodeError
from gridnode.ledger import LedgerStore
from gridnode.ledger.archive import default_archive_dir
from gridnode.receipt.accounting import Interval, intervals
from gridnode.receipt.export import build_receipt, receipt_sessions
from gridnode.receipt.files import receipt_path
from gridnode.receipt.model import dumps
from gridnode.receipt.terms import accepted_offers
from gridnode.statement.fiat import Prices
from gridnode.statement.model import (
    DepositState,
    Month,
    SessionLine,
    Statement,
    TenantStatement,
)
from gridnode.trade.terms import Offer

#: A deposit's invoice state (seller's ledger) or payment state (buyer's) to what it means.
_DEPOSIT_STATES = {
    "accepted": DepositState.HELD,
    "in_flight": DepositState.HELD,
    "canceled": DepositState.RELEASED,
    "failed": DepositState.RELEASED,
    "settled": DepositState.TAKEN,
}


def collect(
    ledger: Path,
    month: Month,
    *,
    names: Mapping[str, str] | None = None,
    own_fingerprint: str = "",
    archive_dir: Path | None = None,
    only: str | None = None,
    prices: Prices | None = None,
) -> Statement:
    """The statement of ``month`` from ``ledger`` and its archive. ``names`` maps a
    peer's fingerprint to its configured name; ``only`` keeps one peer (by name)."""
    names = names or {}
    with LedgerStore.open_readonly(ledger) as store:
        role = store.role
        breaches: dict[str, list[str]] = {}
        for b in store.evidence.breaches():
            breaches.setdefault(b.session_id, []).append(b.text)
    receipts, notes = _ledger_receipts(ledger, breaches)
    seen = {r.receipt["session_id"] for r in receipts}
    archived, archive_notes = _archived(archive_dir or default_archive_dir(ledger), seen)
    lines: dict[str, list[SessionLine]] = {}
    fingerprints: dict[str, str] = {}
    for found in [*receipts, *archived]:
        line = _line(found, month, role, names, prices)
        if line is None or (only is not None and line.peer != only):
            continue
        lines.setdefault(line.peer, []).append(line)
        fingerprints[line.peer] = line.peer_fingerprint
        own_fingerprint = own_fingerprint or _party(found.receipt, _sides(found.receipt, role)[0])
    tenants = tuple(
        TenantStatement(name, fingerprints[name], tuple(sorted(group, key=lambda x: x.opened)))
        for name, group in sorted(lines.items())
    )
    return Statement(
        month,
        role,
        own_fingerprint,
        tenants,
        prices.currency if prices else None,
        tuple(notes + archive_notes),
    )


class _Found:
    """A receipt with where it came from and what the ledger adds (breaches)."""

    def __init__(
        self, receipt: Mapping[str, Any], file: str, sha256: str, source: str, breaches: list[str]
    ) -> None:
        self.receipt = receipt
        self.file = file
        self.sha256 = sha256
        self.source = source
        self.breaches = breaches


def _ledger_receipts(
    ledger: Path, breaches: Mapping[str, list[str]]
) -> tuple[list[_Found], list[str]]:
    found, notes = [], []
    for name, protocol_id in receipt_sessions(ledger):
        try:
            receipt = build_receipt(ledger, name)
        except GridnodeError as exc:
            notes.append(f"session {name}: no receipt ({exc})")
            continue
        text = dumps(receipt).encode()
        file = receipt_path(Path("."), protocol_id).name
        found.append(
            _Found(
                receipt, file, hashlib.sha256(text).hexdigest(), "ledger", breaches.get(name, [])
            )
        )
    return found, notes


def _archived(folder: Path, seen: set[str]) -> tuple[list[_Found], list[str]]:
    found: list[_Found] = []
    notes: list[str] = []
    if not folder.is_dir():
        return found, notes
    for path in sorted(folder.glob("receipt-*.json")):
        data = path.read_bytes()
        try:
            receipt = json.loads(data)
        except ValueError:
            notes.append(f"{path.name}: not JSON, left out")
            continue
        if not isinstance(receipt, dict) or "no_receipt" in receipt:
            notes.append(f"{path.name}: archived without a receipt, left out")
            continue
        if receipt.get("session_id") in seen:
            continue
        sha256 = hashlib.sha256(data).hexdigest()
        found.append(_Found(receipt, path.name, sha256, "archive", _faults_said(receipt)))
    return found, notes


def _faults_said(receipt: Mapping[str, Any]) -> list[str]:
    """A pruned session's breaches, from its receipt: the ledger's breach rows went with
    the prune, but the receipt keeps every Suspend and Close that named a fault."""
    said: list[str] = []
    for item in receipt.get("faults", []):
        if isinstance(item, Mapping):
            who, cause = item.get("from", "a party"), item.get("cause", "fault")
            said.append(f"{who} {item.get('message', 'said')} ({cause}): {item.get('text', '')}")
    return said


def _sides(receipt: Mapping[str, Any], role: str) -> tuple[str, str]:
    """This node's side of the receipt's session and its peer's: the ledger's ``role``,
    unless the receipt says otherwise (a battery node's one ledger is a seller's and
    holds the sessions it bought on too, each exported by its own side)."""
    by = receipt.get("exported", {}).get("by")
    own = by if by in ("seller", "buyer") else role
    return own, "buyer" if own == "seller" else "seller"


def _party(receipt: Mapping[str, Any], role: str) -> str:
    for party in receipt.get("parties", []):
        if party.get("role") == role:
            return str(party.get("fingerprint", ""))
    return ""


def _ms(iso: str | None) -> int | None:
    if not iso:
        return None
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def _line(
    found: _Found,
    month: Month,
    role: str,
    names: Mapping[str, str],
    prices: Prices | None,
) -> SessionLine | None:
    receipt = found.receipt
    exported = receipt.get("exported", {})
    opened, closed = _ms(exported.get("opened")), _ms(exported.get("closed"))
    if (
        opened is None
        or opened >= month.stop_ms
        or (closed is not None and closed < month.start_ms)
    ):
        return None
    offers = accepted_offers(receipt)
    readings = receipt.get("readings", {})
    steps = {
        side: [s for s in intervals(readings.get(side, []), offers) if month.holds(s.start_ms)]
        if offers
        else []
        for side in ("seller", "buyer")
    }
    cost = sum((s.cost_msat for s in steps["seller"]), start=0)
    paid = [
        p
        for p in receipt.get("payments", [])
        if p.get("purpose") != "deposit" and _in_month(p, month, opened)
    ]
    deposit_msat, deposit_state = _deposit(receipt)
    fingerprint = _party(receipt, _sides(receipt, role)[1])
    return SessionLine(
        session_id=str(receipt.get("session_id", "")),
        peer=names.get(fingerprint, fingerprint[:16]),
        peer_fingerprint=fingerprint,
        opened=str(exported.get("opened")),
        closed=exported.get("closed"),
        state=str(exported.get("state", "")),
        energy_seller_mwh=sum(s.energy_mwh for s in steps["seller"]),
        energy_buyer_mwh=sum(s.energy_mwh for s in steps["buyer"]),
        cost_msat=int(cost.numerator // cost.denominator) if cost else 0,
        paid_msat=sum(int(p.get("amount_msat", 0)) for p in paid),
        fees_msat=sum(int(p.get("fee_msat", 0)) for p in paid),
        payments=len(paid),
        deposit_msat=deposit_msat,
        deposit_state=deposit_state,
        breaches=tuple(found.breaches),
        tariffs=tariffs(offers, steps["seller"]),
        receipt_file=found.file,
        receipt_sha256=found.sha256,
        source=found.source,
        fiat=_fiat(receipt, paid, deposit_msat, deposit_state, opened, prices),
    )


def _in_month(payment: Mapping[str, Any], month: Month, opened: int) -> bool:
    settled = _ms(payment.get("settled"))
    return month.holds(settled if settled is not None else opened)


def _deposit(receipt: Mapping[str, Any]) -> tuple[int, DepositState]:
    for invoice in receipt.get("invoices", []):
        if invoice.get("purpose") == "deposit":
            state = _DEPOSIT_STATES.get(str(invoice.get("state")), DepositState.NONE)
            return int(invoice.get("amount_msat", 0)), state
    return 0, DepositState.NONE


def _fiat(
    receipt: Mapping[str, Any],
    paid: Sequence[Mapping[str, Any]],
    deposit_msat: int,
    deposit_state: DepositState,
    opened: int,
    prices: Prices | None,
) -> Any:
    if prices is None:
        return None
    amounts = [(_day(_ms(p.get("settled")) or opened), int(p.get("amount_msat", 0))) for p in paid]
    if deposit_state is DepositState.TAKEN:
        taken = [p for p in receipt.get("payments", []) if p.get("purpose") == "deposit"]
        amounts += [(_day(_ms(p.get("settled")) or opened), deposit_msat) for p in taken[:1]]
    return prices.value(amounts)


def _day(at_ms: int) -> date:
    return datetime.fromtimestamp(at_ms / 1000, UTC).date()


def tariffs(offers: Sequence[Offer], steps: Sequence[Interval]) -> tuple[str, ...]:
    """Each distinct rate profile in force, with the price range the month's steps saw."""
    kinds: list[str] = []
    for offer in offers:
        name = type(offer.profile).__name__.removesuffix("Profile")
        words = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
        if words not in kinds:
            kinds.append(words)
    if not kinds:
        return ()
    prices = [s.price_msat_per_kwh for s in steps]
    if not prices:
        return tuple(kinds)
    low, high = min(prices) / 1000, max(prices) / 1000
    span = (
        f"{float(low):,.0f} sat/kWh"
        if low == high
        else f"{float(low):,.0f}-{float(high):,.0f} sat/kWh"
    )
    return tuple(f"{kind}, {span}" for kind in kinds)
