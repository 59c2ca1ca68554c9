"""One session's receipt for a person looking at a running node: built, checked, rendered.

The node answers the status socket's ``GetReceipt`` with this (the dashboard's receipt
dialog shows it). It builds the receipt from the node's ledger, read-only
(:mod:`gridnode.receipt.export`), checks it with the two fingerprints the node knows (its
own and the peer's, as it pinned it: the check a third party runs with ``gridnode
verify``) and renders it as ``gridnode receipt`` prints it. A session still running has
no End reading yet: that one finding is expected and said so, not reported as a problem.
A receipt that cannot be built is an answer too, with the reason as the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridnode.errors import GridnodeError
from gridnode.receipt.export import build_receipt
from gridnode.receipt.text import receipt_text
from gridnode.receipt.verify import VerifyOptions, verify_receipt

#: What a running session's receipt cannot hold yet.
IN_PROGRESS = frozenset({"ocmf_end_missing"})
#: How many problems the verdict lists before it says how many more there are.
PROBLEMS_SHOWN = 12


@dataclass(frozen=True, slots=True)
class ReceiptSummary:
    """What a person is shown of one session's receipt."""

    session_id: str
    #: Built, and every check holds (a running session's missing End reading aside).
    ok: bool
    #: The check's outcome: one line, or the problems listed; or why there is no receipt.
    verdict: str
    #: The receipt as ``gridnode receipt`` prints it; empty when it could not be built.
    text: str
    #: How to export the receipt for someone else to check.
    command: str


def summarize(ledger: Path, session_id: str, own_fpr: str, peer_fpr: str) -> ReceiptSummary:
    """Build, check and render the receipt of ``session_id`` from the ledger at ``ledger``
    (blocking: it reads SQLite; the node runs it off its event loop)."""
    command = f"gridnode receipt {session_id} --ledger {ledger} --out receipt.json"
    try:
        receipt = build_receipt(ledger, session_id)
    except GridnodeError as exc:
        return ReceiptSummary(session_id, False, str(exc), "", command)
    except OSError as exc:
        return ReceiptSummary(session_id, False, f"The ledger cannot be read: {exc}", "", command)
    return checked(receipt, session_id, own_fpr, peer_fpr, command)


def checked(
    receipt: Mapping[str, Any], session_id: str, own_fpr: str, peer_fpr: str, command: str
) -> ReceiptSummary:
    """The summary of a receipt at hand: checked with both fingerprints (an empty one is
    not pinned) and rendered."""
    own_role = receipt["exported"]["by"]
    seller_fpr, buyer_fpr = (own_fpr, peer_fpr) if own_role == "seller" else (peer_fpr, own_fpr)
    report = verify_receipt(receipt, VerifyOptions(seller_fpr or None, buyer_fpr or None))
    running = receipt["exported"]["closed"] is None
    problems = [p for p in report.problems if not (running and p.code in IN_PROGRESS)]
    if problems:
        listed = "\n".join(f"  ✘ {p}" for p in problems[:PROBLEMS_SHOWN])
        extra = len(problems) - PROBLEMS_SHOWN
        more = f"\n  … and {extra} more" if extra > 0 else ""
        verdict = f"✘ {len(problems)} problems:\n{listed}{more}"
    else:
        verdict = "✔ verified: every signature, preimage and amount holds"
        if running:
            verdict += " so far (the session is still running: no End reading yet)"
    return ReceiptSummary(session_id, not problems, verdict, receipt_text(receipt), command)
