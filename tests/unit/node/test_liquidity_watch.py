"""The seller's liquidity watch in a running pair (virtual time, real SQLite ledgers):
a buyer whose channel cannot carry a period gets no session, said as such in the log and
the snapshot, until room is added; and a channel running low at the day's spending is a
warning in the snapshot."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gridnode.clock import Clock
from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.liquidity import LiquidityWatch, WatchedPeer
from gridnode.wallet.port import ChannelInfo
from tests.support.doctor import BUYER_NODE, SELLER_NODE, channel
from tests.support.node import NodeExtras, trading_pair


@dataclass
class FakeChannels:
    """The seller's channel list, changed by the test (a splice, a new channel)."""

    listed: list[ChannelInfo] = field(default_factory=list)

    async def channels(self) -> tuple[ChannelInfo, ...]:
        return tuple(self.listed)


def inbound(msat: int) -> ChannelInfo:
    return channel(BUYER_NODE, remote=Msat(msat), remote_reserve=Msat(0))


async def test_no_session_the_channel_cannot_carry_until_room_is_added(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lister = FakeChannels([inbound(10_000)])  # the 50 sat deposit alone does not fit
    watches: list[LiquidityWatch] = []

    def watch(ledger: Ledger, clock: Clock) -> LiquidityWatch:
        made = LiquidityWatch("seller", [], lister, ledger, clock, warn_days=7, every_s=5)
        watches.append(made)
        return made

    pair = await trading_pair(tmp_path, seller_extras=NodeExtras(liquidity=watch))
    (made,) = watches
    made.peers = [WatchedPeer("buyer-1", pair.slot.peer.fingerprint, BUYER_NODE)]
    caplog.set_level(logging.INFO, logger="gridnode.node")
    async with pair.trading():
        await pair.clock.advance(30)
        assert not pair.wire.relay_on
        assert pair.slot.session is None  # no offer was made
        warnings = pair.seller.snapshot().warnings
        refused = [w for w in warnings if "cannot carry this period to its end" in w]
        assert len(refused) == 1
        assert refused[0].startswith("no session with buyer-1: the channel with buyer-1")
        assert "loop out" in refused[0]
        said = [r.getMessage() for r in caplog.records if "no session with" in r.getMessage()]
        assert len(said) == 1  # said once, not at every check

        lister.listed = [inbound(60_000)]  # a splice: room for the deposit and a period
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        assert not any("cannot carry" in w for w in pair.seller.snapshot().warnings)

        # the session spends the channel's inbound: at the day's rate so far it lasts
        # well under a week, which is a warning (and the session goes on)
        await pair.clock.advance(90)
        await made.refresh()
        low = [w for w in pair.seller.snapshot().warnings if "liquidity_warn_days" in w]
        assert len(low) == 1
        assert "buyer-1 has inbound room for" in low[0]
        assert pair.wire.relay_on


async def test_a_buyer_whose_channel_cannot_carry_a_period_closes_the_offered_session(
    tmp_path: Path,
) -> None:
    # the buyer's outbound to the seller: 50 sat, under the 100 sat deposit it accepts
    lister = FakeChannels([channel(SELLER_NODE, local=Msat(50_000), local_reserve=Msat(0))])
    watches: list[LiquidityWatch] = []

    def watch(ledger: Ledger, clock: Clock) -> LiquidityWatch:
        made = LiquidityWatch("buyer", [], lister, ledger, clock, warn_days=7, every_s=5)
        watches.append(made)
        return made

    pair = await trading_pair(tmp_path, buyer_extras=NodeExtras(liquidity=watch))
    (made,) = watches
    made.peers = [WatchedPeer("seller", pair.partner.peer.fingerprint, SELLER_NODE)]
    async with pair.trading():
        await pair.clock.advance(30)
        assert not pair.wire.relay_on
        warnings = pair.buyer.snapshot().warnings
        refused = [w for w in warnings if "cannot carry this period to its end" in w]
        assert len(refused) == 1
        assert refused[0].startswith("no session with seller: the channel with seller")
        with pair.stored("buyer") as stored:
            assert stored.payments.find() == []

        lister.listed = [channel(SELLER_NODE)]  # a new channel with room
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=120)
        assert not any("cannot carry" in w for w in pair.buyer.snapshot().warnings)


async def test_a_channel_seen_inactive_holds_the_session_back_seconds_not_a_minute(
    tmp_path: Path,
) -> None:
    # the buyer's LND restarting: the seller's first listing sees the channel inactive
    lister = FakeChannels([channel(BUYER_NODE, active=False)])
    watches: list[LiquidityWatch] = []

    def watch(ledger: Ledger, clock: Clock) -> LiquidityWatch:
        made = LiquidityWatch("seller", [], lister, ledger, clock, warn_days=7)  # every 60 s
        watches.append(made)
        return made

    pair = await trading_pair(tmp_path, seller_extras=NodeExtras(liquidity=watch))
    (made,) = watches
    made.peers = [WatchedPeer("buyer-1", pair.slot.peer.fingerprint, BUYER_NODE)]
    async with pair.trading():
        await pair.clock.advance(2)
        assert pair.slot.refused is not None
        assert "no active channel" in pair.slot.refused
        assert pair.slot.session is None
        lister.listed = [channel(BUYER_NODE)]  # the link re-established
        began = pair.clock.now_ms()
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        # seen at the next listing (REFUSED_EVERY_S), offered after the slot's re-check
        # and paid for; the minute of EVERY_S is never waited
        retry_s = pair.seller.ctx.timings.retry_after_close_s
        assert (pair.clock.now_ms() - began) / 1000 < made.refused_every_s + retry_s + 10
        assert made.refused_every_s < made.every_s / 4
