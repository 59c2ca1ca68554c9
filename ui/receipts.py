"""What the receipt dialog shows: the session's receipt, as the node built and checked it.

The dashboard knows its node only through the status socket, so it asks the node
(``GetReceipt``): the node builds the receipt from its own ledger, checks it with both
fingerprints it knows (its own and the peer's, as it pinned it: the check a third party
runs with ``gridnode verify``) and sends the verdict, the receipt's text and the command
that exports it. A node that cannot be asked, or refuses, is said so in the dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.errors import GridnodeError
from gridnode.ui.sources import StatusRefusedError, StatusSource


@dataclass(frozen=True)
class ReceiptView:
    title: str
    verdict: str
    ok: bool
    text: str
    command: str


async def fetch_receipt(source: StatusSource, session_id: str) -> ReceiptView:
    """The node's answer for one session's receipt; a sentence instead when there is no
    session yet or the node cannot be asked."""
    title = f"Receipt of session {session_id or '-'}"
    if not session_id:
        return ReceiptView(title, "There is no session yet, so no receipt.", False, "", "")
    try:
        answer = await source.receipt(session_id)
    except StatusRefusedError as exc:
        return ReceiptView(title, f"The node refused: {exc}", False, "", "")
    except (GridnodeError, OSError) as exc:
        return ReceiptView(title, f"The node cannot be asked: {exc}", False, "", "")
    return ReceiptView(title, answer.verdict, answer.ok, answer.text, answer.command)
