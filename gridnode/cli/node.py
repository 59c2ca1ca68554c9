"""``gridnode sell`` and ``gridnode buy``: the two daemons."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import guarded
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings

_CONFIG = click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The node's TOML configuration (written by 'gridnode init').",
)


@click.command()
@_CONFIG
@click.option(
    "--allow-control",
    is_flag=True,
    help="Let the controls work: stopping a session by hand (the status socket's and "
    "MQTT's stop button).",
)
@guarded
def sell(config: Path, allow_control: bool) -> None:
    """Sell energy to the buyers in the configuration until SIGTERM.

    SIGHUP (or 'gridnode tariff reload') reads the configuration again: tariffs and
    buyers that validate reach each buyer at its next renewal; a file with a mistake
    changes nothing and says why.

    \b
    Example:
      gridnode sell --config /etc/gridnode/seller.toml
    """
    from gridnode.errors import UsageError
    from gridnode.node.main import run_node

    settings = load_settings(config)
    if not isinstance(settings, SellerSettings):
        other = "buy" if settings.role == "buyer" else "battery"
        raise UsageError(f"role: {config} configures a {settings.role}; use 'gridnode {other}'.")
    run_node(settings, allow_control=allow_control, config_path=config)


@click.command()
@_CONFIG
@click.option(
    "--allow-control",
    is_flag=True,
    help="Let the controls work: MQTT's switch pausing buying (pause_switch in [mqtt]), "
    "stopping a session by hand from the dashboard, and 'gridnode credit waive'.",
)
@guarded
def buy(config: Path, allow_control: bool) -> None:
    """Buy energy from the seller in the configuration until SIGTERM.

    \b
    Example:
      gridnode buy --config /etc/gridnode/buyer.toml
    """
    from gridnode.errors import UsageError
    from gridnode.node.main import run_node

    settings = load_settings(config)
    if not isinstance(settings, BuyerSettings):
        other = "sell" if settings.role == "seller" else "battery"
        raise UsageError(f"role: {config} configures a {settings.role}; use 'gridnode {other}'.")
    run_node(settings, allow_control=allow_control)
