"""The node's liquidity watch: each peer's direct channel against the last day's spending.

Every ``every_s`` the watch lists the node's channels (LND's ListChannels: a seller's
``offchain:read``, a buyer's ``uri:`` permission) and sums what crossed to or from each
peer over the last day from the ledger, then holds each peer's
:class:`~gridnode.liquidity.outlook.PeerLiquidity`. A peer under ``liquidity_warn_days``
(or without an active channel) is a warning in the log (once per change), the snapshot
and so the dashboard, MQTT and the metrics; and a seller starts no session its channel
cannot carry to the end of the period (:meth:`LiquidityWatch.refusal`). While it refuses
one, it lists the channels every ``refused_every_s`` instead, so room that returns (a
channel active again once its peer's LND is back) is seen within seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from gridnode.clock import Clock, wait_for
from gridnode.ledger import Ledger
from gridnode.liquidity.outlook import DAY_MS, PeerLiquidity, outlook, period_need, refusal
from gridnode.money import Msat
from gridnode.wallet.port import ChannelLister, WalletError

log = logging.getLogger("gridnode.node")

#: How often the channels are listed, and how long LND may take to answer.
EVERY_S = 60.0
TIMEOUT_S = 5.0
#: While a listing refuses a peer its session, the channels are listed again this often:
#: a channel seen inactive (its peer's LND restarting, the link re-established a moment
#: later) holds the next session back by seconds, not by the minute of :data:`EVERY_S`
#: (found by the fault drill: a buyer's LND restart, seen by the seller's watch in the
#: moment its channel was down, held every session back past the drill's two minutes).
REFUSED_EVERY_S = 5.0


@dataclass(frozen=True, slots=True)
class WatchedPeer:
    name: str
    fingerprint: str
    #: The peer's Lightning node id ("" when not configured: not watched).
    node_id: str
    #: The node's side towards the peer: "seller" (the peer buys: the channel's inbound
    #: room) or "buyer"; "" for the node's role (a battery node is both, peer by peer).
    side: str = ""


class LiquidityWatch:
    def __init__(
        self,
        role: str,
        peers: Sequence[WatchedPeer],
        lister: ChannelLister,
        ledger: Ledger,
        clock: Clock,
        *,
        warn_days: int,
        every_s: float = EVERY_S,
        timeout_s: float = TIMEOUT_S,
        refused_every_s: float = REFUSED_EVERY_S,
    ) -> None:
        self.role = role
        self.peers = [p for p in peers if p.node_id]
        self.lister = lister
        self.ledger = ledger
        self.clock = clock
        self.warn_days = warn_days
        self.every_s = every_s
        self.timeout_s = timeout_s
        self.refused_every_s = min(refused_every_s, every_s)
        #: a refusal was given on the latest listing: the next one comes sooner
        self._refused_since_listing = False
        #: each watched peer's latest outlook, by fingerprint
        self.outlooks: dict[str, PeerLiquidity] = {}

    @property
    def warnings(self) -> list[str]:
        return [w for o in self.outlooks.values() if (w := o.warning) is not None]

    def refusal(
        self, fingerprint: str, period_ms: int, deposit: Msat, max_payment: Msat
    ) -> str | None:
        """Why a session with this peer may not start now; None when its channel can
        carry the period (or is not watched, or not listed yet)."""
        seen = self.outlooks.get(fingerprint)
        if seen is None:
            return None
        need = period_need(seen.spent_last_day, period_ms, deposit, max_payment)
        reason = refusal(seen, need)
        if reason is not None:
            self._refused_since_listing = True
        return reason

    async def run(self) -> None:
        if not self.peers:
            return
        while True:
            await self.refresh()
            await self._until_next_listing()

    async def _until_next_listing(self) -> None:
        """``every_s``, or ``refused_every_s`` once a session was refused on what the
        latest listing showed (checked in steps of that length)."""
        waited = 0.0
        while waited < self.every_s and not self._refused_since_listing:
            step = min(self.refused_every_s, self.every_s - waited)
            await self.clock.sleep(step)
            waited += step
        if waited == 0.0:  # refused before the wait began: still one step between listings
            await self.clock.sleep(self.refused_every_s)

    async def refresh(self) -> None:
        """List the channels and sum the day's spending; a failure keeps the last outlook
        (LND's health check says whether it answers)."""
        if not self.peers:
            return
        self._refused_since_listing = False
        try:
            channels = await wait_for(self.clock, self.lister.channels(), self.timeout_s)
        except (TimeoutError, WalletError) as exc:
            log.debug("channels not listed: %s", exc)
            return
        spent = await self._spent_since(self.clock.now_ms() - DAY_MS)
        for peer in self.peers:
            new = outlook(
                self._side(peer),
                peer.name,
                peer.node_id,
                channels,
                spent.get(peer.fingerprint, Msat(0)),
                self.warn_days,
            )
            old = self.outlooks.get(peer.fingerprint)
            self.outlooks[peer.fingerprint] = new
            if (old.warning if old else None) != new.warning:
                self._tell(peer, new, old)

    def _tell(self, peer: WatchedPeer, new: PeerLiquidity, old: PeerLiquidity | None) -> None:
        if new.warning is not None and (old is None or old.state is not new.state):
            log.warning("%s", new.warning, extra={"peer": peer.name})
        elif new.warning is None and old is not None and old.warning is not None:
            log.info(
                "liquidity: the channel with %s has room again (%s)",
                peer.name,
                new.room,
                extra={"peer": peer.name},
            )

    def _side(self, peer: WatchedPeer) -> str:
        return peer.side or self.role

    async def _spent_since(self, since_ms: int) -> dict[str, Msat]:
        """What each peer paid the node (it sells to them: settled invoices) or the
        node paid it (it buys from them: payments) over the last day."""
        sides = {self._side(peer) for peer in self.peers}
        spent: dict[str, Msat] = {}
        if "seller" in sides:
            spent.update(await self.ledger.invoices.settled_per_peer_since(since_ms))
        if sides - {"seller"}:
            for peer, amount in (await self.ledger.payments.paid_per_peer_since(since_ms)).items():
                spent[peer] = spent.get(peer, Msat(0)) + amount
        return spent
