"""The ports of one node in a test, in virtual or real time: a node context built as the
factory builds one (a new identity, a SQLite ledger with the inline offloader, predictable
ids, a clock gate a test sets), a runtime around one role, and the harness's terms and
limits. :mod:`tests.support.node` assembles a seller and a buyer from these."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.clock import Clock
from gridnode.identity import Role, create_identity
from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.clock_gate import ClockGate
from gridnode.node.context import Changes, NodeContext, RuntimeTimings
from gridnode.node.health import WalletHealth
from gridnode.node.liquidity import LiquidityWatch
from gridnode.node.pruning import Pruner
from gridnode.node.runtime import NodeRuntime, ServiceFactory
from gridnode.node.runtime import Role as RuntimeRole
from gridnode.node.tasks import TaskGroup
from gridnode.observe import NO_OBSERVER, Observer
from gridnode.ocmf import ClockStatus
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.signing import P256Signer
from gridnode.trade.terms import DEMO_POLICY, BuyerLimits, ElectricalGuarantees, OfferTemplate
from tests.support.ledger import open_ledger
from tests.support.terms import ELECTRICAL, PAYMENTS, PRICE, TOLERANCE, demo_limits
from tests.support.wallet import FakeWallet

#: The meters' energy register step in the harness (exact mWh).
REGISTER_STEP_MWH = 10
#: The harness's sale period.
PERIOD_MS = 10 * 60_000


class CountingIds:
    """Predictable ids: 1, 2, 3 ... as big-endian bytes of the size asked for."""

    def __init__(self, start: int = 1) -> None:
        self._next = itertools.count(start)

    def random_bytes(self, size: int) -> bytes:
        return next(self._next).to_bytes(size, "big")


async def inline(call: Callable[[], ClockStatus]) -> ClockStatus:
    """The clock gate's offload, run at once (the status function is a test's)."""
    return call()


@dataclass
class SystemClockStatus:
    """The system clock's synchronisation as a test sets it (``timedatectl``'s answer);
    every question the clock gate asks is kept in ``asked``."""

    status: ClockStatus = ClockStatus.SYNCHRONIZED
    asked: list[ClockStatus] = field(default_factory=list)

    def __call__(self) -> ClockStatus:
        self.asked.append(self.status)
        return self.status


async def _no_watchdog(healthy: object) -> None:
    await asyncio.Event().wait()


def demo_terms(electrical: ElectricalGuarantees = ELECTRICAL) -> OfferTemplate:
    return OfferTemplate(
        period_ms=PERIOD_MS,
        profile=ConstantProfile(PRICE),
        payments=PAYMENTS,
        electrical=electrical,
        tolerance=TOLERANCE,
        policy=DEMO_POLICY,
    )


def harness_limits(phases: int = 1) -> BuyerLimits:
    return demo_limits(
        expected_meter_id="seller-meter",
        max_period_ms=PERIOD_MS * 2,
        phases=phases,
        max_period_cost=Msat(10**8),
    )


async def node_context(
    folder: Path,
    role: Role,
    clock: Clock,
    wallet: FakeWallet,
    *,
    clock_status: SystemClockStatus | None = None,
    require_sync: bool = False,
    timings: RuntimeTimings | None = None,
    observer: Observer = NO_OBSERVER,
    liquidity: Callable[[Ledger, Clock], LiquidityWatch] | None = None,
) -> NodeContext:
    """A node's ports in ``folder``: a new identity, a ledger with the inline offloader,
    predictable ids, and a clock gate that asks ``clock_status``."""
    status = clock_status if clock_status is not None else SystemClockStatus()
    identity = create_identity(folder / "identity", role)
    ledger = await open_ledger(folder / "ledger.sqlite", role.value)
    return NodeContext(
        identity=identity,
        signer=P256Signer(identity.key),
        ledger=ledger,
        wallet=wallet,
        clock=clock,
        ids=CountingIds(),
        tasks=TaskGroup(clock.now_ms),
        gate=ClockGate(require_sync, clock, status, offload=inline),
        health=WalletHealth(wallet, clock),
        timings=timings or RuntimeTimings(),
        register_step_mwh=REGISTER_STEP_MWH,
        changed=Changes(),
        observer=observer,
        liquidity=liquidity(ledger, clock) if liquidity is not None else None,
    )


def runtime(
    ctx: NodeContext,
    role: RuntimeRole | list[RuntimeRole],
    services: Sequence[ServiceFactory] = (),
) -> NodeRuntime:
    """The node's runtime with ``role`` (or several, on one ledger and one wallet)."""

    async def close() -> None:
        await ctx.ledger.close()

    return NodeRuntime(
        ctx,
        role if isinstance(role, list) else [role],
        pruner=Pruner(ctx.ledger, ctx.wallet, clock=ctx.clock),
        watchdog=_no_watchdog,
        close=close,
        ledger_path="ledger.sqlite",
        services=services,
    )
