"""What the runtime feeds into a session: one frozen dataclass per event.

The clock is not an event: every ``handle(event, now_ms)`` call passes it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridnode.money import Msat
from gridnode.ocmf import ClockStatus


@dataclass(frozen=True, slots=True)
class Start:
    """Begin the session (the seller sends hello and its offer; the buyer its hello)."""


@dataclass(frozen=True, slots=True)
class FrameReceived:
    """Opaque bytes the peer link delivered (one trade frame)."""

    frame: bytes


@dataclass(frozen=True, slots=True)
class MeterSample:
    """One reading of this node's own meter, mapped from the hardware sample.

    ``register_mwh`` is the meter's (coarse) import energy register; ``integrated_mwh`` is
    the node's running integral of active power over the same meter (fine, may drift);
    the session reconciles the two. Voltages and currents are per phase, L1 first.
    """

    at_ms: int
    register_mwh: int
    integrated_mwh: int
    power_mw: int
    voltages_mv: tuple[int, ...]
    currents_ma: tuple[int, ...]
    #: Mains frequency (mHz); None when the meter does not say.
    frequency_mhz: int | None = None
    #: The neutral's current (mA) where the meter measures it; None: derived from the
    #: phase currents (gridnode.trade.protection.neutral_current_ma).
    neutral_ma: int | None = None
    #: The meter's own import register of each phase (mWh), L1 first, where it has them.
    phase_registers_mwh: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class InvoiceCreated:
    request_id: int
    bolt11: str
    payment_hash: bytes


@dataclass(frozen=True, slots=True)
class InvoiceCreateFailed:
    request_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class InvoiceSettled:
    """A plain invoice was paid, or a hold invoice was settled by us."""

    payment_hash: bytes
    amount: Msat


@dataclass(frozen=True, slots=True)
class HoldInvoiceAccepted:
    """The buyer's payment to a hold invoice is locked (the deposit is in place)."""

    payment_hash: bytes
    amount: Msat


@dataclass(frozen=True, slots=True)
class InvoiceCanceled:
    """An invoice expired or was cancelled; it can no longer be paid."""

    payment_hash: bytes


@dataclass(frozen=True, slots=True)
class PaymentSucceeded:
    payment_hash: bytes
    preimage: bytes
    amount: Msat


@dataclass(frozen=True, slots=True)
class PaymentFailed:
    payment_hash: bytes
    reason: str


@dataclass(frozen=True, slots=True)
class Tick:
    """The control tick: time has passed (checks staleness, period end, renewal)."""


@dataclass(frozen=True, slots=True)
class LinkDown:
    pass


@dataclass(frozen=True, slots=True)
class LinkUp:
    pass


@dataclass(frozen=True, slots=True)
class CloseRequested:
    """The person running the node asked to end the session."""

    text: str = "closed by the operator"


@dataclass(frozen=True, slots=True)
class Retire:
    """The seller no longer sells to this buyer (it was removed from the configuration):
    the session renews no more and closes at the end of its current period, with
    :attr:`~gridnode.trade.messages.Cause.REMOVED`, so the buyer asks its credit back. The
    period both sides signed runs to its end."""

    text: str = "this buyer was removed from the seller's configuration"


@dataclass(frozen=True, slots=True)
class ClockChecked:
    """The node checked its clock's synchronisation: the flag (OCMF ``TM`` suffix) of the
    readings signed from now on."""

    status: ClockStatus


class Effect(enum.Enum):
    """An effect the runtime carries out for a session, named for a person."""

    CREATE_INVOICE = "create an invoice"
    SETTLE_DEPOSIT = "settle the deposit"
    RELEASE_DEPOSIT = "release the deposit"
    WATCH_INVOICE = "watch an invoice"
    LOOK_UP_INVOICE = "look up an invoice"
    FOLLOW_PAYMENT = "follow a payment"


@dataclass(frozen=True, slots=True)
class EffectFailed:
    """An effect the session asked for failed. ``retrying``: the runtime tries again (with
    a growing pause) and tells the session the outcome as usual when it succeeds."""

    effect: Effect
    payment_hash: bytes
    reason: str
    retrying: bool

    def describe(self) -> str:
        again = "; retrying" if self.retrying else ""
        return f"could not {self.effect.value} {self.payment_hash.hex()[:16]}: {self.reason}{again}"


@dataclass(frozen=True, slots=True)
class WalletReachability:
    """The node's LND stopped or started answering."""

    reachable: bool
    reason: str = ""

    def describe(self) -> str:
        if self.reachable:
            return "LND answers again"
        return f"LND is unreachable ({self.reason}): no invoice or payment until it answers"


Event = (
    Start
    | FrameReceived
    | MeterSample
    | InvoiceCreated
    | InvoiceCreateFailed
    | InvoiceSettled
    | HoldInvoiceAccepted
    | InvoiceCanceled
    | PaymentSucceeded
    | PaymentFailed
    | Tick
    | LinkDown
    | LinkUp
    | CloseRequested
    | Retire
    | ClockChecked
    | EffectFailed
    | WalletReachability
)
