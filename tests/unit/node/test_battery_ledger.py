"""A battery node's one ledger (a seller's) read peer by peer (issue 22): its liquidity
watch is a seller towards a buyer (the channel's inbound room, against the invoices the
buyer paid) and a buyer towards a seller (the outbound room, against what it paid); its
statement names the peer of every session, the sessions it bought on too."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gridnode.money import Msat
from gridnode.node.liquidity import LiquidityWatch, WatchedPeer
from gridnode.statement.collect import collect
from gridnode.statement.model import Month
from gridnode.wallet.port import ChannelInfo
from tests.support.battery_parts import half_full_estate
from tests.support.doctor import BUYER_NODE, SELLER_NODE, channel


class _Channels:
    async def channels(self) -> tuple[ChannelInfo, ...]:
        household = channel(BUYER_NODE, remote=Msat(7_000_000), remote_reserve=Msat(0))
        seller = channel(SELLER_NODE, local=Msat(9_000_000), local_reserve=Msat(0))
        return (household, seller)


async def test_a_battery_nodes_watch_is_a_seller_to_its_buyers_and_a_buyer_to_its_sellers(
    tmp_path: Path,
) -> None:
    _desk, estate = await half_full_estate(tmp_path)
    await estate.start()
    try:
        slot, partner = await estate.both_sides_trading()
        await estate.clock.advance(150)  # a period paid each way
        ctx = estate.battery_seller.ctx
        watch = LiquidityWatch(
            "battery",
            [
                WatchedPeer("household", slot.peer.fingerprint, BUYER_NODE, side="seller"),
                WatchedPeer("seller", partner.peer.fingerprint, SELLER_NODE, side="buyer"),
            ],
            _Channels(),
            ctx.ledger,
            estate.clock,
            warn_days=7,
        )
        await watch.refresh()
    finally:
        await estate.shutdown()
    household = watch.outlooks[slot.peer.fingerprint]
    seller = watch.outlooks[partner.peer.fingerprint]
    assert household.direction == "inbound"
    assert household.room == Msat(7_000_000)
    assert household.spent_last_day > Msat(0)  # the invoices it paid the battery
    assert seller.direction == "outbound"
    assert seller.room == Msat(9_000_000)
    assert seller.spent_last_day > Msat(0)  # what the battery paid it

    ledger = tmp_path / "battery" / "ledger.sqlite"
    names = {slot.peer.fingerprint: "household", partner.peer.fingerprint: "seller"}
    now = datetime.fromtimestamp(estate.clock.now_ms() / 1000, tz=UTC)
    statement = collect(ledger, Month(now.year, now.month), names=names)
    # each session's peer, whichever side the battery was on (not the battery itself)
    assert [t.name for t in statement.tenants] == ["household", "seller"]
    assert statement.fingerprint == estate.battery_seller.ctx.identity.fingerprint
    assert all(line.paid_msat > 0 for t in statement.tenants for line in t.lines)
