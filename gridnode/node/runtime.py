"""One runtime for every node: the start-up, the services and the shutdown, once for all roles.

A :class:`NodeRuntime` drives any number of roles (a seller, a buyer; a battery node will
hold both) over one set of ports (:class:`~gridnode.node.context.NodeContext`). A role
decides what to offer or accept and which sessions to open; the runtime does the rest:

1. start-up: each role's reconciliation with the ledger and LND, before anything trades;
2. services: the status socket, the rate feed, MQTT and the metrics (each renders the
   frozen :class:`~gridnode.snapshot.NodeSnapshot`, never a node class), storage
   hygiene, the clock gate, LND's health check and the watchdog, each a task whose
   failure is reported (:class:`~gridnode.node.tasks.TaskGroup`), never lost;
3. shutdown, in this order: every supply cut, every session closed (and the peer's End
   awaited), the role's last duties (the seller's open invoices), then the tasks, the
   services, the links, the wallet, the hardware and the ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from gridnode.node.context import NodeContext
from gridnode.node.pruning import Pruner
from gridnode.node.reload import ReloadResult
from gridnode.node.tasks import TaskFailure
from gridnode.ocmf import ClockStatus
from gridnode.snapshot import BatteryView, NodeSnapshot, SessionView
from gridnode.status.server import StatusServer
from gridnode.trade.events import ClockChecked, Event, WalletReachability

if TYPE_CHECKING:  # ZeroMQ is imported only by a node that publishes its rate (a buyer)
    from gridnode.ratefeed.publisher import RateFeed

log = logging.getLogger("gridnode.node")

#: How many task failures the snapshot lists as warnings (the newest).
FAILURES_SHOWN = 3


class Role(Protocol):
    """What a role (seller, buyer) does in the runtime's start-up, run and shutdown."""

    name: str

    async def prepare(self) -> None:
        """Reconcile with the ledger and LND before anything trades."""
        ...

    async def start(self) -> None:
        """Start links, servers and pollers (as tasks of the context's group)."""
        ...

    def gate_opened(self) -> None:
        """The clock gate opened: sessions may start."""
        ...

    def broadcast(self, event: Event) -> None:
        """Tell every live session."""
        ...

    def views(self, now_ms: int) -> list[SessionView]: ...

    def warnings(self) -> list[str]: ...

    def healthy(self) -> bool:
        """Whether the watchdog may be kicked (every meter answered)."""
        ...

    def stop_session(self, session_id: str, reason: str) -> bool:
        """Ask the live session ``session_id`` to close; False when there is none."""
        ...

    def set_buying(self, buying: bool) -> bool:
        """Pause or resume buying; False for a role that does not buy."""
        ...

    def cut_supply(self) -> None:
        """Every relay this role switches off, now."""
        ...

    async def close_sessions(self) -> None: ...

    async def finish(self) -> None: ...

    async def close(self) -> None: ...


@runtime_checkable
class StoreRole(Protocol):
    """A role that holds what a node sells from (a battery's book, a prosumer's
    surplus): the snapshot shows it."""

    def battery_view(self, now_ms: int) -> BatteryView: ...


class Service(Protocol):
    """Something beside the node that renders its snapshot (MQTT, the metrics): run for
    the node's life as a task of its group (a failure is reported and the service started
    again; it never holds up trading), woken on every change, closed at shutdown."""

    name: str

    def changed(self) -> None:
        """Something a person sees may have changed (never blocks)."""
        ...

    async def run(self) -> None: ...

    async def close(self) -> None: ...


ServiceFactory = Callable[["NodeRuntime"], Service]


