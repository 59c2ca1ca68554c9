"""``gridnode status``: a running node's snapshot in plain words (issue 22).

What the dashboard shows, once and without a terminal UI: the node (a battery node: how
many it sells to and buys from), a battery's book or a prosumer's surplus, each session
by the side the node is on in it, and the warnings. Read from the status socket only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridnode.cli.common import emit_json, guarded, say

if TYPE_CHECKING:
    from gridnode.status.pb import status_pb2 as pb


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
@click.option("--json", "as_json", is_flag=True, help="Print the snapshot as one JSON document.")
@guarded
def status(node: Path | None, config: Path | None, as_json: bool) -> None:
    """Print what a running seller, buyer or battery node is doing now.

    \b
    Example:
      gridnode status --config /etc/gridnode/battery.toml
      gridnode status --node /var/lib/gridnode/status.sock --json
    """
    import asyncio

    from gridnode.status.text import status_lines

    if node is None and config is not None:
        from gridnode.config.settings import load_settings

        node = load_settings(config).status_socket
    snapshot = asyncio.run(_first(node or Path("status.sock")))
    if as_json:
        from google.protobuf.json_format import MessageToDict

        emit_json(MessageToDict(snapshot, preserving_proto_field_name=True))
        return
    for line in status_lines(snapshot):
        say(line)


async def _first(path: Path) -> pb.NodeStatus:
    import contextlib

    from gridnode.status import client

    async with contextlib.aclosing(client.subscribe(path)) as snapshots:
        async for snapshot in snapshots:
            return snapshot  # the stream is closed on the way out
    raise client.StatusUnavailableError(
        f"the node on {path} closed its status stream before a snapshot; try again"
    )
