"""``gridnode liquidity``: each peer's direct channel as days left at the last day's
spending."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridnode.cli.common import emit_json, guarded

if TYPE_CHECKING:
    from gridnode.config.settings import AnySettings
    from gridnode.ledger import LedgerStore
    from gridnode.liquidity.outlook import PeerLiquidity
    from gridnode.wallet.port import ChannelInfo


@click.command()
@click.option(
    "--config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's configuration.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@guarded
def liquidity(config: Path, as_json: bool) -> None:
    """How long each peer's direct channel lasts at the last day's spending: a seller's
    inbound from each buyer, a buyer's outbound to its seller; a battery node or a
    prosumer, each peer on its side (the line and the JSON name it). Below the configured
    liquidity_warn_days (default 7) it is low: open another channel, loop out or splice
    (README, 'Liquidity'). Exit code 1 when a channel is low or missing.

    \b
    Example:
      gridnode liquidity --config /etc/gridnode/seller.toml --json
      gridnode liquidity --config /etc/gridnode/battery.toml
    """
    from gridnode.config.settings import load_settings

    settings = load_settings(config.expanduser())
    peers = asyncio.run(_outlooks(settings))
    if as_json:
        emit_json({"role": settings.role, "peers": [p.to_json() for p in peers]})
    else:
        for peer in peers:
            click.echo(_line(peer))
    if any(p.warning for p in peers):
        sys.exit(1)


async def _outlooks(settings: AnySettings) -> list[PeerLiquidity]:
    from gridnode.ledger import LedgerStore
    from gridnode.wallet.lnd import LndWallet

    async with LndWallet(settings.lnd.connection()) as wallet:
        channels = await wallet.channels()
    if not settings.ledger.is_file():
        return outlooks(settings, channels, None, int(time.time() * 1000))
    with LedgerStore.open_readonly(settings.ledger) as store:
        return outlooks(settings, channels, store, int(time.time() * 1000))


def outlooks(
    settings: AnySettings,
    channels: Sequence[ChannelInfo],
    store: LedgerStore | None,
    now_ms: int,
) -> list[PeerLiquidity]:
    """Each peer's outlook on its side: the buyers (the node sells to them: inbound),
    then the sellers (it buys from them: outbound), each with what crossed its channel
    on that side over the day before ``now_ms`` (``store``: the ledger, None before the
    node first ran)."""
    from gridnode.config.settings import BuyerSettings, SellerSettings
    from gridnode.liquidity.outlook import DAY_MS, outlook
    from gridnode.liquidity.spending import spent_since
    from gridnode.money import Msat

    named: list[tuple[str, str, str, str]] = []
    if not isinstance(settings, BuyerSettings):
        named += [
            (b.name, b.fingerprint, b.lightning_node, "seller") for b in settings.selling.buyers
        ]
    if not isinstance(settings, SellerSettings):
        named += [
            (s.name, s.fingerprint, s.lightning_node, "buyer") for s in settings.buying.sellers
        ]
    spent: dict[str, dict[str, Msat]] = {}
    for side in {side for *_, side in named}:
        spent[side] = spent_since(store, now_ms - DAY_MS, side) if store is not None else {}
    return [
        outlook(
            side,
            name,
            node,
            channels,
            spent[side].get(fingerprint, Msat(0)),
            settings.liquidity_warn_days,
        )
        for name, fingerprint, node, side in named
    ]


def _line(peer: PeerLiquidity) -> str:
    """One peer for a person: room, the day's spending, days left, and the warning."""
    from gridnode.liquidity.outlook import LiquidityState

    who = f"{peer.peer} ({'buyer' if peer.side == 'seller' else 'seller'})"
    if peer.state is LiquidityState.UNKNOWN:
        return f"{who}: set lightning_node for it in the configuration to watch its channel"
    if peer.days_left is None:
        days = "nothing spent in the last day"
    else:
        days = f"{float(peer.days_left):.1f} days left"
    head = (
        f"{who}: {peer.direction} room {peer.room}, {peer.spent_last_day} in the last day, {days}"
    )
    return head + (f"\n  {peer.warning}" if peer.warning else "")
