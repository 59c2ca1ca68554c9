"""The adapter's mapping of LND replies and errors to domain types (no LND needed)."""

from __future__ import annotations

import grpc
import pytest

from gridnode.money import Msat
from gridnode.wallet import lnd_mapping as mapping
from gridnode.wallet.lnrpc import lightning_pb2 as ln
from gridnode.wallet.port import (
    AlreadyPaidError,
    InvalidInvoiceError,
    InvoiceNotFoundError,
    InvoiceState,
    PaymentFailure,
    PaymentHash,
    PaymentInFlightError,
    PaymentStatus,
    WalletAuthError,
    WalletError,
    WalletNotConnectedError,
    WalletTlsError,
    WalletUnreachableError,
)

HASH = bytes(range(32))
PREIMAGE = bytes(range(32, 64))


class FakeRpcError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self._code, self._details = code, details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details


def test_settled_invoice_maps_amounts_indexes_and_preimage() -> None:
    invoice = ln.Invoice(
        r_hash=HASH,
        r_preimage=PREIMAGE,
        value_msat=12_345,
        amt_paid_msat=12_345,
        state=ln.Invoice.SETTLED,
        add_index=7,
        settle_index=3,
        settle_date=1_700_000_000,
        memo="m",
    )
    status = mapping.invoice_status(invoice)
    assert status.state is InvoiceState.SETTLED
    assert status.amount == Msat(12_345)
    assert status.amount_paid == Msat(12_345)
    assert (status.add_index, status.settle_index) == (7, 3)
    assert status.preimage is not None
    assert status.preimage.value == PREIMAGE


def test_hold_invoice_without_preimage_maps_to_none_not_empty_bytes() -> None:
    status = mapping.invoice_status(ln.Invoice(r_hash=HASH, state=ln.Invoice.ACCEPTED))
    assert status.state is InvoiceState.ACCEPTED
    assert status.preimage is None
    assert status.settle_index == 0


def test_unknown_invoice_state_is_an_error_not_a_guess() -> None:
    with pytest.raises(WalletError, match="unknown invoice state"):
        # deliberately a state the stubs do not know, as a newer LND could send
        mapping.invoice_status(ln.Invoice(r_hash=HASH, state=17))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ln.Payment.IN_FLIGHT, PaymentStatus.IN_FLIGHT),
        (ln.Payment.INITIATED, PaymentStatus.IN_FLIGHT),
        (ln.Payment.FAILED, PaymentStatus.FAILED),
    ],
)
def test_payment_states_never_count_an_unfinished_payment_as_made(
    status: ln.Payment.PaymentStatus, expected: PaymentStatus
) -> None:
    result = mapping.payment_result(ln.Payment(payment_hash=HASH.hex(), status=status))
    assert result.status is expected
    assert result.preimage is None
    assert not result.succeeded


def test_succeeded_payment_carries_preimage_amount_and_fee() -> None:
    payment = ln.Payment(
        payment_hash=HASH.hex(),
        payment_preimage=PREIMAGE.hex(),
        status=ln.Payment.SUCCEEDED,
        value_msat=5_000,
        fee_msat=1,
    )
    result = mapping.payment_result(payment)
    assert result.succeeded
    assert result.amount == Msat(5_000)
    assert result.fee == Msat(1)
    assert result.preimage is not None
    assert result.preimage.value == PREIMAGE


@pytest.mark.parametrize(
    ("reason", "failure"),
    [
        (ln.FAILURE_REASON_NO_ROUTE, PaymentFailure.NO_ROUTE),
        (ln.FAILURE_REASON_INSUFFICIENT_BALANCE, PaymentFailure.INSUFFICIENT_BALANCE),
        (ln.FAILURE_REASON_TIMEOUT, PaymentFailure.TIMEOUT),
        (ln.FAILURE_REASON_INCORRECT_PAYMENT_DETAILS, PaymentFailure.INCORRECT_PAYMENT_DETAILS),
        (ln.FAILURE_REASON_NONE, PaymentFailure.UNKNOWN),
    ],
)
def test_failure_reasons(reason: ln.PaymentFailureReason, failure: PaymentFailure) -> None:
    payment = ln.Payment(payment_hash=HASH.hex(), status=ln.Payment.FAILED, failure_reason=reason)
    assert mapping.payment_result(payment).failure is failure


