"""``gridnode status``: a running node's snapshot in plain words (issue 22).

What the dashboard shows, once and without a terminal UI: the node (a battery node: how
many it sells to and buys from), a battery's book or a prosumer's surplus, each session
by the side the node is on in it, and the warnings. Read from the status socket only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridnode.cli.common import emit_json, guarded, say, status_socket_options, status_socket_path

if TYPE_CHECKING:
    from gridnode.status.pb import status_pb2 as pb


@click.command()
@status_socket_options
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

    snapshot = asyncio.run(_first(status_socket_path(node, config)))
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
