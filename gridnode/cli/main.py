"""The ``gridnode`` entry point: a click group that each command module joins."""

from __future__ import annotations

import click

from gridnode.cli.common import configure_logging
from gridnode.cli.credit import credit
from gridnode.cli.dashboard import dashboard
from gridnode.cli.demo import demo
from gridnode.cli.doctor import doctor
from gridnode.cli.identity import fingerprint, init
from gridnode.cli.keys import keys
from gridnode.cli.ledger import ledger
from gridnode.cli.liquidity import liquidity
from gridnode.cli.loads import loads
from gridnode.cli.meter import meter
from gridnode.cli.node import buy, sell
from gridnode.cli.receipt import receipt, verify
from gridnode.cli.regtest import regtest
from gridnode.cli.statement import statement
from gridnode.cli.tariff import tariff
from gridnode.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


cli.add_command(regtest)
cli.add_command(init)
cli.add_command(fingerprint)
cli.add_command(meter)
cli.add_command(sell)
cli.add_command(buy)
cli.add_command(demo)
cli.add_command(dashboard)
cli.add_command(keys)
cli.add_command(loads)
cli.add_command(receipt)
cli.add_command(verify)
cli.add_command(ledger)
cli.add_command(doctor)
cli.add_command(statement)
cli.add_command(liquidity)
cli.add_command(credit)
cli.add_command(tariff)


def main() -> None:
    cli(prog_name="gridnode")


if __name__ == "__main__":
    main()
