"""``gridnode meter``: read a Modbus meter, or compute a bus's poll budget.

Only parses arguments and calls gridnode.hardware.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict

import click

from gridnode.cli.common import emit_json, guarded, say
from gridnode.hardware.budget import bus_budget, buses_needed
from gridnode.hardware.bus import DEFAULT_GAP_S, DEFAULT_TIMEOUT_S, ModbusBus
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.profile import builtin_models, load_profile
from gridnode.hardware.scan import scan_bus


@click.group()
def meter() -> None:
    """Read revenue meters on an RS-485 bus (Modbus RTU).

    \b
    Examples:
      gridnode meter read --port /dev/gridnode-rs485 --model sdm120 --json
      gridnode meter scan --port /dev/gridnode-rs485 --baud 9600
      gridnode meter budget --model sdm120 --model sdm120 --baud 2400
    """


@meter.command("read")
@click.option("--port", required=True, help="Serial port of the RS-485 adapter.")
@click.option(
    "--model",
    default="sdm120",
    show_default=True,
    help=f"Meter profile: {', '.join(builtin_models())}, or a profile .json path.",
)
@click.option("--address", type=click.IntRange(1, 247), default=None, help="Slave address.")
@click.option("--baud", type=int, default=None, help="Baud rate (default: the model's).")
@click.option(
    "--gap-ms",
    type=click.IntRange(0, 10_000),
    default=int(DEFAULT_GAP_S * 1000),
    show_default=True,
    help="Minimum quiet time between queries.",
)
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT_S, show_default=True)
@click.option("--watch", is_flag=True, help="Keep reading, one sample per poll.")
@click.option("--interval", type=float, default=0.0, help="Seconds between samples (--watch).")
@click.option("--count", type=click.IntRange(1), default=None, help="Stop after N samples.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per sample on stdout.")
@guarded
def read(
    port: str,
    model: str,
    address: int | None,
    baud: int | None,
    gap_ms: int,
    timeout: float,
    watch: bool,
    interval: float,
    count: int | None,
    as_json: bool,
) -> None:
    """Print one sample (or, with --watch, one per poll) from a meter.

    \b
    Examples:
      gridnode meter read --port /dev/ttyUSB0 --model sdm120 --address 1
      gridnode meter read --port /dev/ttyUSB0 --model sdm630 --baud 9600 --watch --json
    """
    profile = load_profile(model)
    with ModbusBus(
        port, baud or profile.default_baud, timeout_s=timeout, gap_s=gap_ms / 1000
    ) as bus:
        driver = ModbusMeter(bus, profile, address or profile.default_address)
        limit = count if count is not None else (None if watch else 1)
        taken = 0
        try:
            while limit is None or taken < limit:
                if taken and interval:
                    time.sleep(interval)
                sample = driver.read_blocking()
                taken += 1
                if as_json and (watch or (count or 1) > 1):
                    click.echo(json.dumps(sample.to_json()))
                elif as_json:
                    emit_json(sample.to_json())
                else:
                    click.echo(sample.describe())
        except KeyboardInterrupt:
            say(f"stopped after {taken} samples")


@meter.command("scan")
@click.option("--port", required=True, help="Serial port of the RS-485 adapter.")
@click.option("--model", default="sdm120", show_default=True, help="Profile to ask with.")
@click.option("--baud", type=int, default=None, help="Baud rate (default: the model's).")
@click.option("--first", type=click.IntRange(1, 247), default=1, show_default=True)
@click.option("--last", type=click.IntRange(1, 247), default=10, show_default=True)
@click.option("--timeout", type=float, default=0.2, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print what answered as JSON.")
@guarded
def scan(
    port: str, model: str, baud: int | None, first: int, last: int, timeout: float, as_json: bool
) -> None:
    """List the slave addresses that answer on a bus, with serial numbers.

    \b
    Example:
      gridnode meter scan --port /dev/gridnode-rs485 --baud 9600 --last 20
    """
    profile = load_profile(model)
    with ModbusBus(port, baud or profile.default_baud, timeout_s=timeout, gap_s=0.1) as bus:
        found = scan_bus(bus, profile, range(first, last + 1))
    if as_json:
        emit_json({"port": port, "found": [asdict(f) for f in found]})
        return
    if not found:
        say(f"nothing answered at addresses {first} to {last}; check baud, wiring and A/B")
    for f in found:
        click.echo(f"address {f.address}: serial number {f.serial_number}")


@meter.command("budget")
@click.option(
    "--model",
    "models",
    multiple=True,
    default=["sdm120"],
    show_default=True,
    help="Profile of each meter on the bus (repeat per meter).",
)
@click.option("--baud", type=int, default=9600, show_default=True)
@click.option("--gap-ms", type=click.IntRange(0, 10_000), default=100, show_default=True)
@click.option(
    "--meters",
    "count",
    type=click.IntRange(min=1),
    default=None,
    help="This many meters, the --model list repeated (default: one per --model).",
)
@click.option(
    "--round-ms",
    type=click.IntRange(min=1),
    default=None,
    help="The poll round wanted: say how many buses (one RS-485 adapter each, polled at "
    "once) keep every meter's round within it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the budget as JSON.")
@guarded
def budget(
    models: tuple[str, ...],
    baud: int,
    gap_ms: int,
    count: int | None,
    round_ms: int | None,
    as_json: bool,
) -> None:
    """Compute a bus's poll period from baud rate, frames and query gap, and how many
    buses a number of meters needs for a poll round.

    \b
    Example:
      gridnode meter budget --model sdm120 --model sdm120 --baud 2400 --json
      gridnode meter budget --meters 50 --baud 38400 --gap-ms 2 --round-ms 500
    """
    profiles = [load_profile(m) for m in models]
    if count is not None:
        profiles = [profiles[i % len(profiles)] for i in range(count)]
    result = bus_budget(profiles, baud, gap_ms / 1000)
    needed = None
    if round_ms is not None:
        needed = buses_needed(profiles, baud, gap_ms / 1000, round_ms / 1000)
    if as_json:
        emit_json(result.to_json() | ({"buses_needed": needed} if round_ms else {}))
        return
    click.echo(
        f"{len(result.meters)} meter(s) at {baud} baud, {gap_ms} ms gaps: poll period "
        f"{result.poll_period_s:.3f} s, freshness limit {result.freshness_limit_s:.3f} s, "
        f"line limit {result.line_rate_samples_per_s:.2f} samples/s"
    )
    if round_ms is not None:
        click.echo(
            f"a round within {round_ms} ms needs {needed} bus(es), the meters dealt over them"
            if needed
            else f"one meter alone takes longer than {round_ms} ms: raise the baud or "
            "shorten the gap"
        )
