"""A pinned seller's seat in the estate market: its held offer, and whether it is chosen.

A buyer that pins several sellers keeps a link with each, but opens a session only with
the chosen seller (docs/market.md). Every other seller's hello, its offer and whatever
follows them are held here, in order, unanswered and not yet journalled, until the
market chooses that seller: then its session starts, is marked receiving in the ledger,
and takes the frames as if they had just arrived. A held offer that grows stale is
dropped and the seller asked for a fresh one. The seller waits for an answer as long as
it takes; the link keeps every held message until the node handles it, so a restart
holds them again.

The market reads each held offer here (decoded and checked against the pinned key).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gridnode.node.routing import FrameSession
from gridnode.node.runner import Handled
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.messages import MessageKind, OfferMessage
from gridnode.trade.signing import Verifier
from gridnode.trade.terms import Offer

log = logging.getLogger("gridnode.node")


@dataclass
class MarketSeat:
    """What the market knows of one pinned seller besides its partner."""

    #: Breaks a tie of scores: the smallest wins.
    priority: int
    #: What the buyer gladly pays this seller above the others (msat per kWh).
    premium_msat_per_kwh: int = 0
    #: The feed into the buyer's circuit this seller's supply arrives on.
    feed: str = ""
    #: The market chose this seller: its offers are answered at once.
    chosen: bool = False
    #: The latest offer of the live session, held or answered, and when it came.
    offer: Offer | None = None
    offered_at_ms: int = 0
    #: The protocol id of the session whose frames are held.
    held_session: bytes = b""
    held: list[tuple[bytes, Handled]] = field(default_factory=list)

    def holds(self, peek: FrameSession) -> bool:
        """Whether a frame of ``peek``'s session is held: a new session's hello starts
        holding (the frames of an older held one are dropped), what follows is kept."""
        if peek.is_hello and peek.session_id != self.held_session:
            self.drop()
            self.held_session = peek.session_id
            return True
        return bool(self.held) and peek.session_id == self.held_session

    def hold(
        self, peek: FrameSession, frame: bytes, handled: Handled, verifier: Verifier, now_ms: int
    ) -> None:
        self.held.append((frame, handled))
        if peek.kind is MessageKind.OFFER:
            offer = _offer_of(frame, verifier)
            if offer is not None:
                self.offer, self.offered_at_ms = offer, now_ms

    def release(self) -> list[tuple[bytes, Handled]]:
        """The held frames in order, for the session (the seller was chosen)."""
        released, self.held = self.held, []
        return released

    def drop(self) -> None:
        """The held frames are handled without an answer (a newer session replaced them,
        or the offer grew stale)."""
        for _frame, handled in self.release():
            handled()
        self.offer, self.held_session = None, b""


def _offer_of(frame: bytes, verifier: Verifier) -> Offer | None:
    try:
        received = codec.decode(frame)
        codec.verify(received, verifier)
    except (DecodeError, SignatureError) as exc:
        log.info("an offer that does not check is left to its session: %s", exc)
        return None
    body = received.envelope.body
    return body.offer if isinstance(body, OfferMessage) else None
