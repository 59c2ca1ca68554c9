"""What every part of a running node shares: its ports and the runtime's services.

The runtime builds one :class:`NodeContext` and hands it to each role (seller, buyer) and
through them to each trading partner; nothing in it is ``None`` once the node runs, so
the roles hold no half-built state.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from gridnode.clock import Clock
from gridnode.identity import NodeIdentity
from gridnode.ledger import Ledger
from gridnode.node.clock_gate import ClockGate
from gridnode.node.health import WalletHealth
from gridnode.node.liquidity import LiquidityWatch
from gridnode.node.tasks import TaskGroup
from gridnode.observe import NO_OBSERVER, Observer
from gridnode.trade.signing import P256Signer
from gridnode.wallet.port import Wallet


class Changes:
    """Wakes whoever renders the node (the status socket, the rate feed) when something a
    person sees may have changed. Calling it never blocks."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def __call__(self) -> None:
        for listener in self._listeners:
            listener()


class IdSource(Protocol):
    """Where session ids and hold-invoice preimages come from (tests make them
    predictable)."""

    def random_bytes(self, size: int) -> bytes: ...


class OsRandom:
    """The operating system's randomness (``os.urandom``)."""

    def random_bytes(self, size: int) -> bytes:
        return os.urandom(size)


@dataclass(frozen=True, slots=True)
class RuntimeTimings:
    """The runtime's own timings, in seconds unless named otherwise."""

    #: How often each session's control tick runs.
    tick_ms: int = 250
    #: How long a node that shuts down waits for its sessions to close.
    close_grace_s: float = 10.0
    #: How long it then waits for the peer's End reading (so its own receipt is whole).
    peer_end_grace_s: float = 3.0
    #: How long a buyer that leaves waits for its credit notes to be paid back.
    refund_grace_s: float = 10.0
    #: A seller's quiet time after a session before it offers again (doubles per
    #: rejected offer in a row, up to ten minutes).
    retry_after_close_s: float = 10.0
    #: How often each running session logs a summary (``log_summary_s``).
    summary_interval_s: float = 300.0


@dataclass(frozen=True, slots=True)
class NodeContext:
    identity: NodeIdentity
    signer: P256Signer
    ledger: Ledger
    wallet: Wallet
    clock: Clock
    ids: IdSource
    #: Every background task of the node; failures are logged and reported, never lost.
    tasks: TaskGroup
    #: No session starts while the system clock is not synchronised.
    gate: ClockGate
    #: Whether LND answers.
    health: WalletHealth
    timings: RuntimeTimings
    #: The meters' energy register step (mWh).
    register_step_mwh: int
    #: Wakes the status socket and the rate feed: something a person sees changed.
    changed: Changes
    #: Told of what a snapshot cannot show (payments by outcome, latencies, relay
    #: switches, meter errors, tick gaps): the metrics, when the node serves them.
    observer: Observer = NO_OBSERVER
    #: Each peer's direct channel against the last day's spending (None: not watched).
    liquidity: LiquidityWatch | None = None
