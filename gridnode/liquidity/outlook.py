"""Days left on each peer's direct channel, the warning under ``liquidity_warn_days``, and
the refusal of a period the channel cannot carry to its end (pure: values in, values
out)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from gridnode.money import Msat
from gridnode.wallet.port import ChannelInfo

DAY_MS = 24 * 3600 * 1000
#: The default of ``liquidity_warn_days``.
DEFAULT_WARN_DAYS = 7
#: What the README says can be done about it (gridnode does none of it).
REMEDY = (
    "add room: open another channel, loop out (move channel funds on-chain to free "
    "inbound), or splice funds in (README, 'Liquidity')"
)


class LiquidityState(enum.Enum):
    """How a peer's channel stands."""

    #: More than ``liquidity_warn_days`` of the last day's spending fit (or none was spent).
    OK = "ok"
    #: Fewer days than ``liquidity_warn_days`` remain.
    LOW = "low"
    #: No active channel with the peer's node: its sessions cannot be paid.
    NO_CHANNEL = "no_channel"
    #: The configuration does not name the peer's node (``lightning_node``).
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PeerLiquidity:
    """One peer's direct channel against the last day's spending."""

    peer: str
    node_id: str
    #: "inbound" on a seller (what it can still receive), "outbound" on a buyer.
    direction: str
    #: What the channel(s) can still carry that way, less the channel reserve.
    room: Msat
    #: Paid to (seller) or by (buyer) this peer over the last day.
    spent_last_day: Msat
    #: ``room`` over a day's spending; None when nothing was spent (no rate to run out at).
    days_left: Fraction | None
    warn_days: int
    state: LiquidityState
    #: The node's side towards the peer: "seller" (the peer buys from it) or "buyer".
    side: str = "seller"

    @property
    def warning(self) -> str | None:
        """The sentence for the log, the snapshot and the dashboard; None when fine."""
        if self.state is LiquidityState.LOW:
            assert self.days_left is not None
            return (
                f"liquidity: the channel with {self.peer} has {self.direction} room for "
                f"{float(self.days_left):.1f} days at the last day's spending ({self.room} "
                f"left, {self.spent_last_day} a day), under liquidity_warn_days = "
                f"{self.warn_days}; {REMEDY}"
            )
        if self.state is LiquidityState.NO_CHANNEL:
            return (
                f"liquidity: no active channel with {self.peer}'s node {self.node_id[:16]}…; "
                "open a direct channel (README) or check that its LND is online"
            )
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "peer": self.peer,
            "side": self.side,
            "node_id": self.node_id,
            "direction": self.direction,
            "room_msat": self.room.msat,
            "spent_last_day_msat": self.spent_last_day.msat,
            "days_left": None if self.days_left is None else round(float(self.days_left), 2),
            "warn_days": self.warn_days,
            "state": self.state.value,
            "warning": self.warning,
        }


def room(role: str, node_id: str, channels: Sequence[ChannelInfo]) -> Msat | None:
    """What the active channels with ``node_id`` can still carry the way money flows
    (a seller receives, a buyer pays); None when there is no active one."""
    mine = [c for c in channels if c.remote_pubkey == node_id and c.active]
    if not mine:
        return None
    if role == "seller":
        return sum((max(c.remote - c.remote_reserve, Msat(0)) for c in mine), Msat(0))
    return sum((max(c.local - c.local_reserve, Msat(0)) for c in mine), Msat(0))


def outlook(
    role: str,
    peer: str,
    node_id: str,
    channels: Sequence[ChannelInfo],
    spent_last_day: Msat,
    warn_days: int = DEFAULT_WARN_DAYS,
) -> PeerLiquidity:
    """The peer's channel as days left at the last day's spending; ``role``: the node's
    side towards the peer (a battery node is a seller to some peers, a buyer to others)."""
    side = "seller" if role == "seller" else "buyer"
    direction = "inbound" if side == "seller" else "outbound"

    def made(left: Msat, days: Fraction | None, state: LiquidityState) -> PeerLiquidity:
        return PeerLiquidity(
            peer, node_id, direction, left, spent_last_day, days, warn_days, state, side
        )

    if not node_id:
        return made(Msat(0), None, LiquidityState.UNKNOWN)
    left = room(role, node_id, channels)
    if left is None:
        return made(Msat(0), None, LiquidityState.NO_CHANNEL)
    if spent_last_day.msat <= 0:
        return made(left, None, LiquidityState.OK)
    days = Fraction(left.msat, spent_last_day.msat)
    return made(left, days, LiquidityState.LOW if days < warn_days else LiquidityState.OK)


def period_need(spent_last_day: Msat, period_ms: int, deposit: Msat, max_payment: Msat) -> Msat:
    """What a period will take from the channel: its deposit and the period at the last
    day's spending, at least one largest payment."""
    at_rate = Msat(spent_last_day.msat * period_ms // DAY_MS)
    return deposit + max(at_rate, max_payment)


def refusal(peer: PeerLiquidity, need: Msat) -> str | None:
    """Why a period may not start: the channel cannot carry it to its end; None when it
    can (or the channel is not known: the payments will say)."""
    if peer.state in (LiquidityState.UNKNOWN,):
        return None
    if peer.state is LiquidityState.NO_CHANNEL:
        return peer.warning
    if peer.room >= need:
        return None
    return (
        f"the channel with {peer.peer} cannot carry this period to its end: "
        f"{peer.direction} room {peer.room}, the period needs about {need} (its deposit and "
        f"the last day's spending over the period); no session starts until you {REMEDY}"
    )
