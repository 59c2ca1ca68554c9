"""``gridnode dashboard``: the terminal dashboard attached to a running node."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import guarded


@click.command()
@click.option(
    "--node",
    "node",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The node's status socket (its status_socket). Default: from --config, "
    "else ./status.sock.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Read the status socket's path from this node configuration.",
)
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
    """Watch a running seller or buyer: power, rate, money, breaches, live.

    Keys: n next buyer, p pause the plot, r receipt, s stop a session (seller, with
    confirmation), q quit. When the node goes away it says so and reconnects.

    \b
    Example:
      gridnode dashboard --node /var/lib/gridnode/status.sock
      gridnode dashboard --config /etc/gridnode/seller.toml
    """
    from gridnode.ui.factory import build_app
    from gridnode.ui.settings import DashboardSettings

    if node is None and config is not None:
        from gridnode.config.settings import load_settings

        node = load_settings(config).status_socket
    settings = DashboardSettings(node=node or Path("status.sock"), history_s=history_s)
    build_app(settings).run()
