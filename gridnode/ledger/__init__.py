"""The node's crash-safe ledger (SQLite, WAL, synchronous=FULL)."""

from gridnode.ledger.ledger import Ledger
from gridnode.ledger.rows import (
    ArchiveError,
    DuplicatePaymentError,
    InvoiceRow,
    LedgerError,
    LedgerInUseError,
    LedgerMissingError,
    LedgerRoleError,
    LedgerVersionError,
    PaymentRow,
)

__all__ = [
    "ArchiveError",
    "DuplicatePaymentError",
    "InvoiceRow",
    "Ledger",
    "LedgerError",
    "LedgerInUseError",
    "LedgerMissingError",
    "LedgerRoleError",
    "LedgerVersionError",
    "PaymentRow",
]
