"""The ledger port over SQLite: the repositories' calls, each run through one offloader.

:class:`SqliteLedger` satisfies :class:`gridnode.ledger.port.Ledger`. Each of its
sub-ports forwards a call, unchanged, to the synchronous repository of the same name
(:class:`gridnode.ledger.store.LedgerStore`) through the ledger's one
:class:`~gridnode.ledger.offload.Offloader`: in production a single worker thread, so
the calls keep their order and the event loop never waits on the disk. Nothing else in
the package moves a ledger call off the loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gridnode.ledger.credit import CreditNoteRepository, CreditNoteRow, CreditNoteState
from gridnode.ledger.evidence import EvidenceRepository
from gridnode.ledger.hygiene import HygieneRepository
from gridnode.ledger.invoices import InvoiceRepository
from gridnode.ledger.offload import Offloader, ThreadOffloader
from gridnode.ledger.payments import PaymentRepository
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
from gridnode.ledger.sessions import SessionRepository
from gridnode.ledger.store import LedgerStore
from gridnode.money import Msat


class SqliteLedger:
    """One node's SQLite ledger behind the async port."""

    def __init__(self, store: LedgerStore, offloader: Offloader) -> None:
        self.store = store
        self._offloader = offloader
        self.sessions = Sessions(store.sessions, offloader)
        self.invoices = Invoices(store.invoices, offloader)
        self.payments = Payments(store.payments, offloader)
        self.evidence = Evidence(store.evidence, offloader)
        self.hygiene = Hygiene(store.hygiene, offloader)
        self.credit = Credit(store.credit, offloader)

    @classmethod
    async def open(
        cls, path: Path | str, role: str, *, offloader: Offloader | None = None
    ) -> SqliteLedger:
        """Open (creating or migrating) the ledger at ``path`` for a node of ``role``,
        off the loop too; by default on a worker thread of its own."""
        offloader = offloader if offloader is not None else ThreadOffloader()
        try:
            store = await offloader.run(LedgerStore.open, path, role)
        except BaseException:
            await offloader.close()
            raise
        return cls(store, offloader)

    @property
    def path(self) -> Path:
        return self.store.path

    async def close(self) -> None:
        await self._offloader.run(self.store.close)
        await self._offloader.close()


class Sessions:
    def __init__(self, repo: SessionRepository, offloader: Offloader) -> None:
        self._repo, self._run = repo, offloader.run

    async def open(self, session_id: str, peer_fingerprint: str, meter_id: str, at_ms: int) -> None:
        await self._run(self._repo.open, session_id, peer_fingerprint, meter_id, at_ms)

    async def close(self, session_id: str, at_ms: int, cause: str | None = None) -> None:
        await self._run(self._repo.close, session_id, at_ms, cause)

    async def receive(self, session_id: str) -> None:
        await self._run(self._repo.receive, session_id)

    async def receiving(self, meter_id: str) -> list[str]:
        return await self._run(self._repo.receiving, meter_id)

    async def open_ids(self) -> list[str]:
        return await self._run(self._repo.open_ids)

    async def get(self, session_id: str) -> SessionRow | None:
        return await self._run(self._repo.get, session_id)

    async def journal(self, entry: JournalEntry) -> int:
        return await self._run(self._repo.journal, entry)

    async def entries(self, session_id: str, kinds: tuple[str, ...] = ()) -> list[JournalEntry]:
        return await self._run(self._repo.entries, session_id, kinds)

    async def has_received_frame(self, frame: bytes) -> bool:
        return await self._run(self._repo.has_received_frame, frame)


class Invoices:
    def __init__(self, repo: InvoiceRepository, offloader: Offloader) -> None:
        self._repo, self._run = repo, offloader.run

    async def hold_planned(
        self,
        session_id: str,
        payment_hash: bytes,
        preimage: bytes,
        amount: Msat,
        purpose: InvoicePurpose,
        at_ms: int,
    ) -> None:
        await self._run(
            self._repo.hold_planned, session_id, payment_hash, preimage, amount, purpose, at_ms
        )

    async def created(
        self,
        session_id: str,
        payment_hash: bytes,
        bolt11: str,
        amount: Msat,
        purpose: InvoicePurpose,
        hold: bool,
        at_ms: int,
    ) -> None:
        await self._run(
            self._repo.created, session_id, payment_hash, bolt11, amount, purpose, hold, at_ms
        )

    async def hold_preimage(self, payment_hash: bytes) -> bytes | None:
        return await self._run(self._repo.hold_preimage, payment_hash)

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
    ) -> bool:
        return await self._run(
            self._repo.settled,
            payment_hash,
            settle_index,
            amount_paid,
            preimage,
            at_ms,
            advance_cursor=advance_cursor,
            reported_at_ms=reported_at_ms,
        )

    async def set_state(self, payment_hash: bytes, state: InvoiceState) -> None:
        await self._run(self._repo.set_state, payment_hash, state)

    async def settle_index(self) -> int:
        return await self._run(self._repo.settle_index)

    async def find(
        self, session_id: str | None = None, state: InvoiceState | None = None
    ) -> list[InvoiceRow]:
        return await self._run(self._repo.find, session_id, state)

    async def unpruned_canceled(self) -> list[bytes]:
        return await self._run(self._repo.unpruned_canceled)

    async def settled_per_peer_since(self, since_ms: int) -> dict[str, Msat]:
        return await self._run(self._repo.settled_per_peer_since, since_ms)

    async def mark_pruned(self, payment_hashes: Sequence[bytes]) -> None:
        await self._run(self._repo.mark_pruned, payment_hashes)


