"""Whether the node's LND answers, checked for real and told to whoever needs it.

:class:`WalletHealth` asks LND for its node info every ``period_s`` (with a timeout) and
notes each change: a node whose LND stops answering says so in the log and the snapshot
(the dashboard's "LND unreachable" alarm), and its live sessions are told, so a seller's
notes say why no invoice comes and a buyer's why no payment goes out. A wallet call that
fails as unreachable anywhere in the node marks it at once through :meth:`failed`,
without waiting for the next check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gridnode.clock import Clock, wait_for
from gridnode.wallet.port import Wallet, WalletError

log = logging.getLogger("gridnode.node")

#: How often LND is asked, and how long an answer may take.
CHECK_PERIOD_S = 1.0
CHECK_TIMEOUT_S = 3.0


class WalletHealth:
    def __init__(
        self,
        wallet: Wallet,
        clock: Clock,
        *,
        period_s: float = CHECK_PERIOD_S,
        timeout_s: float = CHECK_TIMEOUT_S,
        on_change: Callable[[bool, str], None] | None = None,
    ) -> None:
        self.wallet = wallet
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
            await self.check()
            await self.clock.sleep(self.period_s)

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