class NodeRuntime:
    def __init__(
        self,
        ctx: NodeContext,
        roles: list[Role],
        *,
        pruner: Pruner,
        watchdog: Callable[[Callable[[], bool]], Coroutine[Any, Any, None]],
        status: Callable[[NodeRuntime], StatusServer] | None = None,
        rate_feed: Callable[[NodeRuntime], RateFeed] | None = None,
        close: Callable[[], Awaitable[object]] | None = None,
        allow_control: bool = False,
        ledger_path: str = "",
        config_warnings: tuple[str, ...] = (),
        services: Sequence[ServiceFactory] = (),
        reload: Callable[[], Awaitable[ReloadResult]] | None = None,
    ) -> None:
        self.ctx = ctx
        self._reload = reload
        #: what the configuration loaded with but should fix (a secret others can read)
        self.config_warnings = config_warnings
        self.roles = roles
        self.pruner = pruner
        self._watchdog = watchdog
        self.allow_control = allow_control
        self.ledger_path = ledger_path
        self.status = status(self) if status is not None else None
        self.rate_feed = rate_feed(self) if rate_feed is not None else None
        self._close = close
        self.services = [service(self) for service in services]
        #: the buyer stopped buying by hand (MQTT's switch): no session until resumed
        self.buying_paused = False
        self.ready = asyncio.Event()
        ctx.tasks.on_failure = self.task_failed
        ctx.gate.on_status = self._clock_checked
        ctx.gate.on_open = self._gate_opened
        ctx.health.on_change = self._wallet_changed
        if self.status is not None:
            ctx.changed.listen(self.status.notify)
        if self.rate_feed is not None:
            ctx.changed.listen(self.rate_feed.changed)
        for service in self.services:
            ctx.changed.listen(service.changed)

    @property
    def role_name(self) -> str:
        return "+".join(role.name for role in self.roles)

    # -- the snapshot ---------------------------------------------------------------------------
    def snapshot(self) -> NodeSnapshot:
        """The node now, as plain values."""
        ctx = self.ctx
        now = ctx.clock.now_ms()
        sessions: list[SessionView] = []
        warnings: list[str] = list(self.config_warnings)
        for role in self.roles:
            sessions.extend(role.views(now))
            warnings.extend(role.warnings())
        warnings.extend(self.pruner.warnings)
        if ctx.liquidity is not None:
            warnings.extend(ctx.liquidity.warnings)
        for warning in (ctx.gate.warning, ctx.health.warning):
            if warning:
                warnings.append(warning)
        warnings.extend(f.describe() for f in ctx.tasks.failures[-FAILURES_SHOWN:])
        stores = [role.battery_view(now) for role in self.roles if isinstance(role, StoreRole)]
        return NodeSnapshot(
            role=self.role_name,
            fingerprint=ctx.identity.fingerprint,
            at_ms=now,
            lnd_reachable=ctx.health.reachable,
            control_allowed=self.allow_control,
            ledger_path=self.ledger_path,
            sessions=tuple(sessions),
            warnings=tuple(warnings),
            buying_paused=self.buying_paused,
            storage=self.pruner.storage_view(),
            liquidity=ctx.health.liquidity,
            battery=stores[0] if stores else None,
        )

    def healthy(self) -> bool:
        return all(role.healthy() for role in self.roles)

    async def stop_session(self, session_id: str, reason: str) -> str | None:
        """Stop a session by hand (the status socket's control, MQTT's stop button):
        ``None`` when asked, else why not."""
        if any(role.stop_session(session_id, reason) for role in self.roles):
            return None
        return f"no live session {session_id}"

    async def set_buying(self, buying: bool) -> str | None:
        """Pause buying (``buying`` False: every live session is closed cleanly and no
        new one starts) or resume it: ``None`` when done, else why not."""
        if not any([role.set_buying(buying) for role in self.roles]):
            return "this node does not buy"
        paused = not buying
        if paused != self.buying_paused:
            log.info("buying %s by hand", "paused" if paused else "resumed")
        self.buying_paused = paused
        self.ctx.changed()
        return None

    @property
    def reloads(self) -> bool:
        """Whether this node reads its configuration again when asked (a seller)."""
        return self._reload is not None

    async def reload(self, asked_by: str = "the status socket") -> ReloadResult:
        """Read the configuration again (SIGHUP, ``gridnode tariff reload``): what
        validates takes effect at each buyer's next renewal; a file with a mistake
        changes nothing and is reported (docs/node.md, "Reloading the configuration")."""
        if self._reload is None:
            return ReloadResult(False, "this node does not reload its configuration (a buyer)")
        log.info("reading the configuration again (asked by %s)", asked_by)
        return await self._reload()

    # -- events the services raise ---------------------------------------------------------------
    def _clock_checked(self, status: ClockStatus) -> None:
        self._broadcast(ClockChecked(status))

    def _gate_opened(self) -> None:
        for role in self.roles:
            role.gate_opened()

    def _wallet_changed(self, reachable: bool, problem: str) -> None:
        self._broadcast(WalletReachability(reachable, problem))
        self.ctx.changed()

    def _broadcast(self, event: Event) -> None:
        for role in self.roles:
            role.broadcast(event)

    def task_failed(self, failure: TaskFailure) -> None:
        """A background task failed (logged by the group): show it."""
        self.ctx.changed()

    # -- the life of the node -------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Start, serve until ``stop`` is set, then shut down in order."""
        ctx = self.ctx
        tasks = ctx.tasks
        for warning in self.config_warnings:
            log.warning("%s", warning)
        try:
            for role in self.roles:
                await role.prepare()
            if ctx.liquidity is not None:  # no session starts before the channels are seen
                await ctx.liquidity.refresh()
            if self.status is not None:
                await self.status.start()
            sleep = ctx.clock.sleep
            if self.rate_feed is not None:
                self.rate_feed.publisher.start()
                tasks.keep_running(self.rate_feed.run, name="rate feed", sleep=sleep)
            for service in self.services:
                tasks.keep_running(service.run, name=service.name, sleep=sleep)
            tasks.keep_running(self.pruner.run, name="pruning", sleep=sleep)
            tasks.keep_running(ctx.gate.run, name="clock gate", sleep=sleep)
            tasks.keep_running(ctx.health.run, name="LND health", sleep=sleep)
            if ctx.liquidity is not None:
                tasks.keep_running(ctx.liquidity.run, name="liquidity", sleep=sleep)
            tasks.spawn(self._watchdog(self.healthy), name="watchdog")
            for role in self.roles:
                await role.start()
            if ctx.gate.is_open:
                self._gate_opened()
            self.ready.set()
            await stop.wait()
            log.info("shutting down: supply off, then closing sessions")
        finally:
            await self._shutdown()

    async def _shutdown(self) -> None:
        for role in self.roles:
            role.cut_supply()
        for role in self.roles:
            with _reported("closing sessions"):
                await role.close_sessions()
        for role in self.roles:
            with _reported("the last duties"):
                await role.finish()
        await self.ctx.tasks.cancel_all()
        if self.status is not None:
            await self.status.close()
        if self.rate_feed is not None:
            with _reported("the rate feed's farewell"):
                if self.rate_feed.publisher.socket is not None:
                    await self.rate_feed.farewell()
            self.rate_feed.publisher.close()
        for service in self.services:
            with _reported(f"closing {service.name}"):
                await service.close()
        for role in self.roles:
            with _reported("closing the links"):
                await role.close()
        if self._close is not None:
            with _reported("closing the wallet, the hardware and the ledger"):
                await self._close()


@contextlib.contextmanager
def _reported(what: str) -> Iterator[None]:
    """A shutdown step that fails is logged and the next one still runs."""
    try:
        yield
    except Exception:
        log.exception("shutting down: %s failed", what)
