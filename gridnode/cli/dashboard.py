"""``gridnode dashboard``: the terminal dashboard attached to a running node."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import guarded, status_socket_options, status_socket_path


@click.command()
@status_socket_options
@click.option(
    "--history",
    "history_s",
    type=click.IntRange(30, 3600),
    default=300,
    show_default=True,
    help="Seconds of power and rate the live plot keeps.",
)
@guarded
def dashboard(node: Path | None, config: Path | None, history_s: int) -> None:
    """Watch a running seller, buyer or battery node: power, rate, money, breaches.

    Keys: n next buyer, p pause the plot, r receipt, s stop a session (seller, with
    confirmation), q quit. When the node goes away it says so and reconnects.

    \b
    Example:
      gridnode dashboard --node /var/lib/gridnode/status.sock
      gridnode dashboard --config /etc/gridnode/seller.toml
    """
    from gridnode.ui.factory import build_app
    from gridnode.ui.settings import DashboardSettings

    settings = DashboardSettings(node=status_socket_path(node, config), history_s=history_s)
    build_app(settings).run()
