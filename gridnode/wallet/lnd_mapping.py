"""LND's protobuf replies and gRPC errors, turned into the wallet port's domain types.

The only module (with :mod:`gridnode.wallet.lnd`) that touches LND's generated types;
nothing protobuf leaves it. proto3 gives every absent field its default (0, "", b""),
so each mapping says what a default means rather than trusting it.
"""

from __future__ import annotations

import grpc

from gridnode.money import Msat
from gridnode.wallet.lnrpc import lightning_pb2 as ln
from gridnode.wallet.port import (
    AlreadyPaidError,
    Balances,
    ChannelInfo,
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
    WalletAuthError,
    WalletError,
    WalletNotConnectedError,
    WalletTlsError,
    WalletUnreachableError,
)

_INVOICE_STATES = {
    ln.Invoice.OPEN: InvoiceState.OPEN,
    ln.Invoice.SETTLED: InvoiceState.SETTLED,
    ln.Invoice.CANCELED: InvoiceState.CANCELED,
    ln.Invoice.ACCEPTED: InvoiceState.ACCEPTED,
}

_PAYMENT_STATES = {
    ln.Payment.IN_FLIGHT: PaymentStatus.IN_FLIGHT,
    ln.Payment.INITIATED: PaymentStatus.IN_FLIGHT,  # created, HTLCs may go out any moment
    ln.Payment.SUCCEEDED: PaymentStatus.SUCCEEDED,
    ln.Payment.FAILED: PaymentStatus.FAILED,
}

_FAILURES = {
    ln.FAILURE_REASON_TIMEOUT: PaymentFailure.TIMEOUT,
    ln.FAILURE_REASON_NO_ROUTE: PaymentFailure.NO_ROUTE,
    ln.FAILURE_REASON_ERROR: PaymentFailure.ERROR,
    ln.FAILURE_REASON_INCORRECT_PAYMENT_DETAILS: PaymentFailure.INCORRECT_PAYMENT_DETAILS,
    ln.FAILURE_REASON_INSUFFICIENT_BALANCE: PaymentFailure.INSUFFICIENT_BALANCE,
    ln.FAILURE_REASON_CANCELED: PaymentFailure.CANCELED,
}


def node_info(reply: ln.GetInfoResponse) -> NodeInfo:
    return NodeInfo(
        pubkey=reply.identity_pubkey,
        alias=reply.alias,
        version=reply.version,
        block_height=reply.block_height,
        synced_to_chain=reply.synced_to_chain,
        synced_to_graph=reply.synced_to_graph,
        active_channels=reply.num_active_channels,
    )


def invoice_status(invoice: ln.Invoice) -> InvoiceStatus:
    try:
        state = _INVOICE_STATES[invoice.state]
    except KeyError as exc:
        raise WalletError(f"LND reported an unknown invoice state {invoice.state}") from exc
    # LND fills r_preimage for invoices it made; a hold invoice has none until settled.
    preimage = Preimage(invoice.r_preimage) if len(invoice.r_preimage) == 32 else None
    return InvoiceStatus(
        payment_hash=PaymentHash(invoice.r_hash),
        state=state,
        amount=Msat(invoice.value_msat),
        amount_paid=Msat(invoice.amt_paid_msat),
        add_index=invoice.add_index,
        settle_index=invoice.settle_index,
        settled_at_s=invoice.settle_date,
        memo=invoice.memo,
        preimage=preimage,
    )


def lost_htlc_channels(invoice: ln.Invoice, channels: ln.ListChannelsResponse) -> tuple[int, ...]:
    """The channels (short ids) of ``invoice``'s held HTLCs that are not among the open
    ``channels``: force-closed under the hold. LND settles such an invoice all the same
    and calls it paid, but an HTLC below the dust limit had no output on the closing
    transaction, so nothing arrives (the full drill's fd3b8a23: a 50-sat deposit kept
    for a default after its channel closed; the buyer's LND failed the payment)."""
    open_ids = {c.chan_id for c in channels.channels}
    open_ids.update(alias for c in channels.channels for alias in c.alias_scids)
    held = (h.chan_id for h in invoice.htlcs if h.state == ln.InvoiceHTLCState.ACCEPTED)
    return tuple(sorted({chan_id for chan_id in held if chan_id not in open_ids}))


def decoded_invoice(reply: ln.PayReq) -> DecodedInvoice:
    return DecodedInvoice(
        payment_hash=PaymentHash.from_hex(reply.payment_hash),
        amount=Msat(reply.num_msat),
        destination=reply.destination,
        description=reply.description,
        created_at_s=reply.timestamp,
        expiry_s=reply.expiry or 3600,  # BOLT 11: absent expiry means one hour
        cltv_expiry=reply.cltv_expiry or 18,  # BOLT 11: absent min_final_cltv means 18
    )


