"""The status socket's receipts: one session's receipt, from this node's ledger, checked.

The dashboard asks the node (``GetReceipt``) instead of reading the ledger itself, so a
reader of the status socket needs nothing of the node but the socket. The node checks
the receipt with its own fingerprint and the peer's as it pinned it (from the live
snapshot; a session no longer live is checked against the node's own key alone).

Building a long session's receipt reads the whole session, so it runs off the event
loop on a worker of its own with a read-only connection: neither the control ticks nor
the ledger's own worker (the node's money writes) ever wait behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gridnode.ledger import Offloader, ThreadOffloader
from gridnode.receipt.summary import ReceiptSummary, summarize
from gridnode.snapshot import NodeSnapshot


class ReceiptDesk:
    """Answers receipt requests for one node (one at a time, in the order they came)."""

    def __init__(
        self,
        ledger: Path,
        snapshot: Callable[[], NodeSnapshot],
        offloader: Offloader | None = None,
    ) -> None:
        self.ledger = ledger
        self.snapshot = snapshot
        self.offloader = offloader or ThreadOffloader("gridnode-receipts")

    async def receipt(self, session_id: str) -> ReceiptSummary:
        """The receipt of ``session_id`` (a live session's id or a ledger name)."""
        now = self.snapshot()
        view = now.session(session_id)
        peer_fpr = view.peer_fingerprint if view is not None else ""
        return await self.offloader.run(
            summarize, self.ledger, session_id, now.fingerprint, peer_fpr
        )

    async def close(self) -> None:
        await self.offloader.close()
