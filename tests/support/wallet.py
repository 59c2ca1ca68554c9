"""An in-process fake of the wallet port, for unit tests only.

:class:`FakeLightning` is a tiny network: every :class:`FakeWallet` on it can invoice and
pay the others, with plain and hold invoices, settle indexes and a settled stream, so
the node runtime can be tested without LND. The regtest tier tests the real adapter.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gridnode.clock import SYSTEM_CLOCK, Clock, wait_for
from gridnode.money import Msat
from gridnode.wallet.port import (
    AlreadyPaidError,
    Balances,
    CreatedInvoice,
    DecodedInvoice,
    InvalidInvoiceError,
    InvoiceNotFoundError,
    InvoiceState,
    InvoiceStatus,
    NodeInfo,
    PaymentFailure,
    PaymentHash,
    PaymentInFlightError,
    PaymentResult,
    PaymentStatus,
    Preimage,
    WalletUnreachableError,
)
from tests.support.bolt11s import make_bolt11, node_id


@dataclass
class _Invoice:
    payee: FakeWallet
    status: InvoiceStatus
    bolt11: str
    expiry_s: int
    cltv_expiry: int
    hold: bool
    preimage: bytes | None
    #: when the invoice stops being payable, on the payee's clock (monotonic seconds)
    expires_at_s: float = float("inf")


@dataclass
class FakeLightning:
    invoices: dict[bytes, _Invoice] = field(default_factory=dict)
    by_bolt11: dict[str, bytes] = field(default_factory=dict)
    add_index: int = 0
    settle_index: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()


class FakeWallet:
    """One node's wallet on a :class:`FakeLightning`."""

    def __init__(
        self,
        network: FakeLightning,
        name: str,
        balance: Msat = Msat(10**10),
        *,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """``clock`` times a payment's delay and a tracking call's timeout (a test in
        virtual time passes its own)."""
        self.network = network
        self.name = name
        self.clock = clock
        self.local = balance
        self.remote = Msat(0)
        self.payments: dict[bytes, PaymentResult] = {}
        self.offline = False  # raise WalletUnreachableError from every call
        self.pay_delay_s = 0.0
        #: this node's Lightning key: its invoices are real BOLT11s signed with it
        self.node_key = hashlib.sha256(f"fake lightning node {name}".encode()).hexdigest()
        self.pubkey = node_id(self.node_key)

    def _check(self) -> None:
        if self.offline:
            raise WalletUnreachableError(f"fake wallet {self.name} is offline")

    async def node_info(self) -> NodeInfo:
        self._check()
        return NodeInfo(self.pubkey, self.name, "fake", 1, True, True, 1)

    async def create_invoice(self, amount: Msat, memo: str, expiry_s: int) -> CreatedInvoice:
        preimage = os.urandom(32)
        return await self._add(
            hashlib.sha256(preimage).digest(), preimage, amount, memo, expiry_s, 18, hold=False
        )

    async def create_hold_invoice(
        self, payment_hash: PaymentHash, amount: Msat, memo: str, expiry_s: int, cltv_expiry: int
    ) -> CreatedInvoice:
        return await self._add(
            payment_hash.value, None, amount, memo, expiry_s, cltv_expiry, hold=True
        )

    async def _add(
        self,
        h: bytes,
        preimage: bytes | None,
        amount: Msat,
        memo: str,
        expiry_s: int,
        cltv: int,
        *,
        hold: bool,
    ) -> CreatedInvoice:
        self._check()
        self.network.add_index += 1
        bolt11 = make_bolt11(h, amount, key=self.node_key, memo=memo, expiry_s=expiry_s)
        status = InvoiceStatus(
            PaymentHash(h),
            InvoiceState.OPEN,
            amount,
            Msat(0),
            self.network.add_index,
            0,
            0,
            memo,
            None,
        )
        expires_at_s = self.clock.monotonic() + expiry_s
        self.network.invoices[h] = _Invoice(
            self, status, bolt11, expiry_s, cltv, hold, preimage, expires_at_s
        )
        self.network.by_bolt11[bolt11] = h
        await self.network.notify()
        return CreatedInvoice(PaymentHash(h), bolt11, amount, self.network.add_index)

    async def _update(self, invoice: _Invoice, **changes: Any) -> None:
        invoice.status = replace(invoice.status, **changes)
        await self.network.notify()

    async def settle_hold_invoice(self, preimage: Preimage) -> None:
        self._check()
        invoice = self._own(hashlib.sha256(preimage.value).digest())
        if invoice.status.state is not InvoiceState.ACCEPTED:
            raise InvalidInvoiceError("only an accepted hold invoice can be settled")
        invoice.preimage = preimage.value
        self.network.settle_index += 1
        await self._update(
            invoice,
            state=InvoiceState.SETTLED,
            preimage=preimage,
            amount_paid=invoice.status.amount,
            settle_index=self.network.settle_index,
        )

    async def cancel_invoice(self, payment_hash: PaymentHash) -> None:
        self._check()
        invoice = self._own(payment_hash.value)
        if invoice.status.state is InvoiceState.SETTLED:
            raise InvalidInvoiceError("a settled invoice cannot be cancelled")
        await self._update(invoice, state=InvoiceState.CANCELED)

    def _own(self, h: bytes) -> _Invoice:
        invoice = self.network.invoices.get(h)
        if invoice is None or invoice.payee is not self:
            raise InvoiceNotFoundError("unable to locate invoice")
        return invoice

    async def decode_invoice(self, bolt11: str) -> DecodedInvoice:
        self._check()
        h = self.network.by_bolt11.get(bolt11)
        if h is None:
            raise InvalidInvoiceError("invalid payreq")
        invoice = self.network.invoices[h]
        return DecodedInvoice(
            PaymentHash(h),
            invoice.status.amount,
            invoice.payee.name,
            invoice.status.memo,
            0,
            invoice.expiry_s,
            invoice.cltv_expiry,
        )

    async def lookup_invoice(self, payment_hash: PaymentHash) -> InvoiceStatus:
        self._check()
        return self._own(payment_hash.value).status

    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        self._check()
        h = self.network.by_bolt11.get(bolt11)
        if h is None:
            raise InvalidInvoiceError("invalid payreq")
        known = self.payments.get(h)
        if known is not None and known.status is PaymentStatus.SUCCEEDED:
            raise AlreadyPaidError("invoice is already paid", PaymentHash(h))
        if known is not None and known.status is PaymentStatus.IN_FLIGHT:
            raise PaymentInFlightError("payment is in transition", PaymentHash(h))
        invoice = self.network.invoices[h]
        amount = invoice.status.amount
        # as LND: an invoice past its expiry is not paid (the payee's LND cancels it)
        expired = self.clock.monotonic() >= invoice.expires_at_s
        if invoice.status.state is not InvoiceState.OPEN or expired or amount > self.local:
            failure = (
                PaymentFailure.INSUFFICIENT_BALANCE
                if amount > self.local
                else PaymentFailure.INCORRECT_PAYMENT_DETAILS
            )
            result = PaymentResult(
                PaymentHash(h), PaymentStatus.FAILED, amount, Msat(0), failure=failure
            )
            self.payments[h] = result
            return result
        await self.clock.sleep(self.pay_delay_s)
        self.local -= amount
        if invoice.hold:
            self.payments[h] = PaymentResult(
                PaymentHash(h), PaymentStatus.IN_FLIGHT, amount, Msat(0)
            )
            await invoice.payee._update(invoice, state=InvoiceState.ACCEPTED, amount_paid=amount)
            return await self.track_payment(PaymentHash(h), timeout_s)
        self.network.settle_index += 1
        invoice.payee.remote += amount
        await invoice.payee._update(
            invoice,
            state=InvoiceState.SETTLED,
            amount_paid=amount,
            preimage=Preimage(invoice.preimage or b""),
            settle_index=self.network.settle_index,
        )
        result = PaymentResult(
            PaymentHash(h),
            PaymentStatus.SUCCEEDED,
            amount,
            Msat(0),
            preimage=Preimage(invoice.preimage or b""),
        )
        self.payments[h] = result
        return result

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        self._check()
        if payment_hash.value not in self.payments:  # as LND: "payment isn't initiated"
            raise InvoiceNotFoundError(f"payment {payment_hash} isn't initiated")
        try:
            return await wait_for(self.clock, self._resolution(payment_hash), timeout_s)
        except TimeoutError:
            return self.payments[payment_hash.value]

    async def _resolution(self, payment_hash: PaymentHash) -> PaymentResult:
        """The payment's result once its invoice is settled or cancelled."""
        h = payment_hash.value
        while True:
            invoice = self.network.invoices[h]
            if invoice.status.state is InvoiceState.SETTLED:
                result = PaymentResult(
                    payment_hash,
                    PaymentStatus.SUCCEEDED,
                    invoice.status.amount,
                    Msat(0),
                    preimage=Preimage(invoice.preimage or b""),
                )
                self.payments[h] = result
                return result
            if invoice.status.state is InvoiceState.CANCELED:
                self.local += invoice.status.amount
                result = PaymentResult(
                    payment_hash,
                    PaymentStatus.FAILED,
                    invoice.status.amount,
                    Msat(0),
                    failure=PaymentFailure.INCORRECT_PAYMENT_DETAILS,
                )
                self.payments[h] = result
                return result
            async with self.network.changed:
                await self.network.changed.wait()

    async def settled_invoices(self, after_settle_index: int) -> AsyncIterator[InvoiceStatus]:
        last = after_settle_index
        while True:
            mine = sorted(
                (
                    i.status
                    for i in self.network.invoices.values()
                    if i.payee is self
                    and i.status.state is InvoiceState.SETTLED
                    and i.status.settle_index > last
                ),
                key=lambda s: s.settle_index,
            )
            for status in mine:
                last = status.settle_index
                yield status
            async with self.network.changed:
                await self.network.changed.wait()

    async def invoice_updates(self, payment_hash: PaymentHash) -> AsyncIterator[InvoiceStatus]:
        previous = None
        while True:
            status = self._own(payment_hash.value).status
            if status.state is not previous:
                previous = status.state
                yield status
            if status.state in (InvoiceState.SETTLED, InvoiceState.CANCELED):
                return
            async with self.network.changed:
                await self.network.changed.wait()

    async def balances(self) -> Balances:
        self._check()
        return Balances(self.local, self.remote, Msat(0))

    async def delete_payments(self, payment_hashes: Sequence[PaymentHash]) -> int:
        return sum(self.payments.pop(h.value, None) is not None for h in payment_hashes)

    async def delete_canceled_invoice(self, payment_hash: PaymentHash) -> None:
        invoice = self._own(payment_hash.value)
        if invoice.status.state is not InvoiceState.CANCELED:
            raise InvalidInvoiceError("only cancelled invoices can be deleted")
        del self.network.invoices[payment_hash.value]

    async def close(self) -> None:
        return None
