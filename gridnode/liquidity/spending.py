"""What each peer spent over the last day, from the ledger: a seller's settled invoices,
a buyer's succeeded payments (with their fees), by the session's pinned peer.

A battery node's one ledger is a seller's and holds both: its buyers' spending is read
from the invoices, what it paid its sellers from the payments (``side``)."""

from __future__ import annotations

from gridnode.ledger import LedgerStore
from gridnode.money import Msat


def spent_since(store: LedgerStore, since_ms: int, side: str | None = None) -> dict[str, Msat]:
    """Per peer fingerprint, the money that crossed the channel since ``since_ms`` on
    the node's ``side`` ("seller": paid to it; "buyer": paid by it; None: the ledger's
    role)."""
    if (side or store.role) == "seller":
        return store.invoices.settled_per_peer_since(since_ms)
    return store.payments.paid_per_peer_since(since_ms)
