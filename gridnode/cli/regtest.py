"""``gridnode regtest up|status|down``: a local regtest Lightning network."""

from __future__ import annotations

import click


@click.group()
def regtest() -> None:
    """A local regtest Lightning network of real btcd and LND daemons."""