def payment_result(payment: ln.Payment) -> PaymentResult:
    status = _PAYMENT_STATES.get(payment.status)
    if status is None:
        raise WalletError(f"LND reported an unknown payment status {payment.status}")
    preimage = None
    failure = None
    resolved_at_ms = None
    if status is PaymentStatus.SUCCEEDED:
        preimage = Preimage(bytes.fromhex(payment.payment_preimage))
        # LND stamps each HTLC's resolution in nanoseconds: the payment's settle time
        times = [h.resolve_time_ns for h in payment.htlcs if h.resolve_time_ns]
        resolved_at_ms = max(times) // 1_000_000 if times else None
    elif status is PaymentStatus.FAILED:
        failure = _FAILURES.get(payment.failure_reason, PaymentFailure.UNKNOWN)
    return PaymentResult(
        payment_hash=PaymentHash.from_hex(payment.payment_hash),
        status=status,
        amount=Msat(payment.value_msat),
        fee=Msat(payment.fee_msat),
        preimage=preimage,
        failure=failure,
        resolved_at_ms=resolved_at_ms,
    )


def balances(channel: ln.ChannelBalanceResponse) -> Balances:
    return Balances(
        channel_local=Msat(channel.local_balance.msat),
        channel_remote=Msat(channel.remote_balance.msat),
        channel_pending_open_local=Msat(channel.pending_open_local_balance.msat),
    )


def channel_info(channel: ln.Channel) -> ChannelInfo:
    return ChannelInfo(
        remote_pubkey=channel.remote_pubkey,
        active=channel.active,
        capacity=Msat.from_sat(channel.capacity),
        local=Msat.from_sat(channel.local_balance),
        remote=Msat.from_sat(channel.remote_balance),
        local_min_htlc=Msat(channel.local_constraints.min_htlc_msat),
        remote_min_htlc=Msat(channel.remote_constraints.min_htlc_msat),
        local_reserve=Msat.from_sat(channel.local_chan_reserve_sat),
        remote_reserve=Msat.from_sat(channel.remote_chan_reserve_sat),
    )


#: What LND says while it starts up or waits for its wallet to be ready.
_STARTING = ("in the process of starting up", "not yet ready to accept calls", "waiting to start")

#: What gRPC says of a call it could not send: no connection to LND was made.
_NOT_CONNECTED = ("failed to connect", "connection refused")


def rpc_error(
    exc: grpc.RpcError, target: str, payment_hash: PaymentHash | None = None
) -> WalletError:
    """The typed error for a failed gRPC call to LND at ``target``."""
    code = _call_attr(exc, "code")
    details = str(_call_attr(exc, "details") or exc)
    lowered = details.lower()
    if code is grpc.StatusCode.UNAVAILABLE:
        if any(word in lowered for word in ("ssl", "handshake", "certificate", "tls")):
            return WalletTlsError(
                f"LND at {target} presented a TLS certificate that does not match the "
                "configured one; point tls_cert at that node's tls.cert."
            )
        # gRPC sends a call only on an established connection: one refused at connect
        # never reached LND (a reset or a deadline may have reached it)
        kind = (
            WalletNotConnectedError
            if any(words in lowered for words in _NOT_CONNECTED)
            else WalletUnreachableError
        )
        return kind(
            f"LND at {target} is unreachable ({details}); check that lnd runs and that "
            "host and port are right."
        )
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return WalletUnreachableError(f"LND at {target} did not answer in time ({details}).")
    if any(words in lowered for words in _STARTING):
        # LND answers UNKNOWN while it starts (its RPC server is up, the wallet is not):
        # a moment's wait, like an unreachable LND, not a failure
        return WalletNotConnectedError(
            f"LND at {target} is still starting ({details}); the node waits for it."
        )
    if (
        "verification failed" in lowered
        or "permission denied" in lowered
        or ("macaroon" in lowered and "unable to" not in lowered)
    ):
        return WalletAuthError(
            f"LND at {target} refused the macaroon ({details}); use a macaroon baked by "
            "that node with the permissions this role needs."
        )
    if payment_hash is not None:
        if "already paid" in lowered or "already succeeded" in lowered:
            return AlreadyPaidError(
                f"payment {payment_hash} was already made; its proof is in track_payment",
                payment_hash,
            )
        if "in transition" in lowered or "in flight" in lowered:
            return PaymentInFlightError(
                f"payment {payment_hash} is already in flight; wait for it, do not pay again",
                payment_hash,
            )
    if "unable to locate invoice" in lowered or "there are no existing invoices" in lowered:
        return InvoiceNotFoundError(f"LND at {target} has no such invoice ({details}).")
    if code is grpc.StatusCode.NOT_FOUND:
        return InvoiceNotFoundError(f"LND at {target} has no such record ({details}).")
    if "invalid" in lowered and (
        "payreq" in lowered or "bech32" in lowered or "checksum" in lowered
    ):
        return InvalidInvoiceError(f"not a valid payment request ({details}).")
    name = code.name if isinstance(code, grpc.StatusCode) else "unknown"
    return WalletError(f"LND at {target} failed the call ({name}: {details}).")


def _call_attr(exc: grpc.RpcError, name: str) -> object:
    """``code()`` or ``details()`` of an error that is also a call (most are)."""
    method = getattr(exc, name, None)
    return method() if callable(method) else None