def test_decoded_invoice_defaults_follow_bolt11() -> None:
    decoded = mapping.decoded_invoice(ln.PayReq(payment_hash=HASH.hex(), num_msat=42))
    assert decoded.amount == Msat(42)
    assert decoded.expiry_s == 3600
    assert decoded.cltv_expiry == 18


def test_balances_are_msat() -> None:
    channel = ln.ChannelBalanceResponse(
        local_balance=ln.Amount(sat=1, msat=1_500), remote_balance=ln.Amount(msat=2_000)
    )
    balances = mapping.balances(channel)
    assert balances.channel_local == Msat(1_500)
    assert balances.channel_remote == Msat(2_000)


@pytest.mark.parametrize(
    ("code", "details", "error"),
    [
        (  # never sent: the call may be made again
            grpc.StatusCode.UNAVAILABLE,
            "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:44689: "
            "Failed to connect to remote host: Connection refused",
            WalletNotConnectedError,
        ),
        (  # a connection that broke mid-call: LND may have taken the call
            grpc.StatusCode.UNAVAILABLE,
            "Socket closed",
            WalletUnreachableError,
        ),
        (
            grpc.StatusCode.UNAVAILABLE,
            "Ssl handshake failed: CERTIFICATE_VERIFY_FAILED",
            WalletTlsError,
        ),
        (grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded", WalletUnreachableError),
        (  # found by the fault drill: a node started while its LND restarts
            grpc.StatusCode.UNKNOWN,
            "the RPC server is in the process of starting up, but not yet ready to accept calls",
            WalletNotConnectedError,
        ),
        (grpc.StatusCode.UNKNOWN, "verification failed: signature mismatch", WalletAuthError),
        (grpc.StatusCode.UNKNOWN, "permission denied", WalletAuthError),
        (grpc.StatusCode.UNKNOWN, "unable to locate invoice", InvoiceNotFoundError),
        (grpc.StatusCode.UNKNOWN, "invalid payreq: checksum failed", InvalidInvoiceError),
        (grpc.StatusCode.INTERNAL, "something else", WalletError),
    ],
)
def test_grpc_errors_become_typed_errors_with_a_sentence(
    code: grpc.StatusCode, details: str, error: type[WalletError]
) -> None:
    mapped = mapping.rpc_error(FakeRpcError(code, details), "127.0.0.1:10009")
    assert type(mapped) is error
    assert "127.0.0.1:10009" in str(mapped) or isinstance(mapped, InvalidInvoiceError)


def test_duplicate_payments_are_told_apart_from_failures() -> None:
    payment_hash = PaymentHash(HASH)
    paid = mapping.rpc_error(
        FakeRpcError(grpc.StatusCode.ALREADY_EXISTS, "invoice is already paid"), "x", payment_hash
    )
    assert isinstance(paid, AlreadyPaidError)
    assert paid.payment_hash == payment_hash
    flying = mapping.rpc_error(
        FakeRpcError(grpc.StatusCode.ALREADY_EXISTS, "payment is in transition"), "x", payment_hash
    )
    assert isinstance(flying, PaymentInFlightError)


def test_exit_codes_follow_the_cli_contract() -> None:
    assert WalletUnreachableError("x").exit_code == 3
    assert WalletAuthError("x").exit_code == 2


def test_held_htlcs_on_channels_no_longer_open_are_named() -> None:
    """The full drill's fd3b8a23: a 50-sat deposit held on a channel that was force-closed
    before the seller kept it; LND would settle it and call it paid."""
    held = ln.InvoiceHTLCState.ACCEPTED
    invoice = ln.Invoice(
        state=ln.Invoice.ACCEPTED,
        htlcs=[
            ln.InvoiceHTLC(chan_id=118_747_255_865_345, amt_msat=50_000, state=held),
            ln.InvoiceHTLC(chan_id=7, amt_msat=1, state=ln.InvoiceHTLCState.CANCELED),
        ],
    )
    replaced = ln.ListChannelsResponse(channels=[ln.Channel(chan_id=129_742_372_126_721)])
    assert mapping.lost_htlc_channels(invoice, replaced) == (118_747_255_865_345,)
    still_open = ln.ListChannelsResponse(
        channels=[ln.Channel(chan_id=1, alias_scids=[118_747_255_865_345])]
    )
    assert mapping.lost_htlc_channels(invoice, still_open) == ()  # open under an alias
    inactive = ln.ListChannelsResponse(
        channels=[ln.Channel(chan_id=118_747_255_865_345, active=False)]
    )
    assert mapping.lost_htlc_channels(invoice, inactive) == ()  # settles when it is back
