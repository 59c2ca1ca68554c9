"""Ledgers for tests: the async port over SQLite, and ledgers that fail on cue.

:func:`open_ledger` gives the production :class:`~gridnode.ledger.SqliteLedger` with the
inline offloader (each call runs at once, so a test sees every write done when the call
returns; with a virtual clock nothing waits on a thread), or with the node's one worker
thread (``threaded=True``) where a test needs the loop free during a write.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from gridnode.ledger import (
    InlineOffloader,
    InvoicePurpose,
    JournalEntry,
    LedgerError,
    LedgerStore,
    SqliteLedger,
)
from gridnode.ledger.offload import ThreadOffloader
from gridnode.ledger.sessions import SessionRepository


async def open_ledger(path: Path, role: str, *, threaded: bool = False) -> SqliteLedger:
    offloader = ThreadOffloader() if threaded else InlineOffloader()
    return await SqliteLedger.open(path, role, offloader=offloader)


def ledger_with(
    path: Path, role: str, sessions: type[SessionRepository], *, threaded: bool = False
) -> SqliteLedger:
    """A ledger whose sessions and journal are ``sessions`` (a subclass that fails)."""
    store = LedgerStore.open(path, role)
    store.sessions = sessions(store.db)
    offloader = ThreadOffloader() if threaded else InlineOffloader()
    return SqliteLedger(store, offloader)


class CrashingSessions(SessionRepository):
    """A journal whose write of the frame b"crash" fails, as a kill would cut it short."""

    def journal(self, entry: JournalEntry) -> int:
        if entry.data == b"crash":
            raise LedgerError("ledger: the node died before this write committed")
        return super().journal(entry)


class SlowSessions(SessionRepository):
    """A journal whose write of the frame b"slow" sets ``started`` and then waits (in the
    ledger's worker thread) until ``go`` is set, as a write to a slow SD card would."""

    started = threading.Event()
    go = threading.Event()

    def journal(self, entry: JournalEntry) -> int:
        if entry.data == b"slow":
            self.started.set()
            self.go.wait(5)
        return super().journal(entry)


#: Payment hashes and a preimage the ledger port tests use.
H1, H2, H3 = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
PRE = b"\xaa" * 32
DEPOSIT, PREPAYMENT = InvoicePurpose.DEPOSIT, InvoicePurpose.PREPAYMENT


def stored(ledger: SqliteLedger, sql: str) -> list[tuple[object, ...]]:
    """What the file holds, read with plain sqlite3 (as another program would)."""
    db = sqlite3.connect(ledger.path)
    try:
        return list(db.execute(sql).fetchall())
    finally:
        db.close()
