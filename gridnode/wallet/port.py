"""The wallet port: what the node asks of a Lightning wallet, in domain types.

The session core and the node runtime depend on this module, never on LND's protobuf
types; :mod:`gridnode.wallet.lnd` adapts LND to it and tests may use an in-process fake.
This module imports no I/O library.

Payment rules the port encodes (DESIGN.md, invariant 4 and the foundation issue):

- a payment counts as made only when the wallet says ``SUCCEEDED``;
- once HTLCs are in flight the payment is not aborted by a timeout: ``pay_invoice``
  returns ``IN_FLIGHT`` and the caller counts the amount as spent and tracks it
  (``track_payment``), never retrying blind;
- settled invoices are streamed from a settle index the caller stores with the credit
  it grants, so every settlement is delivered exactly once across restarts.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from gridnode.errors import DependencyUnreachableError, GridnodeError, UsageError
from gridnode.money import Msat

# -- value types -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentHash:
    """A 32-byte payment hash."""

    value: bytes

    def __post_init__(self) -> None:
        if len(self.value) != 32:
            raise ValueError(f"a payment hash has 32 bytes, got {len(self.value)}")

    @classmethod
    def from_hex(cls, text: str) -> PaymentHash:
        return cls(bytes.fromhex(text))

    @property
    def hex(self) -> str:
        return self.value.hex()

    def __str__(self) -> str:
        return self.hex


@dataclass(frozen=True, slots=True)
class Preimage:
    """A 32-byte payment preimage: the proof that a payment was made."""

    value: bytes

    def __post_init__(self) -> None:
        if len(self.value) != 32:
            raise ValueError(f"a preimage has 32 bytes, got {len(self.value)}")

    @property
    def hex(self) -> str:
        return self.value.hex()

    def __repr__(self) -> str:  # a preimage is a secret until the invoice settles
        return "Preimage(...)"


@dataclass(frozen=True, slots=True)
class NodeInfo:
    pubkey: str
    alias: str
    version: str
    block_height: int
    synced_to_chain: bool
    synced_to_graph: bool
    active_channels: int


@dataclass(frozen=True, slots=True)
class CreatedInvoice:
    payment_hash: PaymentHash
    bolt11: str
    amount: Msat
    add_index: int


@dataclass(frozen=True, slots=True)
class DecodedInvoice:
    payment_hash: PaymentHash
    amount: Msat
    destination: str
    description: str
    created_at_s: int
    expiry_s: int
    cltv_expiry: int


class InvoiceState(enum.Enum):
    OPEN = "open"  # created, not paid
    ACCEPTED = "accepted"  # a hold invoice whose HTLCs are held, awaiting settle or cancel
    SETTLED = "settled"  # paid; the preimage is revealed
    CANCELED = "canceled"  # cancelled or expired; any held HTLCs were failed back


@dataclass(frozen=True, slots=True)
class InvoiceStatus:
    payment_hash: PaymentHash
    state: InvoiceState
    amount: Msat
    amount_paid: Msat
    add_index: int
    settle_index: int  # 0 until settled
    settled_at_s: int  # 0 until settled
    memo: str
    preimage: Preimage | None  # None for a hold invoice until it is settled


class PaymentStatus(enum.Enum):
    IN_FLIGHT = "in_flight"  # HTLCs are out: spent against every budget until resolved
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class PaymentFailure(enum.Enum):
    """Why LND gave up on a payment (lnrpc.PaymentFailureReason)."""

    TIMEOUT = "timeout"
    NO_ROUTE = "no_route"
    ERROR = "error"
    INCORRECT_PAYMENT_DETAILS = "incorrect_payment_details"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    CANCELED = "canceled"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    payment_hash: PaymentHash
    status: PaymentStatus
    amount: Msat
    fee: Msat
    preimage: Preimage | None = None  # set when SUCCEEDED
    failure: PaymentFailure | None = None  # set when FAILED
    #: When the payer's wallet says the payment's HTLCs resolved (its own clock, ms);
    #: None when it does not say
    resolved_at_ms: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is PaymentStatus.SUCCEEDED


@dataclass(frozen=True, slots=True)
class Balances:
    """Lightning channel balances (on-chain funds are not the node's business)."""

    channel_local: Msat
    channel_remote: Msat
    channel_pending_open_local: Msat


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """One of the node's channels as LND lists it: whom it joins and what it can carry.

    The minimum HTLCs decide whether the session's smallest payment can cross it: the
    receiver refuses a smaller HTLC, so a direct payment must be at least the minimum of
    the side that receives it.
    """

    #: The Lightning node id (66 hex digits) at the other end.
    remote_pubkey: str
    #: Whether the channel can carry payments now (the peer is online and the channel open).
    active: bool
    capacity: Msat
    #: What this node can still pay through it (its local balance).
    local: Msat
    #: What this node can still receive through it (the remote balance).
    remote: Msat
    #: The smallest HTLC this node accepts on it (what it receives).
    local_min_htlc: Msat
    #: The smallest HTLC the peer accepts on it (what this node pays).
    remote_min_htlc: Msat
    #: Each side's channel reserve: that much of its balance can never be spent.
    local_reserve: Msat = Msat(0)
    remote_reserve: Msat = Msat(0)


# -- errors ------------------------------------------------------------------------------


class WalletError(GridnodeError):
    """A wallet call failed."""


class WalletUnreachableError(WalletError, DependencyUnreachableError):
    """LND could not be reached (host down, port closed, network)."""


class WalletNotConnectedError(WalletUnreachableError):
    """The call never reached LND's handlers: no connection could be made, or LND was
    still starting and refused it. Nothing the call asked for was done, so it may be
    made again (a pay call above all: LND never saw it)."""


class WalletTlsError(WalletUnreachableError):
    """LND's TLS certificate did not match the one configured."""


class WalletAuthError(WalletError, UsageError):
    """LND refused the macaroon (wrong node, wrong or missing permission)."""


class InvoiceNotFoundError(WalletError):
    """LND has no invoice with that payment hash."""


class HeldPaymentLostError(WalletError):
    """A hold invoice's payment sits on a channel that is no longer open (force-closed):
    settling it would mark the invoice paid for money that cannot arrive (an HTLC below
    the dust limit has no output to claim), so it is not settled."""

    def __init__(self, message: str, payment_hash: PaymentHash) -> None:
        super().__init__(message)
        self.payment_hash = payment_hash


class InvalidInvoiceError(WalletError):
    """A payment request could not be decoded, or is not payable as given."""


class DuplicatePaymentError(WalletError):
    """LND already has a payment for this hash: track it, never pay it again."""

    def __init__(self, message: str, payment_hash: PaymentHash) -> None:
        super().__init__(message)
        self.payment_hash = payment_hash


class AlreadyPaidError(DuplicatePaymentError):
    """The invoice was paid before; the proof is in ``track_payment``."""


class PaymentInFlightError(DuplicatePaymentError):
    """A payment for this hash is still in flight; wait for it with ``track_payment``."""


# -- the port ------------------------------------------------------------------------------


class Wallet(Protocol):
    """What the node needs of a Lightning wallet. All amounts are :class:`Msat`."""

    async def node_info(self) -> NodeInfo: ...

    async def create_invoice(self, amount: Msat, memo: str, expiry_s: int) -> CreatedInvoice: ...

    async def create_hold_invoice(
        self,
        payment_hash: PaymentHash,
        amount: Msat,
        memo: str,
        expiry_s: int,
        cltv_expiry: int,
    ) -> CreatedInvoice:
        """A hold invoice: payable now, settled or cancelled later by the receiver."""
        ...

    async def settle_hold_invoice(self, preimage: Preimage) -> None:
        """Settle the hold invoice of ``preimage``; :class:`HeldPaymentLostError` when a
        payment it holds is on a channel no longer open (nothing is settled)."""
        ...

    async def cancel_invoice(self, payment_hash: PaymentHash) -> None: ...

    async def decode_invoice(self, bolt11: str) -> DecodedInvoice: ...

    async def lookup_invoice(self, payment_hash: PaymentHash) -> InvoiceStatus: ...

    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        """Pay through the router; ``IN_FLIGHT`` when the wait ran out with HTLCs out."""
        ...

    async def track_payment(self, payment_hash: PaymentHash, timeout_s: float) -> PaymentResult:
        """The payment's state, waiting up to ``timeout_s`` for it to resolve."""
        ...

    def settled_invoices(self, after_settle_index: int) -> AsyncIterator[InvoiceStatus]:
        """Every invoice settled after ``after_settle_index``, in settle order, forever.

        Survives dropped streams and LND restarts: it reconnects and resumes from the
        last settle index it delivered.
        """
        ...

    def invoice_updates(self, payment_hash: PaymentHash) -> AsyncIterator[InvoiceStatus]:
        """State changes of one invoice (a hold invoice's ACCEPTED and CANCELED too)."""
        ...

    async def balances(self) -> Balances: ...

    async def delete_payments(self, payment_hashes: Sequence[PaymentHash]) -> int:
        """Delete LND's records of these (resolved) payments; returns how many."""
        ...

    async def delete_canceled_invoice(self, payment_hash: PaymentHash) -> None: ...

    async def close(self) -> None: ...


class ChannelLister(Protocol):
    """The channel listing the doctor and the liquidity watch ask for (LND's
    ListChannels: ``offchain:read`` on a seller, its ``uri:`` permission on a buyer)."""

    async def channels(self) -> tuple[ChannelInfo, ...]: ...
