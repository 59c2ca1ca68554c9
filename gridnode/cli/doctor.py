"""``gridnode doctor``: check an installation, a line per check with the fix."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded


@click.command()
@click.option(
    "--config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's configuration.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@click.option(
    "--click",
    "click_buyer",
    metavar="BUYER",
    help="Seller, node stopped, with the buyer's consent: switch BUYER's relay on for a "
    "few seconds, confirm by its meter, then let the watchdog drop it.",
)
@click.option(
    "--watchdog-s",
    type=click.FloatRange(1.0, 120.0),
    default=10.0,
    show_default=True,
    help="How long the click-test waits for the watchdog to drop the relay.",
)
@guarded
def doctor(config: Path, as_json: bool, click_buyer: str | None, watchdog_s: float) -> None:
    """Check the installation: the serial port, each meter, the relays and the watchdog,
    the macaroon, LND and a direct channel per peer, the clock, the peers and the disk.
    A battery node or a prosumer is checked as both: its buyers' relays and inbound
    channels, its sellers' outbound channels and addresses.

    Each check says ok, warning, failure or skipped, and how to fix it. The exit code is
    0 when nothing failed, 1 otherwise. While the node runs it holds the serial port:
    the meters are judged by its own latest readings, and the click-test waits until it
    is stopped.

    \b
    Examples:
      gridnode doctor --config /etc/gridnode/seller.toml
      gridnode doctor --config /etc/gridnode/seller.toml --click flat-2 --json
      gridnode doctor --config /etc/gridnode/battery.toml
    """
    from gridnode.config.settings import load_settings
    from gridnode.doctor.model import DoctorReport
    from gridnode.doctor.run import DoctorOptions, examine, real_ports

    settings = load_settings(config.expanduser())
    options = DoctorOptions(click=click_buyer, watchdog_s=watchdog_s)

    async def run() -> DoctorReport:
        ports = await real_ports(settings)
        return await examine(settings, ports, options, str(config))

    report = asyncio.run(run())
    if as_json:
        emit_json(report.to_json())
    else:
        click.echo(report.text())
    if not report.passed:
        sys.exit(1)
