"""What each peer spent over the last day, from the ledger: a seller's settled invoices,
a buyer's succeeded payments (with their fees), by the session's pinned peer.

A battery node's one ledger is a seller's and holds both: its buyers' spending is read
from the invoices, what it paid its sellers from the payments (``side``)."""

from __future__ import annotations

from gridnode.ledger import InvoiceState, LedgerStore, PaymentStatus
from gridnode.money import Msat


def spent_since(store: LedgerStore, since_ms: int, side: str | None = None) -> dict[str, Msat]:
    """Per peer fingerprint, the money that crossed the channel since ``since_ms`` on
    the node's ``side`` ("seller": paid to it; "buyer": paid by it; None: the ledger's
    role)."""
    peers = {s.session_id: s.peer_fingerprint for s in store.sessions.find()}
    spent: dict[str, Msat] = {}

    def add(session_id: str, amount: Msat) -> None:
        peer = peers.get(session_id)
        if peer is not None:
            spent[peer] = spent.get(peer, Msat(0)) + amount

    if (side or store.role) == "seller":
        for invoice in store.invoices.find(state=InvoiceState.SETTLED):
            if (invoice.settled_at_ms or 0) >= since_ms:
                add(invoice.session_id, invoice.amount_paid or invoice.amount)
    else:
        for payment in store.payments.find(status=PaymentStatus.SUCCEEDED):
            if (payment.resolved_at_ms or 0) >= since_ms:
                add(payment.session_id, payment.amount + payment.fee)
    return spent
