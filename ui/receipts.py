"""What the receipt dialog shows: the session's receipt from the node's ledger, checked.

The dashboard runs beside its node, so it can read the ledger (read-only) that the status
snapshot names. It checks the receipt with the two fingerprints it already knows (the
node's own and the peer's, as the node pinned it), the same check a third party runs
with `gridnode verify`. A session still running has no End reading yet: that one
finding is expected and said so, not reported as a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gridnode.errors import GridnodeError

_IN_PROGRESS = {"ocmf_end_missing"}


@dataclass(frozen=True)
class ReceiptView:
    title: str
    verdict: str
    ok: bool
    text: str
    command: str


def load_receipt(
    ledger_path: str, session_id: str, role: str, own_fpr: str, peer_fpr: str
) -> ReceiptView:
    """Build, check and render one session's receipt; a sentence instead when it cannot
    be built (no ledger, no such session, a ledger from before receipts)."""
    from gridnode.receipt.export import build_receipt
    from gridnode.receipt.text import receipt_text
    from gridnode.receipt.verify import VerifyOptions, verify_receipt

    title = f"Receipt of session {session_id or '-'}"
    command = f"gridnode receipt {session_id} --ledger {ledger_path} --out receipt.json"
    if not ledger_path or not session_id:
        return ReceiptView(title, "This node does not say where its ledger is.", False, "", "")
    try:
        receipt = build_receipt(Path(ledger_path), session_id)
    except GridnodeError as exc:
        return ReceiptView(title, str(exc), False, "", command)
    except OSError as exc:
        return ReceiptView(title, f"The ledger cannot be read: {exc}", False, "", command)
    seller_fpr, buyer_fpr = (own_fpr, peer_fpr) if role == "seller" else (peer_fpr, own_fpr)
    report = verify_receipt(receipt, VerifyOptions(seller_fpr or None, buyer_fpr or None))
    running = receipt["exported"]["closed"] is None
    problems = [p for p in report.problems if not (running and p.code in _IN_PROGRESS)]
    if problems:
        listed = "\n".join(f"  ✘ {p}" for p in problems[:12])
        more = f"\n  … and {len(problems) - 12} more" if len(problems) > 12 else ""
        verdict = f"✘ {len(problems)} problems:\n{listed}{more}"
    else:
        verdict = "✔ verified: every signature, preimage and amount holds"
        if running:
            verdict += " so far (the session is still running: no End reading yet)"
    return ReceiptView(title, verdict, not problems, receipt_text(receipt), command)
