"""Every closed session's receipt, built from the ledgers and checked by the verifier a
third party would run (``gridnode verify``'s code), with the fingerprints given out of
band."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.export import build_receipt, receipt_sessions
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from tests.support.drill.money import Problem, rows


@dataclass
class ReceiptReport:
    problems: list[Problem] = field(default_factory=list)
    verified: int = 0
    #: sessions a crash cut short on this side (never closed in this ledger)
    left_open: int = 0
    #: sessions that exchanged no message (nothing to show)
    empty: int = 0
    #: sessions whose offer the buyer rejected: no terms, no readings, no receipt
    rejected: int = 0
    #: verified sessions whose crashed party's End is missing, as expected
    cut_short: int = 0
    #: a crash cut a meter's series short: money against that meter, as the verifier
    #: reported it (the money itself is checked exactly from the ledgers and LND)
    money_by_a_cut_series: list[str] = field(default_factory=list)


#: What the verifier says of a session where no offer was accepted (so nothing read).
_NOTHING_AGREED = frozenset({"no_terms", "ocmf_empty"})


def check_receipts(
    ledgers: dict[str, Path],
    seller_fpr: str,
    buyer_fprs: dict[str, str],
    kills: dict[str, list[float]],
    stopped_s: float | None = None,
) -> ReceiptReport:
    """``ledgers`` by node name (``seller``, ``buyer-N``); a seller's session is checked
    with its buyer's fingerprint. ``kills`` are the times (s) each node was killed, or
    its disk filled (its live session fails, writing nothing more): a party killed
    while a session ran never signed its End, which the verifier reports
    (``ocmf_end_missing``) and the drill expects; so is the buyer's End in the seller's
    ledger for a session the seller closed when it was stopped at ``stopped_s`` (the
    demo stops the seller first, and it waits only a moment for the buyer's End; the
    buyer's ledger holds both). A node killed during a session never hears the peer's
    End either, and the peer's readings after its death never reach it.

    Where a crash cut a series short, money against that meter (``overpaid``,
    ``underpaid``) compares the payments with part of the energy (or, for the buyer's
    meter when the seller died, with energy the watchdog let through unpaid): those are
    listed, not failed; every payment is checked exactly by the money checks, and the
    relay by the supply checks. Everything else must hold."""
    report = ReceiptReport()
    by_fpr = {fpr: name for name, fpr in buyer_fprs.items()}
    for node, ledger in ledgers.items():
        found = rows(
            ledger,
            "SELECT session_id, state, peer_fingerprint, opened_at_ms, closed_at_ms FROM sessions",
        )
        talked = {name for name, _ in receipt_sessions(ledger)} if found else set()
        for session_id, state, peer, opened_ms, closed_ms in found:
            if session_id not in talked:
                report.empty += 1
                continue
            if not str(state).startswith("closed"):
                report.left_open += 1
                continue
            buyer = node if node != "seller" else by_fpr.get(str(peer))
            options = VerifyOptions(seller_fpr=seller_fpr, buyer_fpr=buyer_fprs.get(buyer or ""))
            where = f"{node} session {session_id[:12]} ({state})"
            try:
                receipt = build_receipt(ledger, str(session_id))
            except ReceiptError as exc:
                report.problems.append(Problem("receipt", f"{where}: no receipt: {exc}"))
                continue
            span = (opened_ms / 1000, closed_ms / 1000 if closed_ms else float("inf"))
            killed = {
                party
                for party, name in (("seller", "seller"), ("buyer", buyer or ""))
                if any(span[0] <= at <= span[1] for at in kills.get(name, []))
            }
            crashed = bool(killed)
            own = "seller" if node == "seller" else "buyer"
            if own in killed:  # a dead node hears no End, nor readings, from its peer
                killed |= {"seller", "buyer"}
            if node == "seller" and stopped_s is not None and span[1] >= stopped_s:
                killed.add("buyer")  # its End may come after the seller stopped
            verdict = verify_receipt(receipt, options)
            if verdict.problems and {p.code for p in verdict.problems} <= _NOTHING_AGREED:
                report.rejected += 1  # an offer and its rejection: nothing to prove
                continue
            found_problems = []
            for p in verdict.problems:
                if p.code == "ocmf_end_missing" and p.record.split()[0] in killed:
                    continue
                if crashed and p.code in ("overpaid", "underpaid"):
                    report.money_by_a_cut_series.append(f"{where}: {p.code} {p.message}")
                    continue
                found_problems.append(p)
            if not found_problems:
                report.verified += 1
                report.cut_short += crashed
            for problem in found_problems:
                text = f"{where}: {problem.code} {problem.record}: {problem.message}"
                report.problems.append(Problem("receipt", text))
    return report
