"""``gridnode tariff reload``: a running seller reads its configuration again (issue 18)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded, say


@click.group()
def tariff() -> None:
    """A running seller's tariffs.

    \b
    Example:
      gridnode tariff reload --config /etc/gridnode/seller.toml
    """


@tariff.command()
@click.option(
    "--config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The seller's configuration (its status_socket says where the node answers).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@guarded
def reload(config: Path, as_json: bool) -> None:
    """Ask the running seller (or battery node, or prosumer) to read its configuration
    again, as SIGHUP does.

    Tariffs and buyer entries that validate take effect at each buyer's next renewal
    (a running period keeps the terms both sides signed); an added buyer can connect at
    once; a removed one is closed at the end of its period and paid its credit back. A
    file with a mistake changes nothing: the node says why (here, in its log and on its
    dashboard) and runs on. Exit code 0 when applied, 1 when the node refused the file,
    3 when no node answers.

    \b
    Example:
      gridnode tariff reload --config /etc/gridnode/seller.toml --json
    """
    from gridnode.config.reader import load_toml
    from gridnode.status.client import reload as ask_reload

    path = config.expanduser()
    # only the socket's path: a file with mistakes is the node's to report
    written = load_toml(path).get("status_socket", "status.sock")
    socket = Path(str(written)).expanduser()
    if not socket.is_absolute():
        socket = path.resolve().parent / socket
    ok, text = asyncio.run(ask_reload(socket))
    if as_json:
        emit_json({"applied": ok, "text": text, "status_socket": str(socket)})
    else:
        say(text)
    if not ok:
        sys.exit(1)
