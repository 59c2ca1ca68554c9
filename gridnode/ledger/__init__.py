"""The node's crash-safe ledger (SQLite, WAL, synchronous=FULL)."""

from gridnode.ledger.ledger import Ledger
from gridnode.ledger.rows import (
    DuplicatePaymentError,
    InvoiceRow,
    LedgerError,
    LedgerRoleError,
    LedgerVersionError,
    PaymentRow,
)

__all__ = [
    "DuplicatePaymentError",
    "InvoiceRow",
    "Ledger",
    "LedgerError",
    "LedgerRoleError",
    "LedgerVersionError",
    "PaymentRow",
]
