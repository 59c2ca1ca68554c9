"""``gridnode regtest up|status|down|mine``: a local regtest Lightning network."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded, say
from gridnode.regtest.leftovers import stop_leftovers
from gridnode.regtest.lifetime import StopRequested, StopSignals
from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import RegtestError

_DIR_HELP = "Directory of the network (default for status/down: the last one started)."


@click.group()
def regtest() -> None:
    """A local regtest Lightning network of real btcd and LND daemons.

    The network outlives the command that started it: 'up' returns with the daemons
    running, and they run until 'down'. (`gridnode demo` starts a network of its own
    that ends with the demo, however the demo ends.)

    \b
    Example:
      gridnode regtest up --nodes 2 --json
      lncli --rpcserver=127.0.0.1:PORT --tlscertpath=... --macaroonpath=... getinfo
      gridnode regtest down
    """


@regtest.command()
@click.option("--nodes", default=2, show_default=True, help="How many LND nodes.")
@click.option(
    "--topology",
    type=click.Choice(["chain", "star"]),
    default="chain",
    show_default=True,
    help="chain: a channel between neighbours; star: from node0 to every other node.",
)
@click.option(
    "--dir",
    "root",
    type=click.Path(path_type=Path),
    help="Directory for every file of the network (default: a new temporary one).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object describing it.")
@guarded
def up(nodes: int, topology: str, root: Path | None, as_json: bool) -> None:
    """Start btcd and N LND nodes, fund them and open channels between neighbours.

    The daemons keep running after this command returns, until 'gridnode regtest down'
    (unlike `gridnode demo`, whose processes all end with it). Stopped while starting
    (Ctrl-C, SIGTERM, SIGHUP), it stops every daemon it started; killed, the next 'up'
    or 'down' with the same --dir stops the ones it recorded.

    \b
    Example:
      gridnode regtest up --nodes 3 --dir /tmp/net --json
    """
    progress = lambda m: say(f"[regtest] {m}")  # noqa: E731
    with StopSignals(progress):
        try:
            network = RegtestNetwork.up(root, nodes, progress=progress, topology=topology)
        except StopRequested as exc:
            raise RegtestError(
                f"regtest up was stopped by {exc.signal.name} while starting; every daemon it "
                "had started is stopped."
            ) from None
    if as_json:
        emit_json(network.to_json())
        return
    say(f"regtest network running in {network.root}")
    for node in network.nodes:
        say(f"  {node.name}: grpc {node.grpc_host} pubkey {node.pubkey}")
        say(f"    lncli {' '.join(node.lncli_args())} getinfo")
    say(f"stop it with: gridnode regtest down --dir {network.root}")


@regtest.command()
@click.option("--dir", "root", type=click.Path(path_type=Path), help=_DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def status(root: Path | None, as_json: bool) -> None:
    """Show whether the network's daemons run, the block height and active channels.

    \b
    Example:
      gridnode regtest status --json
    """
    doc = RegtestNetwork.load(root).status()
    if as_json:
        emit_json(doc)
        return
    say(f"network in {doc['dir']}, block height {doc['block_height']}")
    running = doc["running"]
    assert isinstance(running, dict)
    for name, alive in running.items():
        say(f"  {name}: {'running' if alive else 'stopped'}")


@regtest.command()
@click.option("--dir", "root", type=click.Path(path_type=Path), help=_DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def down(root: Path | None, as_json: bool) -> None:
    """Stop exactly the processes that 'up' started (by their recorded PIDs), also those
    of an 'up' that was killed while starting.

    \b
    Example:
      gridnode regtest down --dir /tmp/net
    """
    try:
        network = RegtestNetwork.load(root)
    except RegtestError:
        leftovers = stop_leftovers(root.resolve()) if root is not None else []
        if not leftovers:
            raise
        if as_json:
            emit_json({"dir": str(root), "stopped": leftovers})
        else:
            say(f"stopped {', '.join(leftovers)}, left by a regtest up killed in {root}")
        return
    stopped = network.down()
    if as_json:
        emit_json({"dir": str(network.root), "stopped": stopped})
    else:
        names = ", ".join(stopped) or "nothing (all were already stopped)"
        say(f"stopped {names} in {network.root}")


@regtest.command()
@click.argument("blocks", type=click.IntRange(1, 10_000), default=1)
@click.option("--dir", "root", type=click.Path(path_type=Path), help=_DIR_HELP)
@guarded
def mine(blocks: int, root: Path | None) -> None:
    """Mine BLOCKS blocks and wait until every node has them.

    \b
    Example:
      gridnode regtest mine 6
    """
    height = RegtestNetwork.load(root).mine(blocks)
    say(f"block height {height}")
