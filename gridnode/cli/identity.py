"""``gridnode init`` and ``gridnode fingerprint``: a node's identity on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded, say
from gridnode.config.skeleton import init_node
from gridnode.identity import (
    Role,
    fingerprint_of_certificate,
    load_certificate,
    load_identity,
    read_aloud,
)

DEFAULT_DIR = Path("~/.gridnode")
_DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="The node's identity and configuration directory.",
)


@click.command()
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="seller: owns the relay and meter and serves buyers; buyer: buys from one seller.",
)
@_DIR_OPTION
@click.option("--force", is_flag=True, help="Replace an existing identity (breaks pairings).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@guarded
def init(role: str, directory: Path, force: bool, as_json: bool) -> None:
    """Create this node's key, self-signed certificate and configuration skeleton.

    \b
    Example:
      gridnode init --role seller --dir ~/.gridnode
    """
    directory = directory.expanduser()
    identity = init_node(directory, Role(role), force=force)
    if as_json:
        emit_json(_document(identity.fingerprint, identity.certificate_path, role))
        return
    say(f"Created a {role} identity in {directory}.")
    say(f"Certificate (give it to your peer): {identity.certificate_path}")
    say("Fingerprint (read it aloud to your peer, who compares it with theirs):\n")
    click.echo(read_aloud(identity.fingerprint))


@click.command()
@_DIR_OPTION
@click.option(
    "--certificate",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead, the fingerprint of this certificate file (one a peer sent you).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@guarded
def fingerprint(directory: Path, certificate: Path | None, as_json: bool) -> None:
    """Print this node's fingerprint: the SHA-256 of its public key.

    \b
    Examples:
      gridnode fingerprint --json
      gridnode fingerprint --certificate peers/ben.crt   check a peer's file
    """
    if certificate is not None:
        fp, path = fingerprint_of_certificate(load_certificate(certificate)), certificate
    else:
        identity = load_identity(directory.expanduser())
        fp, path = identity.fingerprint, identity.certificate_path
    if as_json:
        emit_json(_document(fp, path))
        return
    say(f"Certificate: {path}")
    click.echo(read_aloud(fp))


def _document(fp: str, certificate: Path, role: str | None = None) -> dict[str, str]:
    doc = {"fingerprint": fp, "certificate": str(certificate)}
    if role is not None:
        doc["role"] = role
    return doc
