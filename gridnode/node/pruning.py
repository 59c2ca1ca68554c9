"""Storage hygiene: LND's own records go once the ledger holds their proof.

Every Lightning payment leaves records in LND's channel.db (about 5.6 KB each, measured:
issue 12); a node paying every few seconds fills an SD card within weeks. The ledger
keeps each payment's proof (hash, preimage, BOLT11, amount), so once it has committed a
resolved payment the buyer deletes LND's record of it, in batches, never before: the
pruner is handed only hashes the ledger already holds as succeeded or failed. The seller
deletes the cancelled hold invoices (deposits released); LND cannot delete settled
invoices (there is no RPC for it).

The same task keeps the ledger's raw window (journal entries no receipt needs, older
than ``ledger_raw_window_days``) and samples the storage growth for the warning
(:mod:`gridnode.node.storage`). docs/storage.md has the whole picture.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from gridnode.clock import SYSTEM_CLOCK, Clock
from gridnode.config.settings import CommonSettings
from gridnode.errors import GridnodeError
from gridnode.ledger import Ledger
from gridnode.node.storage import DAY_MS, StorageWatch
from gridnode.snapshot import StorageView
from gridnode.wallet.port import InvoiceNotFoundError, PaymentHash, Wallet, WalletError

log = logging.getLogger("gridnode.node")

#: How often the raw window is applied (deleting is cheap, but not every minute).
RAW_EVERY_MS = 3600 * 1000


class Pruner:
    """Deletes LND's records of resolved payments in batches, keeps the raw window, and
    samples the storage growth."""

    def __init__(
        self,
        ledger: Ledger,
        wallet: Wallet,
        *,
        batch: int = 50,
        raw_window_days: int | None = None,
        storage: StorageWatch | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.ledger = ledger
        self.wallet = wallet
        self.batch = batch
        self.raw_window_days = raw_window_days
        self.storage = storage
        self.clock = clock
        self.clock_ms = clock.now_ms
        self.pruned = 0
        self.raw_deleted = 0
        self._raw_at_ms: int | None = None

    @classmethod
    def for_node(
        cls, settings: CommonSettings, ledger: Ledger, wallet: Wallet, clock: Clock = SYSTEM_CLOCK
    ) -> Pruner:
        """The node's pruner, from its settings: its raw window and storage budget."""
        paths = [settings.ledger]
        if settings.lnd_data_dir is not None:
            paths.append(settings.lnd_data_dir)
        watch = StorageWatch(
            paths, settings.storage_budget_mb_per_day, clock.now_ms, ledger=settings.ledger
        )
        return cls(
            ledger,
            wallet,
            raw_window_days=settings.ledger_raw_window_days,
            storage=watch,
            clock=clock,
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the dashboard shows about storage (empty while all is well)."""
        return self.storage.warnings if self.storage is not None else ()

    def storage_view(self) -> StorageView | None:
        """The storage figures of the latest sample (None before it, or unwatched)."""
        return self.storage.view() if self.storage is not None else None

    async def prune_payments(self) -> int:
        """Delete the records of payments the ledger holds as resolved and not yet pruned."""
        done = 0
        while True:
            hashes = await self.ledger.payments.unpruned(self.batch)
            if not hashes:
                return done
            try:
                await self.wallet.delete_payments([PaymentHash(h) for h in hashes])
            except WalletError as exc:
                log.warning("could not delete %d payment records from LND: %s", len(hashes), exc)
                return done
            await self.ledger.payments.mark_pruned(hashes)
            done += len(hashes)
            self.pruned += len(hashes)

    async def prune_canceled_invoices(self) -> int:
        """Delete LND's records of cancelled invoices (released deposits)."""
        done = 0
        for payment_hash in await self.ledger.invoices.unpruned_canceled():
            try:
                await self.wallet.delete_canceled_invoice(PaymentHash(payment_hash))
            except InvoiceNotFoundError:
                pass  # already gone: LND's own garbage collection (hardware/deploy/lnd.conf)
            except WalletError as exc:
                log.warning("could not delete cancelled invoice %s: %s", payment_hash.hex(), exc)
                continue
            await self.ledger.invoices.mark_pruned([payment_hash])
            done += 1
        return done

    async def prune_raw(self) -> int:
        """Apply the raw window (at most hourly); returns how many entries went."""
        now = self.clock_ms()
        if self.raw_window_days is None:
            return 0
        if self._raw_at_ms is not None and now - self._raw_at_ms < RAW_EVERY_MS:
            return 0
        self._raw_at_ms = now
        before = now - self.raw_window_days * DAY_MS
        deleted = await self.ledger.hygiene.prune_raw(before)
        self.raw_deleted += deleted
        if deleted:
            log.info(
                "deleted %d raw journal entries older than %d days", deleted, self.raw_window_days
            )
        return deleted

    async def once(self) -> None:
        """One round: LND's records, the raw window, a storage sample. A failure of one
        is logged and the others still run; the next round tries again."""
        steps: list[tuple[str, Callable[[], Awaitable[int]]]] = [
            ("delete payment records", self.prune_payments),
            ("delete cancelled invoices", self.prune_canceled_invoices),
            ("apply the raw window", self.prune_raw),
        ]
        for what, step in steps:
            try:
                await step()
            except (GridnodeError, OSError) as exc:
                log.warning("storage hygiene: could not %s: %s", what, exc)
        if self.storage is not None:
            try:
                await asyncio.to_thread(self.storage.sample)
            except OSError as exc:
                log.warning("storage hygiene: could not measure the storage: %s", exc)

    async def run(self, every_s: float = 60.0) -> None:
        while True:
            await self.clock.sleep(every_s)
            await self.once()
