"""Nothing lost, as the ledgers and LND tell it: every check the drill makes of the money.

The ledgers are read directly (SQLite, read-only); LND through the second client
(lnd-grpc-client in its own process, :class:`tests.support.regtest.lnd.LndProbe`), never
gridnode's adapter. After a fault a node may still be catching up (a settlement LND made
while the seller was down is credited when its stream resumes), so what can only be
judged once everything has settled is checked at the end (``final``):

- **credited once**: every invoice LND settled is in the seller's ledger as settled, with
  LND's amount and settle index, and credited to its session at most once (exactly once
  at the end, unless its session ended before it settled); the wallet cursor is past it;
- **paid once**: no payment hash is attempted twice, in one ledger or across buyers, and
  no LND payment exists that the buyer's ledger does not hold (a row is written before
  the wallet sees an invoice);
- **ledger = LND**: what each ledger says of a payment or an invoice is what LND says;
  at the end no payment the ledger calls in flight is finished in LND, and no deposit is
  left locked (accepted) in LND.

The nodes trade on while the checks read, so each ledger is read twice, before LND and
after: what a ledger says has happened (settled, paid) LND did first, so it is judged
by the ledger read before LND's; what LND holds its node wrote first, so it is judged
by the ledger read after. One read on either side judges a payment that finished in
between a disagreement (the full drill's 230301a9 "settled here, OPEN in LND").
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridnode.regtest.daemons import LndNode
from tests.support.regtest.lnd import LndProbe

#: Invoices and payments the regtest network made itself (its channel probes).
PROBE_MEMO = "probe "


@dataclass(frozen=True, slots=True)
class Problem:
    """Something lost or wrong: which check, and a sentence with the evidence."""

    check: str
    text: str


@dataclass(frozen=True, slots=True)
class Party:
    """One node as the checks see it: its ledger and its LND."""

    name: str
    ledger: Path
    lnd: LndNode


@dataclass
class MoneyReport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, check: str, text: str) -> None:
        self.problems.append(Problem(check, text))


def rows(ledger: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on a ledger opened read-only (beside its running node); none
    while the file does not exist, or exists without its tables: its node has just
    created it and not yet its schema (a drill on a busy machine read one so)."""
    return snapshot(ledger, sql)[0]


def snapshot(ledger: Path, *queries: str) -> list[list[tuple[Any, ...]]]:
    """The rows of each query, all read in one read transaction: one moment of the
    ledger, however its node writes meanwhile."""
    if not ledger.exists():
        return [[] for _ in queries]
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=30, isolation_level=None)
    try:
        db.execute("BEGIN")
        return [list(db.execute(sql).fetchall()) for sql in queries]
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return [[] for _ in queries]
        raise
    finally:
        db.close()


def payments_succeeded(ledger: Path) -> int:
    """How many payments the buyer's ``ledger`` holds as succeeded."""
    found = rows(ledger, "SELECT count(*) FROM payments WHERE status = 'succeeded'")
    return int(found[0][0]) if found else 0


def check_money(seller: Party, buyers: list[Party], probe: LndProbe, *, final: bool) -> MoneyReport:
    report = MoneyReport()
    invoices_before = _seller_invoices(seller.ledger)
    payments_before = {buyer.name: _buyer_payments(buyer.ledger) for buyer in buyers}
    invoices = {i["payment_hash"]: i for i in probe.ask("invoices", seller.lnd)}
    paid = {b.name: {p["payment_hash"]: p for p in probe.ask("payments", b.lnd)} for b in buyers}
    probes = {h for h, i in invoices.items() if str(i["memo"]).startswith(PROBE_MEMO)}
    _seller(seller, invoices_before, invoices, report, final)
    seen: dict[str, str] = {}
    for buyer in buyers:
        _buyer(buyer, payments_before[buyer.name], paid[buyer.name], invoices, report, final)
        held = _hashes(buyer.ledger, "payments")  # after LND's: every payment it holds
        for payment_hash, theirs in paid[buyer.name].items():
            if payment_hash not in held and payment_hash not in probes:
                report.add(
                    "paid_once",
                    f"{buyer.name}'s LND has a {theirs['status']} payment {payment_hash} "
                    "its ledger never held",
                )
        for payment_hash in held:
            other = seen.setdefault(payment_hash, buyer.name)
            if other != buyer.name:
                report.add("paid_once", f"{buyer.name} and {other} both paid {payment_hash}")
    issued = _hashes(seller.ledger, "invoices")  # after LND's: every invoice it made
    for payment_hash, theirs in invoices.items():
        if theirs["state"] == "SETTLED" and payment_hash not in issued | probes:
            report.add("credited_once", f"{payment_hash} settled in LND, unknown to the ledger")
    return report


@dataclass(frozen=True, slots=True)
class _SellerLedger:
    """One moment of the seller's ledger: its invoices, its credits, its wallet cursor."""

    invoices: dict[str, tuple[Any, ...]]
    credits: Counter[tuple[str, str]]
    cursor_index: int


def _seller_invoices(ledger: Path) -> _SellerLedger:
    invoices, credits, cursor = snapshot(
        ledger,
        "SELECT hex(payment_hash), purpose, state, amount_msat, amount_paid_msat,"
        " settle_index, session_id FROM invoices",
        "SELECT hex(payment_hash), session_id FROM journal WHERE kind = 'payment_settled'",
        "SELECT settle_index FROM wallet_cursor",
    )
    return _SellerLedger(
        invoices={
            h.lower(): (purpose, state, amount, paid, index, session)
            for h, purpose, state, amount, paid, index, session in invoices
        },
        credits=Counter((h.lower(), s) for h, s in credits),
        cursor_index=int(cursor[0][0]) if cursor else 0,
    )


