"""The ``gridnode`` entry point: a click group that each command module joins."""

from __future__ import annotations

from typing import Any

import click

from gridnode.cli.common import configure_logging
from gridnode.version import __version__

#: Each command and where it lives (``--help`` lists them in alphabetical order). A command's
#: module is imported when the command runs (or ``--help`` lists it), so a node started
#: with ``gridnode sell`` never imports the regtest tools, the dashboard or the
#: statement's PDF writer (issue 17: every node under 80 MB resident).
COMMANDS = {
    "regtest": "gridnode.cli.regtest:regtest",
    "init": "gridnode.cli.identity:init",
    "fingerprint": "gridnode.cli.identity:fingerprint",
    "meter": "gridnode.cli.meter:meter",
    "sell": "gridnode.cli.node:sell",
    "buy": "gridnode.cli.node:buy",
    "battery": "gridnode.cli.battery:battery",
    "demo": "gridnode.cli.demo:demo",
    "dashboard": "gridnode.cli.dashboard:dashboard",
    "status": "gridnode.cli.status:status",
    "keys": "gridnode.cli.keys:keys",
    "loads": "gridnode.cli.loads:loads",
    "receipt": "gridnode.cli.receipt:receipt",
    "verify": "gridnode.cli.receipt:verify",
    "ledger": "gridnode.cli.ledger:ledger",
    "doctor": "gridnode.cli.doctor:doctor",
    "statement": "gridnode.cli.statement:statement",
    "liquidity": "gridnode.cli.liquidity:liquidity",
    "tariff": "gridnode.cli.tariff:tariff",
    "credit": "gridnode.cli.credit:credit",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented pattern for
    lazily loaded subcommands)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)  # as click lists the commands it was given

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        import importlib

        module, name = where.split(":")
        command: Any = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command), where
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gridnode")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How log lines on stderr are written.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def cli(log_format: str, verbose: bool) -> None:
    """gridnode: buy and sell electricity peer to peer, paid over Lightning.

    \b
    Example:
      gridnode regtest up --json     start a local regtest Lightning network
    """
    import logging

    configure_logging(log_format, logging.DEBUG if verbose else logging.INFO)


def main() -> None:
    cli(prog_name="gridnode")


if __name__ == "__main__":
    main()
