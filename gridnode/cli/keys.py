"""``gridnode keys curve``: a CurveZMQ key pair for the rate feed."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded, say


@click.group()
def keys() -> None:
    """Keys for gridnode's local services.

    \b
    Example:
      gridnode keys curve --out /etc/gridnode/keys --name loads
    """


@keys.command()
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write NAME.key (public) and NAME.key_secret (mode 0600) in this folder.",
)
@click.option("--name", default="feed", show_default=True, help="The files' base name.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@guarded
def curve(folder: Path | None, name: str, as_json: bool) -> None:
    """Make a CurveZMQ key pair (for the buyer's rate feed and its load agents).

    Without --out the pair is printed (the secret too: keep it out of shell history and
    logs). The buyer's configuration names its own .key_secret and the load agents'
    public keys; each agent names its .key_secret and the buyer's public key.

    \b
    Example:
      gridnode keys curve --out ~/.gridnode --name feed     # on the buyer
      gridnode keys curve --out ~/.gridnode --name loads    # for the load agent
    """
    from gridnode.ratefeed.keys import new_pair, write_pair

    pair = new_pair()
    doc: dict[str, str] = {"public_key": pair.public}
    if folder is not None:
        public_path, secret_path = write_pair(pair, folder.expanduser(), name)
        doc |= {"public_key_file": str(public_path), "secret_key_file": str(secret_path)}
    else:
        doc["secret_key"] = pair.secret
    if as_json:
        emit_json(doc)
        return
    click.echo(f"public-key = {pair.public}")
    if folder is None:
        click.echo(f"secret-key = {pair.secret}")
    else:
        say(f"wrote {doc['public_key_file']} and {doc['secret_key_file']} (mode 0600)")
