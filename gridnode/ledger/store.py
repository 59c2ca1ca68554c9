"""The synchronous ledger: one database and the repositories over it.

Tools that are not on an event loop use it directly: ``gridnode ledger prune``, the
receipt exporter, the demo's summary, the storage benchmark. The node runtime never
does: it is typed against the async :class:`gridnode.ledger.port.Ledger`, whose SQLite
implementation (:class:`gridnode.ledger.sqlite.SqliteLedger`) runs these same
repositories' calls off the event loop.
"""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger.credit import CreditNoteRepository
from gridnode.ledger.database import Database
from gridnode.ledger.evidence import EvidenceRepository
from gridnode.ledger.hygiene import HygieneRepository
from gridnode.ledger.invoices import InvoiceRepository
from gridnode.ledger.payments import PaymentRepository
from gridnode.ledger.sessions import SessionRepository


class LedgerStore:
    """One node's ledger file, by repository."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sessions = SessionRepository(db)
        self.invoices = InvoiceRepository(db)
        self.payments = PaymentRepository(db)
        self.evidence = EvidenceRepository(db)
        self.hygiene = HygieneRepository(db)
        self.credit = CreditNoteRepository(db)

    @classmethod
    def open(cls, path: Path | str, role: str, *, exclusive: bool = False) -> LedgerStore:
        """Open (creating or migrating) the ledger at ``path`` for a node of ``role``
        (see :meth:`Database.open`)."""
        return cls(Database.open(path, role, exclusive=exclusive))

    @classmethod
    def open_existing(cls, path: Path | str, *, exclusive: bool = False) -> LedgerStore:
        """Open a ledger that must already exist, whatever its role (for tools)."""
        return cls(Database.open_existing(path, exclusive=exclusive))

    @classmethod
    def open_readonly(cls, path: Path | str) -> LedgerStore:
        """Read a ledger beside the node that writes it (see :meth:`Database.open_readonly`)."""
        return cls(Database.open_readonly(path))

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def role(self) -> str:
        return self.db.role

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
