"""The node's crash-safe ledger (SQLite, WAL, synchronous=FULL).

- :class:`Ledger` (:mod:`gridnode.ledger.port`): the async port the runtime is typed
  against; :class:`SqliteLedger` implements it over SQLite, off the event loop.
- :class:`LedgerStore` (:mod:`gridnode.ledger.store`): the synchronous repositories over
  one :class:`~gridnode.ledger.database.Database`, for tools.
- :mod:`gridnode.ledger.rows`: the enums and rows both return.
"""

from gridnode.ledger.credit import CreditNoteRow, CreditNoteState
from gridnode.ledger.errors import (
    ArchiveError,
    CircuitBusyError,
    DuplicatePaymentError,
    LedgerError,
    LedgerInUseError,
    LedgerMissingError,
    LedgerRoleError,
    LedgerVersionError,
    LedgerWriteError,
)
from gridnode.ledger.offload import InlineOffloader, Offloader, ThreadOffloader
from gridnode.ledger.port import Ledger
from gridnode.ledger.rows import (
    ArchiveCandidates,
    Archived,
    BreachRow,
    HeldBack,
    InvoicePurpose,
    InvoiceRow,
    InvoiceState,
    JournalEntry,
    PaymentRow,
    PaymentStatus,
    ReadingRow,
    ReadingSide,
    RelaySwitchRow,
    SessionRow,
    SessionState,
)
from gridnode.ledger.sqlite import SqliteLedger
from gridnode.ledger.store import LedgerStore

__all__ = [
    "ArchiveCandidates",
    "ArchiveError",
    "Archived",
    "BreachRow",
    "CircuitBusyError",
    "CreditNoteRow",
    "CreditNoteState",
    "DuplicatePaymentError",
    "HeldBack",
    "InlineOffloader",
    "InvoicePurpose",
    "InvoiceRow",
    "InvoiceState",
    "JournalEntry",
    "Ledger",
    "LedgerError",
    "LedgerInUseError",
    "LedgerMissingError",
    "LedgerRoleError",
    "LedgerStore",
    "LedgerVersionError",
    "LedgerWriteError",
    "Offloader",
    "PaymentRow",
    "PaymentStatus",
    "ReadingRow",
    "ReadingSide",
    "RelaySwitchRow",
    "SessionRow",
    "SessionState",
    "SqliteLedger",
    "ThreadOffloader",
]
