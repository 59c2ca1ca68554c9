"""``gridnode liquidity``: each peer's direct channel as days left at the last day's
spending."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridnode.cli.common import emit_json, guarded

if TYPE_CHECKING:
    from gridnode.config.settings import NodeSettings
    from gridnode.liquidity.outlook import PeerLiquidity


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
    inbound from each buyer, a buyer's outbound to its seller. Below the configured
    liquidity_warn_days (default 7) it is low: open another channel, loop out or splice
    (README, 'Liquidity'). Exit code 1 when a channel is low or missing.

    \b
    Example:
      gridnode liquidity --config /etc/gridnode/seller.toml --json
    """
    from gridnode.config.settings import load_one_role

    settings = load_one_role(config.expanduser())
    peers = asyncio.run(_outlooks(settings))
    if as_json:
        emit_json({"role": settings.role, "peers": [p.to_json() for p in peers]})
    else:
        for peer in peers:
            click.echo(_line(peer))
    if any(p.warning for p in peers):
        sys.exit(1)


async def _outlooks(settings: NodeSettings) -> list[PeerLiquidity]:
    from gridnode.config.settings import SellerSettings
    from gridnode.ledger import LedgerStore
    from gridnode.liquidity.outlook import DAY_MS, outlook
    from gridnode.liquidity.spending import spent_since
    from gridnode.money import Msat
    from gridnode.wallet.lnd import LndWallet

    async with LndWallet(settings.lnd.connection()) as wallet:
        channels = await wallet.channels()
    spent = {}
    if settings.ledger.is_file():
        with LedgerStore.open_readonly(settings.ledger) as store:
            spent = spent_since(store, int(time.time() * 1000) - DAY_MS)
    if isinstance(settings, SellerSettings):
        named = [(b.name, b.fingerprint, b.lightning_node) for b in settings.selling.buyers]
    else:
        named = [(s.name, s.fingerprint, s.lightning_node) for s in settings.buying.sellers]
    return [
        outlook(
            settings.role,
            name,
            node,
            channels,
            spent.get(fingerprint, Msat(0)),
            settings.liquidity_warn_days,
        )
        for name, fingerprint, node in named
    ]


def _line(peer: PeerLiquidity) -> str:
    """One peer for a person: room, the day's spending, days left, and the warning."""
    from gridnode.liquidity.outlook import LiquidityState

    if peer.state is LiquidityState.UNKNOWN:
        return f"{peer.peer}: set lightning_node for it in the configuration to watch its channel"
    if peer.days_left is None:
        days = "nothing spent in the last day"
    else:
        days = f"{float(peer.days_left):.1f} days left"
    head = (
        f"{peer.peer}: {peer.direction} room {peer.room}, {peer.spent_last_day} in the last "
        f"day, {days}"
    )
    return head + (f"\n  {peer.warning}" if peer.warning else "")
