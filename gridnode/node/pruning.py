"""Storage hygiene: LND's own records go once the ledger holds their proof.

Every Lightning payment leaves records in LND's channel.db (about 5.6 KB each, measured:
issue 12); a node paying every few seconds fills an SD card within weeks. The ledger
keeps each payment's proof (hash, preimage, BOLT11, amount), so once it has committed a
resolved payment the buyer deletes LND's record of it, in batches, never before: the
pruner is handed only hashes the ledger already holds as succeeded or failed. The seller
deletes the cancelled hold invoices (deposits released); LND cannot delete settled
invoices (there is no RPC for it).
"""

from __future__ import annotations

import asyncio
import logging

from gridnode.ledger import Ledger
from gridnode.wallet.port import PaymentHash, Wallet, WalletError

log = logging.getLogger("gridnode.node")


class Pruner:
    """Deletes LND's records of resolved payments in batches."""

    def __init__(self, ledger: Ledger, wallet: Wallet, *, batch: int = 50) -> None:
        self.ledger = ledger
        self.wallet = wallet
        self.batch = batch
        self.pruned = 0

    async def prune_payments(self) -> int:
        """Delete the records of payments the ledger holds as resolved and not yet pruned."""
        done = 0
        while True:
            hashes = await asyncio.to_thread(self.ledger.unpruned_payments, self.batch)
            if not hashes:
                return done
            try:
                await self.wallet.delete_payments([PaymentHash(h) for h in hashes])
            except WalletError as exc:
                log.warning("could not delete %d payment records from LND: %s", len(hashes), exc)
                return done
            await asyncio.to_thread(self.ledger.mark_pruned, "payments", hashes)
            done += len(hashes)
            self.pruned += len(hashes)

    async def prune_canceled_invoices(self) -> int:
        """Delete LND's records of cancelled invoices (released deposits)."""
        done = 0
        for payment_hash in await asyncio.to_thread(self.ledger.unpruned_canceled_invoices):
            try:
                await self.wallet.delete_canceled_invoice(PaymentHash(payment_hash))
            except WalletError as exc:
                log.warning("could not delete cancelled invoice %s: %s", payment_hash.hex(), exc)
                continue
            await asyncio.to_thread(self.ledger.mark_pruned, "invoices", [payment_hash])
            done += 1
        return done

    async def run(self, every_s: float = 60.0) -> None:
        while True:
            await asyncio.sleep(every_s)
            await self.prune_payments()
            await self.prune_canceled_invoices()
