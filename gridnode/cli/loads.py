"""``gridnode loads``: the load agent that switches smart loads by the live price."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gridnode.cli.common import guarded


@click.command()
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The agent's loads.toml (docs/loads.md).",
)
@click.option(
    "--check", is_flag=True, help="Check the configuration, print it as JSON with --json, exit."
)
@click.option("--json", "as_json", is_flag=True, help="Write each decision as one JSON line.")
@guarded
def loads(config: Path, check: bool, as_json: bool) -> None:
    """Follow the buyer's rate feed and switch loads on when energy is cheap.

    Each load has a relay (GPIO, a Modbus coil, or simulated), a priority, a price band
    (on at or below one price, off above a higher one), minimum on and off times and an
    optional daily need met in the cheapest time the forecast shows. Every load goes off
    when the feed is silent for longer than feed.silence_s.

    \b
    Example:
      gridnode loads --config /etc/gridnode/loads.toml
      gridnode loads --config loads.toml --check
    """
    from gridnode.config.loads import load_loads_settings

    settings = load_loads_settings(config)
    if check:
        if as_json:
            click.echo(json.dumps({"ok": True, "loads": [e.spec.name for e in settings.loads]}))
        else:
            click.echo(
                f"{config}: {len(settings.loads)} load(s), feed {settings.endpoint}", err=True
            )
        return
    from gridnode.loads.runtime import run_agent

    run_agent(settings, json_lines=as_json)
