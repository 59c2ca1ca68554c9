"""The wallet port over LND's gRPC API: one long-lived ``grpc.aio`` channel per node.

Payments go through the router (``SendPaymentV2``; LND 0.21 no longer serves
``SendPaymentSync``). Settled invoices stream from ``SubscribeInvoices`` resumed at a
settle index; a hold invoice's ACCEPTED and CANCELED states come from
``SubscribeSingleInvoice``, which ``SubscribeInvoices`` never reports.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from collections.abc import AsyncIterator, Sequence
from typing import Any, Final

import grpc
import grpc.aio

from gridnode.money import Msat
from gridnode.wallet import lnd_mapping as mapping
from gridnode.wallet.lnd_connect import LndConnection
from gridnode.wallet.lnrpc import invoices_pb2 as inv
from gridnode.wallet.lnrpc import invoices_pb2_grpc as inv_grpc
from gridnode.wallet.lnrpc import lightning_pb2 as ln
from gridnode.wallet.lnrpc import lightning_pb2_grpc as ln_grpc
from gridnode.wallet.lnrpc import router_pb2 as router
from gridnode.wallet.lnrpc import router_pb2_grpc as router_grpc
from gridnode.wallet.port import (
    Balances,
    ChannelInfo,
    CreatedInvoice,
    DecodedInvoice,
    HeldPaymentLostError,
    InvoiceNotFoundError,
    InvoiceState,
    InvoiceStatus,
    NodeInfo,
    PaymentHash,
    PaymentResult,
    PaymentStatus,
    Preimage,
    WalletAuthError,
    WalletError,
    WalletUnreachableError,
)

log = logging.getLogger(__name__)

_MAX_MESSAGE_BYTES: Final = 64 * 1024 * 1024
_LIST_PAGE: Final = 1000
_TERMINAL_INVOICE_STATES: Final = (InvoiceState.SETTLED, InvoiceState.CANCELED)


class _MacaroonAuth(grpc.AuthMetadataPlugin):
    def __init__(self, macaroon_hex: str) -> None:
        self._metadata = (("macaroon", macaroon_hex),)

    def __call__(
        self, context: grpc.AuthMetadataContext, callback: grpc.AuthMetadataPluginCallback
    ) -> None:
        callback(self._metadata, None)


class LndWallet:
    """:class:`gridnode.wallet.port.Wallet` backed by one LND node."""

    def __init__(
        self,
        connection: LndConnection,
        *,
        call_timeout_s: float = 15.0,
        reconnect_max_s: float = 5.0,
    ) -> None:
        self._target = connection.host
        credentials = grpc.composite_channel_credentials(
            grpc.ssl_channel_credentials(root_certificates=connection.tls_cert_pem),
            grpc.metadata_call_credentials(_MacaroonAuth(connection.macaroon_hex)),
        )
        self._channel = grpc.aio.secure_channel(
            connection.host,
            credentials,
            options=[
                ("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", _MAX_MESSAGE_BYTES),
            ],
        )
        self._ln = ln_grpc.LightningStub(self._channel)
        self._router = router_grpc.RouterStub(self._channel)
        self._invoices = inv_grpc.InvoicesStub(self._channel)
        self._timeout = call_timeout_s
        self._reconnect_max_s = reconnect_max_s

    @property
    def target(self) -> str:
        return self._target

    async def close(self) -> None:
        await self._channel.close(None)

    async def __aenter__(self) -> LndWallet:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _unary(self, rpc: Any, request: object) -> Any:
        """One unary call with the deadline; a gRPC failure becomes its typed error."""
        try:
            return await rpc(request, timeout=self._timeout)
        except grpc.RpcError as exc:
            raise mapping.rpc_error(exc, self._target) from exc

    # -- info ----------------------------------------------------------------------
    async def node_info(self) -> NodeInfo:
        reply = await self._unary(self._ln.GetInfo, ln.GetInfoRequest())
        return mapping.node_info(reply)

    async def wait_ready(self, attempts: int = 5, first_delay_s: float = 0.5) -> NodeInfo:
        """``node_info`` with retries; a refused macaroon is final at once."""
        delay = first_delay_s
        for attempt in range(1, attempts + 1):
            try:
                return await self.node_info()
            except WalletAuthError:
                raise
            except WalletUnreachableError:
                if attempt == attempts:
                    raise
                log.info("LND at %s not reachable yet (attempt %d)", self._target, attempt)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._reconnect_max_s)
        raise AssertionError("unreachable")  # pragma: no cover

    async def balances(self) -> Balances:
        channel = await self._unary(self._ln.ChannelBalance, ln.ChannelBalanceRequest())
        return mapping.balances(channel)

    async def channels(self) -> tuple[ChannelInfo, ...]:
        """Every open channel (ListChannels)."""
        reply = await self._unary(self._ln.ListChannels, ln.ListChannelsRequest())
        return tuple(mapping.channel_info(c) for c in reply.channels)

    # -- invoices ------------------------------------------------------------------
    async def create_invoice(self, amount: Msat, memo: str, expiry_s: int) -> CreatedInvoice:
        request = ln.Invoice(value_msat=amount.msat, memo=memo, expiry=expiry_s)
        reply = await self._unary(self._ln.AddInvoice, request)
        return CreatedInvoice(
            payment_hash=PaymentHash(reply.r_hash),
            bolt11=reply.payment_request,
            amount=amount,
            add_index=reply.add_index,
        )

    async def create_hold_invoice(
        self,
        payment_hash: PaymentHash,
        amount: Msat,
        memo: str,
        expiry_s: int,
        cltv_expiry: int,
    ) -> CreatedInvoice:
        request = inv.AddHoldInvoiceRequest(
            hash=payment_hash.value,
            value_msat=amount.msat,
            memo=memo,
            expiry=expiry_s,
            cltv_expiry=cltv_expiry,
        )
        reply = await self._unary(self._invoices.AddHoldInvoice, request)
        return CreatedInvoice(
            payment_hash=payment_hash,
            bolt11=reply.payment_request,
            amount=amount,
            add_index=reply.add_index,
        )

    async def settle_hold_invoice(self, preimage: Preimage) -> None:
        payment_hash = PaymentHash(hashlib.sha256(preimage.value).digest())
        invoice = await self._unary(
            self._ln.LookupInvoice, ln.PaymentHash(r_hash=payment_hash.value)
        )
        if invoice.state == ln.Invoice.ACCEPTED:
            channels = await self._unary(self._ln.ListChannels, ln.ListChannelsRequest())
            if lost := mapping.lost_htlc_channels(invoice, channels):
                raise HeldPaymentLostError(
                    f"the payment held by invoice {payment_hash} is on channel(s) "
                    f"{', '.join(map(str, lost))}, closed since: settling it would call it "
                    "paid for money that cannot arrive, so it is not settled",
                    payment_hash,
                )
        await self._unary(
            self._invoices.SettleInvoice, inv.SettleInvoiceMsg(preimage=preimage.value)
        )

    async def cancel_invoice(self, payment_hash: PaymentHash) -> None:
        await self._unary(
            self._invoices.CancelInvoice, inv.CancelInvoiceMsg(payment_hash=payment_hash.value)
        )

    async def decode_invoice(self, bolt11: str) -> DecodedInvoice:
        reply = await self._unary(self._ln.DecodePayReq, ln.PayReqString(pay_req=bolt11))
        return mapping.decoded_invoice(reply)

    async def lookup_invoice(self, payment_hash: PaymentHash) -> InvoiceStatus:
        reply = await self._unary(self._ln.LookupInvoice, ln.PaymentHash(r_hash=payment_hash.value))
        return mapping.invoice_status(reply)

    async def list_invoices(self) -> list[InvoiceStatus]:
        """Every invoice LND holds, oldest first (paged by add index)."""
        found: list[InvoiceStatus] = []
        offset = 0
        while True:
            request = ln.ListInvoiceRequest(index_offset=offset, num_max_invoices=_LIST_PAGE)
            reply = await self._unary(self._ln.ListInvoices, request)
            found.extend(mapping.invoice_status(i) for i in reply.invoices)
            if len(reply.invoices) < _LIST_PAGE:
                return found
            offset = reply.last_index_offset

    async def delete_canceled_invoice(self, payment_hash: PaymentHash) -> None:
        await self._unary(
            self._ln.DeleteCanceledInvoice, ln.DelCanceledInvoiceReq(invoice_hash=payment_hash.hex)
        )

    # -- invoice streams -------------------------------------------------------------
    async def settled_invoices(self, after_settle_index: int) -> AsyncIterator[InvoiceStatus]:
        last = after_settle_index
        delay = 0.1
        while True:
            try:
                if last == 0:
                    # SubscribeInvoices cannot replay from index 0 (0 means "no replay"),
                    # so until the first settlement ever, find it by listing.
                    settled = sorted(
                        (i for i in await self.list_invoices() if i.state is InvoiceState.SETTLED),
                        key=lambda i: i.settle_index,
                    )
                    for invoice in settled:
                        last = invoice.settle_index
                        yield invoice
                    if last == 0:
                        await asyncio.sleep(0.25)
                    continue
                call = self._ln.SubscribeInvoices(ln.InvoiceSubscription(settle_index=last))
                try:
                    async for update in call:
                        delay = 0.1
                        if update.state == ln.Invoice.SETTLED and update.settle_index > last:
                            last = update.settle_index
                            yield mapping.invoice_status(update)
                finally:
                    call.cancel()
                raise WalletUnreachableError(f"LND at {self._target} ended the invoice stream")
            except grpc.RpcError as exc:
                error: WalletError = mapping.rpc_error(exc, self._target)
            except WalletUnreachableError as exc:
                error = exc
            if isinstance(error, WalletAuthError):
                raise error
            log.warning(
                "invoice stream from %s dropped (%s); resuming after settle index %d",
                self._target,
                error,
                last,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._reconnect_max_s)

    async def invoice_updates(self, payment_hash: PaymentHash) -> AsyncIterator[InvoiceStatus]:
        previous: InvoiceState | None = None
        delay = 0.1
        while True:
            try:
                call = self._invoices.SubscribeSingleInvoice(
                    inv.SubscribeSingleInvoiceRequest(r_hash=payment_hash.value)
                )
                try:
                    async for update in call:
                        delay = 0.1
                        status = mapping.invoice_status(update)
                        if status.state is not previous:
                            previous = status.state
                            yield status
                        if status.state in _TERMINAL_INVOICE_STATES:
                            return
                finally:
                    call.cancel()
                error: WalletError = WalletUnreachableError("stream ended")
            except grpc.RpcError as exc:
                error = mapping.rpc_error(exc, self._target)
            if isinstance(error, WalletAuthError | InvoiceNotFoundError):
                raise error
            log.warning(
                "invoice %s stream from %s dropped (%s); resubscribing",
                payment_hash,
                self._target,
                error,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._reconnect_max_s)

    # -- payments --------------------------------------------------------------------
    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        request = router.SendPaymentRequest(
            payment_request=bolt11,
            fee_limit_msat=max_fee.msat,
            timeout_seconds=max(1, math.ceil(timeout_s)),
        )
        latest: PaymentResult | None = None
        call = self._router.SendPaymentV2(request)
        try:
            async with asyncio.timeout(timeout_s + 2.0):
                async for update in call:
                    latest = mapping.payment_result(update)
                    if latest.status is not PaymentStatus.IN_FLIGHT:
                        return latest
        except TimeoutError:
            pass
        except grpc.RpcError as exc:
            if latest is None:
                decoded = await self._decode_quietly(bolt11)
                raise mapping.rpc_error(
                    exc, self._target, decoded.payment_hash if decoded else None
                ) from exc
            log.warning("payment stream from %s dropped mid-payment: %s", self._target, exc)
        finally:
            call.cancel()  # ends our stream only; LND never aborts HTLCs in flight
        if latest is None:
            decoded = await self.decode_invoice(bolt11)
            return PaymentResult(
                decoded.payment_hash, PaymentStatus.IN_FLIGHT, decoded.amount, Msat(0)
            )
        return latest

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        latest: PaymentResult | None = None
        call = self._router.TrackPaymentV2(
            router.TrackPaymentRequest(payment_hash=payment_hash.value)
        )
        try:
            async with asyncio.timeout(timeout_s):
                async for update in call:
                    latest = mapping.payment_result(update)
                    if latest.status is not PaymentStatus.IN_FLIGHT:
                        return latest
        except TimeoutError:
            pass
        except grpc.RpcError as exc:
            raise mapping.rpc_error(exc, self._target, payment_hash) from exc
        finally:
            call.cancel()
        if latest is None:
            raise WalletUnreachableError(
                f"LND at {self._target} said nothing about payment {payment_hash} "
                f"within {timeout_s} s."
            )
        return latest

    async def delete_payments(self, payment_hashes: Sequence[PaymentHash]) -> int:
        deleted = 0
        for payment_hash in payment_hashes:
            request = ln.DeletePaymentRequest(payment_hash=payment_hash.value)
            try:
                await self._unary(self._ln.DeletePayment, request)
            except InvoiceNotFoundError:
                continue  # already gone
            except WalletError as exc:
                if "not found" in str(exc).lower():
                    continue
                raise
            deleted += 1
        return deleted

    async def _decode_quietly(self, bolt11: str) -> DecodedInvoice | None:
        try:
            return await self.decode_invoice(bolt11)
        except WalletError:
            return None
