"""The ledger port: what the node runtime asks of its ledger, all of it ``async``.

The runtime (session runners, reconciliation, the settled-invoice stream, evidence,
signed-reading series, pruning, the nodes) is typed against :class:`Ledger`, never
against SQLite: production passes :class:`gridnode.ledger.sqlite.SqliteLedger`, whose
calls leave the event loop through one offloader; a test may pass an in-process fake.

The port is grouped by repository (``ledger.payments.started(...)``,
``ledger.invoices.settled(...)``) and holds only what the runtime calls; tools that are
not on an event loop use the synchronous :class:`gridnode.ledger.store.LedgerStore`.
Money is :class:`~gridnode.money.Msat`, states are enums, rows are frozen dataclasses
(:mod:`gridnode.ledger.rows`). Every write is durable when its coroutine returns, and is
made before the runtime acts on it (DESIGN.md invariant 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gridnode.ledger.credit import CreditNoteRow, CreditNoteState
from gridnode.ledger.rows import (
    BreachRow,
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
)
from gridnode.money import Msat


class SessionsPort(Protocol):
    """Sessions and their journal (:class:`gridnode.ledger.sessions.SessionRepository`)."""

    async def open(
        self, session_id: str, peer_fingerprint: str, meter_id: str, at_ms: int
    ) -> None: ...

    async def close(self, session_id: str, at_ms: int, cause: str | None = None) -> None: ...

    async def receive(self, session_id: str) -> None: ...

    async def receiving(self, meter_id: str) -> list[str]: ...

    async def open_ids(self) -> list[str]: ...

    async def get(self, session_id: str) -> SessionRow | None: ...

    async def journal(self, entry: JournalEntry) -> int: ...

    async def entries(self, session_id: str, kinds: tuple[str, ...] = ()) -> list[JournalEntry]: ...

    async def has_received_frame(self, frame: bytes) -> bool: ...


class InvoicesPort(Protocol):
    """The seller's invoices and the wallet cursor
    (:class:`gridnode.ledger.invoices.InvoiceRepository`)."""

    async def hold_planned(
        self,
        session_id: str,
        payment_hash: bytes,
        preimage: bytes,
        amount: Msat,
        purpose: InvoicePurpose,
        at_ms: int,
    ) -> None: ...

    async def created(
        self,
        session_id: str,
        payment_hash: bytes,
        bolt11: str,
        amount: Msat,
        purpose: InvoicePurpose,
        hold: bool,
        at_ms: int,
    ) -> None: ...

    async def hold_preimage(self, payment_hash: bytes) -> bytes | None: ...

    async def settled(
        self,
        payment_hash: bytes,
        settle_index: int,
        amount_paid: Msat,
        preimage: bytes | None,
        at_ms: int,
        *,
        advance_cursor: bool = True,
        reported_at_ms: int | None = None,
    ) -> bool: ...

    async def set_state(self, payment_hash: bytes, state: InvoiceState) -> None: ...

    async def settle_index(self) -> int: ...

    async def find(
        self, session_id: str | None = None, state: InvoiceState | None = None
    ) -> list[InvoiceRow]: ...

    async def settled_per_peer_since(self, since_ms: int) -> dict[str, Msat]: ...

    async def unpruned_canceled(self) -> list[bytes]: ...

    async def mark_pruned(self, payment_hashes: Sequence[bytes]) -> None: ...


class PaymentsPort(Protocol):
    """The buyer's payments (:class:`gridnode.ledger.payments.PaymentRepository`)."""

    async def started(
        self, session_id: str, payment_hash: bytes, bolt11: str, amount: Msat, at_ms: int
    ) -> None: ...

    async def succeeded(
        self,
        payment_hash: bytes,
        at_ms: int,
        preimage: bytes,
        fee: Msat,
        *,
        lnd_resolved_at_ms: int | None = None,
    ) -> None: ...

    async def failed(self, payment_hash: bytes, at_ms: int, reason: str) -> None: ...

    async def get(self, payment_hash: bytes) -> PaymentRow | None: ...

    async def find(
        self, session_id: str | None = None, status: PaymentStatus | None = None
    ) -> list[PaymentRow]: ...

    async def paid_per_peer_since(self, since_ms: int) -> dict[str, Msat]: ...

    async def unpruned(self, limit: int) -> list[bytes]: ...

    async def mark_pruned(self, payment_hashes: Sequence[bytes]) -> None: ...


class EvidencePort(Protocol):
    """Signed readings, relay switches, breaches
    (:class:`gridnode.ledger.evidence.EvidenceRepository`)."""

    async def reading(self, row: ReadingRow) -> None: ...

    async def readings(self, session_id: str, side: ReadingSide) -> list[ReadingRow]: ...

    async def last_session_reading(
        self, session_id: str, side: ReadingSide
    ) -> ReadingRow | None: ...

    async def last_reading(self, side: ReadingSide, meter_id: str) -> ReadingRow | None: ...

    async def relay_switch(
        self, session_id: str | None, on: bool, cause: str, at_ms: int
    ) -> None: ...

    async def relay_switches(self, session_id: str | None = None) -> list[RelaySwitchRow]: ...

    async def breach(self, session_id: str, kind: str, text: str, at_ms: int) -> None: ...

    async def breaches(self, session_id: str | None = None) -> list[BreachRow]: ...


class CreditPort(Protocol):
    """Credit notes (:class:`gridnode.ledger.credit.CreditNoteRepository`)."""

    async def noted(
        self,
        note_id: bytes,
        session_id: str,
        peer_fingerprint: str,
        credit: Msat,
        statement: bytes,
        at_ms: int,
    ) -> None: ...

    async def carried(
        self, note_id: bytes, into_session: str, at_ms: int, *, also_requested: bool = False
    ) -> bool: ...

    async def requested(
        self, note_id: bytes, bolt11: str, payment_hash: bytes, *, again: bool = False
    ) -> bool: ...

    async def paid(
        self,
        note_id: bytes,
        preimage: bytes,
        at_ms: int,
        *,
        bolt11: str = "",
        payment_hash: bytes = b"",
    ) -> None: ...

    async def failed(self, note_id: bytes, reason: str) -> None: ...

    async def waived(self, note_id: bytes, at_ms: int, *, also_requested: bool = False) -> bool: ...

    async def get(self, note_id: bytes) -> CreditNoteRow | None: ...

    async def find(
        self, peer_fingerprint: str | None = None, state: CreditNoteState | None = None
    ) -> list[CreditNoteRow]: ...


class HygienePort(Protocol):
    """What the running node's pruner does to the ledger
    (:class:`gridnode.ledger.hygiene.HygieneRepository`; archiving is a tool's job)."""

    async def prune_raw(self, before_ms: int) -> int: ...


class Ledger(Protocol):
    """One node's ledger, as the runtime sees it."""

    @property
    def sessions(self) -> SessionsPort: ...

    @property
    def invoices(self) -> InvoicesPort: ...

    @property
    def payments(self) -> PaymentsPort: ...

    @property
    def evidence(self) -> EvidencePort: ...

    @property
    def hygiene(self) -> HygienePort: ...

    @property
    def credit(self) -> CreditPort: ...

    async def close(self) -> None:
        """Finish the calls under way and close the file (and its lock)."""
        ...
