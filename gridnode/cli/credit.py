"""``gridnode credit ask|waive``: a buyer's unused credit, by hand (issue 19).

A running buyer asks its sellers for its credit notes back (an invoice for exactly each
credit; asked again with a growing pause until the seller's proof is in) or gives them
up. The command only talks to the node's status socket: the node holds the wallet, the
links and the ledger.
"""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded, say

_CONFIG = click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="The buyer's TOML configuration (its status_socket is where the node answers).",
)
_SELLER = click.option(
    "--seller",
    "seller",
    default="",
    help="Only this seller (its name in the buyer's [[sellers]]); default: every seller.",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


@click.group()
def credit() -> None:
    """A buyer's unused credit with its sellers: ask for it back, or give it up.

    \b
    Example:
      gridnode credit ask --config /etc/gridnode/buyer.toml
      gridnode credit waive --config /etc/gridnode/buyer.toml --seller landlord
    """


@credit.command()
@_CONFIG
@_SELLER
@_JSON
@guarded
def ask(config: Path, seller: str, as_json: bool) -> None:
    """Ask the sellers for this buyer's unused credit back now.

    Each credit note a seller owes is invoiced for exactly its credit and asked for;
    a refund not paid is asked again, with a growing pause, until the seller's proof is
    in (shown in the node's warnings meanwhile).

    \b
    Example:
      gridnode credit ask --config /etc/gridnode/buyer.toml --seller landlord
    """
    _act(config, seller, as_json, waive=False)


@credit.command()
@_CONFIG
@_SELLER
@_JSON
@guarded
def waive(config: Path, seller: str, as_json: bool) -> None:
    """Give this buyer's unused credit up: no refund, no more asking.

    The credit notes are marked waived here and at the seller. Refused unless the buyer
    runs with --allow-control (it gives money away).

    \b
    Example:
      gridnode credit waive --config /etc/gridnode/buyer.toml --seller landlord
    """
    _act(config, seller, as_json, waive=True)


def _act(config: Path, seller: str, as_json: bool, *, waive: bool) -> None:
    import asyncio

    from gridnode.config.settings import BuyerSettings, load_settings
    from gridnode.errors import UsageError
    from gridnode.status import client

    settings = load_settings(config)
    if not isinstance(settings, BuyerSettings):
        raise UsageError(
            f"role: {config} configures a {settings.role}; only a buyer asks for credit."
        )
    text = asyncio.run(client.credit(settings.status_socket, waive=waive, seller=seller))
    if as_json:
        emit_json({"action": "waive" if waive else "ask", "seller": seller or None, "text": text})
    else:
        say(text)