def _buyer_payments(ledger: Path) -> list[tuple[Any, ...]]:
    return rows(
        ledger, "SELECT hex(payment_hash), amount_msat, status, hex(preimage), pruned FROM payments"
    )


def _hashes(ledger: Path, table: str) -> set[str]:
    return {h.lower() for (h,) in rows(ledger, f"SELECT hex(payment_hash) FROM {table}")}


def _seller(
    seller: Party,
    ledger: _SellerLedger,
    lnd: dict[str, dict[str, Any]],
    report: MoneyReport,
    final: bool,
) -> None:
    ours, credits, cursor_index = ledger.invoices, ledger.credits, ledger.cursor_index
    report.counts["invoices"] = len(ours)
    report.counts["invoices_settled"] = sum(1 for v in ours.values() if v[1] == "settled")
    for (payment_hash, session), count in credits.items():
        if count > 1:
            report.add("credited_once", f"{payment_hash} credited {count} times in {session}")
        issued = ours.get(payment_hash)
        if issued is None or issued[5] != session:
            report.add("credited_once", f"{payment_hash} credited to {session}, not its issuer")
    for payment_hash, (purpose, state, _amount, paid, index, session) in ours.items():
        theirs = lnd.get(payment_hash)
        lnd_state = theirs["state"] if theirs else None
        if state == "settled":
            if theirs is None or lnd_state != "SETTLED":
                report.add("ledger_matches_lnd", f"{payment_hash} settled here, {lnd_state} in LND")
                continue
            if theirs["amt_paid_msat"] != paid or theirs["settle_index"] != index:
                report.add(
                    "credited_once",
                    f"{payment_hash}: ledger credited {paid} msat at index {index}, LND "
                    f"{theirs['amt_paid_msat']} at {theirs['settle_index']}",
                )
            if index > cursor_index:
                report.add("credited_once", f"{payment_hash} is past the cursor {cursor_index}")
            if purpose != "deposit" and final and not credits[(payment_hash, session)]:
                _uncredited(seller, payment_hash, session, report)
        elif state == "canceled" and lnd_state not in (None, "CANCELED"):
            report.add("ledger_matches_lnd", f"{payment_hash} canceled here, {lnd_state} in LND")
        elif final and lnd_state == "SETTLED":
            report.add("credited_once", f"{payment_hash} settled in LND, {state} in the ledger")
        elif final and purpose == "deposit" and lnd_state == "ACCEPTED":
            report.add("deposit_released", f"deposit {payment_hash} still locked in LND")


def _uncredited(seller: Party, payment_hash: str, session: str, report: MoneyReport) -> None:
    """A settled invoice its session never heard of: fine only if the session was over
    (a restart, or closed) before the settlement arrived."""
    closed = rows(
        seller.ledger,
        f"SELECT closed_at_ms FROM sessions WHERE session_id = '{session}'",
    )
    settled = rows(
        seller.ledger,
        f"SELECT settled_at_ms FROM invoices WHERE hex(payment_hash) = '{payment_hash.upper()}'",
    )
    closed_at = closed[0][0] if closed else None
    settled_at = settled[0][0] if settled else None
    if closed_at is None or settled_at is None or settled_at < closed_at:
        report.add("credited_once", f"{payment_hash} settled, never credited to {session}")
    else:
        report.counts["settled_after_session_end"] = (
            report.counts.get("settled_after_session_end", 0) + 1
        )


def _buyer(
    buyer: Party,
    ours: list[tuple[Any, ...]],
    lnd: dict[str, dict[str, Any]],
    invoices: dict[str, dict[str, Any]],
    report: MoneyReport,
    final: bool,
) -> None:
    report.counts[f"{buyer.name}_payments"] = len(ours)
    for payment_hash, amount, status, preimage, _pruned in ours:
        payment_hash = payment_hash.lower()
        theirs = lnd.get(payment_hash)
        lnd_status = theirs["status"] if theirs else None
        invoice = invoices.get(payment_hash)
        where = f"{buyer.name} {payment_hash}"
        if status == "succeeded":
            proof = hashlib.sha256(bytes.fromhex(preimage or "")).hexdigest()
            if proof != payment_hash:
                report.add("ledger_matches_lnd", f"{where}: succeeded, with a wrong preimage")
            if theirs is not None and (
                lnd_status != "SUCCEEDED"
                or theirs["value_msat"] != amount
                or theirs["preimage"] != (preimage or "").lower()
            ):
                report.add("ledger_matches_lnd", f"{where}: succeeded here, {theirs} in LND")
            # no record in LND: pruned, once the ledger held the proof (the preimage)
            if invoice is None or invoice["state"] != "SETTLED":
                report.add("paid_once", f"{where}: paid, but the seller's LND shows {invoice}")
        elif status == "failed":
            if lnd_status not in (None, "FAILED"):
                report.add("ledger_matches_lnd", f"{where}: failed here, {lnd_status} in LND")
            if invoice is not None and invoice["state"] == "SETTLED":
                report.add("ledger_matches_lnd", f"{where}: failed here, settled by the seller")
        elif final and lnd_status in ("SUCCEEDED", "FAILED"):
            report.add("ledger_matches_lnd", f"{where}: in flight here, {lnd_status} in LND")