class Payments:
    def __init__(self, repo: PaymentRepository, offloader: Offloader) -> None:
        self._repo, self._run = repo, offloader.run

    async def started(
        self, session_id: str, payment_hash: bytes, bolt11: str, amount: Msat, at_ms: int
    ) -> None:
        await self._run(self._repo.started, session_id, payment_hash, bolt11, amount, at_ms)

    async def succeeded(
        self,
        payment_hash: bytes,
        at_ms: int,
        preimage: bytes,
        fee: Msat,
        *,
        lnd_resolved_at_ms: int | None = None,
    ) -> None:
        await self._run(
            self._repo.succeeded,
            payment_hash,
            at_ms,
            preimage,
            fee,
            lnd_resolved_at_ms=lnd_resolved_at_ms,
        )

    async def failed(self, payment_hash: bytes, at_ms: int, reason: str) -> None:
        await self._run(self._repo.failed, payment_hash, at_ms, reason)

    async def get(self, payment_hash: bytes) -> PaymentRow | None:
        return await self._run(self._repo.get, payment_hash)

    async def find(
        self, session_id: str | None = None, status: PaymentStatus | None = None
    ) -> list[PaymentRow]:
        return await self._run(self._repo.find, session_id, status)

    async def paid_per_peer_since(self, since_ms: int) -> dict[str, Msat]:
        return await self._run(self._repo.paid_per_peer_since, since_ms)

    async def unpruned(self, limit: int) -> list[bytes]:
        return await self._run(self._repo.unpruned, limit)

    async def mark_pruned(self, payment_hashes: Sequence[bytes]) -> None:
        await self._run(self._repo.mark_pruned, payment_hashes)


class Evidence:
    def __init__(self, repo: EvidenceRepository, offloader: Offloader) -> None:
        self._repo, self._run = repo, offloader.run

    async def reading(self, row: ReadingRow) -> None:
        await self._run(self._repo.reading, row)

    async def readings(self, session_id: str, side: ReadingSide) -> list[ReadingRow]:
        return await self._run(self._repo.readings, session_id, side)

    async def last_session_reading(self, session_id: str, side: ReadingSide) -> ReadingRow | None:
        return await self._run(self._repo.last_session_reading, session_id, side)

    async def last_reading(self, side: ReadingSide, meter_id: str) -> ReadingRow | None:
        return await self._run(self._repo.last_reading, side, meter_id)

    async def relay_switch(self, session_id: str | None, on: bool, cause: str, at_ms: int) -> None:
        await self._run(self._repo.relay_switch, session_id, on, cause, at_ms)

    async def relay_switches(self, session_id: str | None = None) -> list[RelaySwitchRow]:
        return await self._run(self._repo.relay_switches, session_id)

    async def breach(self, session_id: str, kind: str, text: str, at_ms: int) -> None:
        await self._run(self._repo.breach, session_id, kind, text, at_ms)

    async def breaches(self, session_id: str | None = None) -> list[BreachRow]:
        return await self._run(self._repo.breaches, session_id)


class Hygiene:
    def __init__(self, repo: HygieneRepository, offloader: Offloader) -> None:
        self._repo, self._run = repo, offloader.run

    async def prune_raw(self, before_ms: int) -> int:
        return await self._run(self._repo.prune_raw, before_ms)


class Credit:
    def __init__(self, repo: CreditNoteRepository, offloader: Offloader) -> None:
        self._repo, self._run = repo, offloader.run

    async def noted(
        self,
        note_id: bytes,
        session_id: str,
        peer_fingerprint: str,
        credit: Msat,
        statement: bytes,
        at_ms: int,
    ) -> None:
        await self._run(
            self._repo.noted, note_id, session_id, peer_fingerprint, credit, statement, at_ms
        )

    async def carried(
        self, note_id: bytes, into_session: str, at_ms: int, *, also_requested: bool = False
    ) -> bool:
        return await self._run(
            self._repo.carried, note_id, into_session, at_ms, also_requested=also_requested
        )

    async def requested(
        self, note_id: bytes, bolt11: str, payment_hash: bytes, *, again: bool = False
    ) -> bool:
        return await self._run(self._repo.requested, note_id, bolt11, payment_hash, again=again)

    async def paid(
        self,
        note_id: bytes,
        preimage: bytes,
        at_ms: int,
        *,
        bolt11: str = "",
        payment_hash: bytes = b"",
    ) -> None:
        await self._run(
            self._repo.paid, note_id, preimage, at_ms, bolt11=bolt11, payment_hash=payment_hash
        )

    async def failed(self, note_id: bytes, reason: str) -> None:
        await self._run(self._repo.failed, note_id, reason)

    async def waived(self, note_id: bytes, at_ms: int, *, also_requested: bool = False) -> bool:
        return await self._run(self._repo.waived, note_id, at_ms, also_requested=also_requested)

    async def get(self, note_id: bytes) -> CreditNoteRow | None:
        return await self._run(self._repo.get, note_id)

    async def find(
        self, peer_fingerprint: str | None = None, state: CreditNoteState | None = None
    ) -> list[CreditNoteRow]:
        return await self._run(self._repo.find, peer_fingerprint, state)
