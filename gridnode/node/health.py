"""Whether the node's LND answers, checked for real and told to whoever needs it.

:class:`WalletHealth` asks LND for its node info every ``period_s`` (with a timeout) and
notes each change: a node whose LND stops answering says so in the log and the snapshot
(the dashboard's "LND unreachable" alarm), and its live sessions are told, so a seller's
notes say why no invoice comes and a buyer's why no payment goes out. A wallet call that
fails as unreachable anywhere in the node marks it at once through :meth:`failed`,
without waiting for the next check.

A seller also asks for its channel balances now and then (``ask_balances``): how much it
can still receive is its liquidity headroom, shown by the metrics. A buyer does not: its
least-privilege macaroon cannot read balances (docs/metrics.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gridnode.clock import Clock, wait_for
from gridnode.snapshot import Liquidity
from gridnode.wallet.port import Wallet, WalletError

log = logging.getLogger("gridnode.node")

#: How often LND is asked, and how long an answer may take.
CHECK_PERIOD_S = 1.0
CHECK_TIMEOUT_S = 3.0
#: How often a node that asks for its channel balances asks.
BALANCES_EVERY_S = 30.0


class WalletHealth:
    def __init__(
        self,
        wallet: Wallet,
        clock: Clock,
        *,
        period_s: float = CHECK_PERIOD_S,
        timeout_s: float = CHECK_TIMEOUT_S,
        on_change: Callable[[bool, str], None] | None = None,
        ask_balances: bool = False,
        balances_every_s: float = BALANCES_EVERY_S,
    ) -> None:
        self.wallet = wallet
        self.ask_balances = ask_balances
        self.balances_every_s = balances_every_s
        #: the channel balances LND last reported (None until asked and answered)
        self.liquidity: Liquidity | None = None
        self._balances_due_s: float | None = None
        self.clock = clock
        self.period_s = period_s
        self.timeout_s = timeout_s
        self.on_change = on_change
        self.reachable = True
        #: Why the latest check failed ("" while LND answers).
        self.problem = ""

    @property
    def warning(self) -> str | None:
        if self.reachable:
            return None
        return f"LND is unreachable: {self.problem}"

    async def check(self) -> bool:
        """Ask LND once; True when it answered."""
        try:
            await wait_for(self.clock, self.wallet.node_info(), self.timeout_s)
        except TimeoutError:
            self._set(False, f"no answer within {self.timeout_s:g} s")
        except WalletError as exc:
            self._set(False, str(exc))
        else:
            self._set(True, "")
        return self.reachable

    def failed(self, problem: str) -> None:
        """A wallet call elsewhere found LND unreachable."""
        self._set(False, problem)

    async def run(self) -> None:
        while True:
            if await self.check() and self.ask_balances:
                await self._balances()
            await self.clock.sleep(self.period_s)

    async def _balances(self) -> None:
        """Ask for the channel balances when due; a failure keeps the last answer (the
        check above already says whether LND answers)."""
        now = self.clock.monotonic()
        if self._balances_due_s is not None and now < self._balances_due_s:
            return
        self._balances_due_s = now + self.balances_every_s
        try:
            balances = await wait_for(self.clock, self.wallet.balances(), self.timeout_s)
        except (TimeoutError, WalletError) as exc:
            log.debug("channel balances not read: %s", exc)
            return
        self.liquidity = Liquidity(
            sendable_msat=balances.channel_local.msat,
            receivable_msat=balances.channel_remote.msat,
            at_ms=self.clock.now_ms(),
        )

    def _set(self, reachable: bool, problem: str) -> None:
        changed = reachable != self.reachable
        self.reachable, self.problem = reachable, problem
        if not changed:
            return
        if reachable:
            log.info("LND answers again")
        else:
            log.error("LND is unreachable: %s", problem)
        if self.on_change is not None:
            self.on_change(reachable, problem)
