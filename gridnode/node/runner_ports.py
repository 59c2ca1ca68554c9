"""What a session runner is given: its ports and its payment policy.

Kept apart from :mod:`gridnode.node.runner` so that the runner's parts (its wallet
effects, :mod:`gridnode.node.effects`) are typed against them without importing the
runner: the runner imports its parts, never the other way round (no import circle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gridnode.clock import Clock
from gridnode.hardware.relay import Relay
from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.context import IdSource, OsRandom
from gridnode.node.settlements import Postable
from gridnode.observe import NO_OBSERVER, Observer
from gridnode.wallet.port import Wallet


@dataclass
class RunnerPorts:
    """Everything a runner touches, injected."""

    ledger: Ledger
    wallet: Wallet
    #: Hands an encoded frame to the peer link (which stores and delivers it).
    send: Callable[[bytes], object]
    #: The relay this session switches (a seller's buyer slot); None for a buyer.
    relay: Relay | None
    #: Publishes the live rate (msat per kWh, at ms) to the rate feed and status.
    publish_rate: Callable[[int, int], None]
    #: The node's clock: the session's time, the tick, every pause before a retry.
    clock: Clock
    #: Where hold-invoice preimages come from.
    ids: IdSource = field(default_factory=OsRandom)
    #: Routes a payment hash's wallet events to this runner (the node's settled stream).
    register_invoice: Callable[[bytes, Postable], None] = lambda _h, _r: None
    #: Drops every route to this runner once its session ended.
    forget_invoices: Callable[[Postable], None] = lambda _r: None
    #: Whether a new prepayment invoice may still go to the buyer (False once a seller
    #: stops: its shutdown already cancelled the open ones, so a late one is cancelled too).
    issuing: Callable[[], bool] = lambda: True
    #: Tells the node's health check that a wallet call found LND unreachable.
    wallet_failed: Callable[[str], None] = lambda _problem: None
    #: Told of invoices and payments by outcome, relay switches and tick gaps.
    observer: Observer = NO_OBSERVER
    #: Called when the session's state or its relay changed, so the status socket and
    #: the rate feed show it without polling the node (never blocks).
    changed: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class PaymentPolicy:
    #: The most a payment may pay in routing fees, as a share of its amount in parts per
    #: million (10_000 is 1 %); a direct channel to the seller costs none (docs/cadence.md).
    max_fee_ppm: int = 10_000
    #: How long one pay call waits before reporting the payment as in flight.
    timeout_s: float = 30.0

    def fee_limit(self, amount: Msat) -> Msat:
        """The routing fee limit for a payment of ``amount``: floor(amount * share)."""
        return Msat(amount.msat * self.max_fee_ppm // 1_000_000)
