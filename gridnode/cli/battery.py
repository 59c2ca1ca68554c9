"""``gridnode battery``: the node that sells from a battery and buys into it (issue 22)."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import guarded


@click.command()
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help='The node\'s TOML configuration (role = "battery" or "prosumer", docs/battery.md).',
)
@click.option(
    "--allow-control",
    is_flag=True,
    help="Let the controls work: stopping a session by hand (the status socket's and "
    "MQTT's stop button).",
)
@guarded
def battery(config: Path, allow_control: bool) -> None:
    """Sell from the battery to its buyers and buy into it from its sellers, in one
    process with one identity, until SIGTERM; or, for a prosumer, sell the PV surplus
    the household does not use and buy when it has none.

    Each period's offer follows the state of charge; at the reserve it stops offering
    (a running session is not renewed), and it never buys above the maximum charge.
    A prosumer's offer follows its surplus (production and connection meters); with
    none it offers nothing, and a running session is not renewed.

    SIGHUP (or 'gridnode tariff reload') reads the file again and applies what is safe
    while it runs (the buyers, the terms, the battery's reserve and maximum, its prices,
    a prosumer's [pv] price and share); it says what waits for a restart, and a file with
    a mistake changes nothing. The node keeps running either way.

    \b
    Example:
      gridnode battery --config /etc/gridnode/battery.toml
    """
    from gridnode.config.battery_node import BatterySettings
    from gridnode.config.settings import load_settings
    from gridnode.errors import UsageError
    from gridnode.node.battery_factory import run_battery

    settings = load_settings(config)
    if not isinstance(settings, BatterySettings):
        command = "sell" if settings.role == "seller" else "buy"
        raise UsageError(f"role: {config} configures a {settings.role}; use 'gridnode {command}'.")
    run_battery(settings, allow_control=allow_control, config_path=config.expanduser())
