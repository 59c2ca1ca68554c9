"""``gridnode demo``: a seller and buyers trading over regtest Lightning on this machine."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gridnode.cli.common import emit_json, guarded, say


@click.command()
@click.option("--buyers", default=1, show_default=True, help="How many buyers.")
@click.option("--seconds", type=float, default=None, help="Run this long, then close cleanly.")
@click.option("--dir", "root", type=click.Path(path_type=Path), help="Keep every file here.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary at the end.")
@click.option(
    "--keep-network",
    is_flag=True,
    help="Leave the regtest network running after the demo (it then outlives the demo, as "
    "'regtest up' does; stop it with 'gridnode regtest down --dir DIR/regtest').",
)
@click.option("--seller-bias", type=float, default=0.0, help="The seller's meters read high.")
@click.option(
    "--sag",
    multiple=True,
    help="START_S:END_S:FACTOR, a voltage sag or swell; START_S:END_S:FACTOR:PHASE on one "
    "phase (1 to 3) of a three-phase demo.",
)
@click.option(
    "--three-phase",
    is_flag=True,
    help="Trade over three-phase SDM630 meters, the cycling appliance on L1 alone (an "
    "unbalanced load); the summary gives each phase's energy and peak current.",
)
@click.option(
    "--period",
    "period_s",
    type=int,
    default=None,
    help="Length of each sale period in seconds (renewals follow); default 60 with demo "
    "terms, 3600 with real ones.",
)
@click.option(
    "--rate-feed",
    default=None,
    help="Bind the first buyer's live rate feed (ZeroMQ) here, like tcp://127.0.0.1:5556 "
    "(default: a free loopback port).",
)
@click.option(
    "--smart-loads",
    is_flag=True,
    help="Give the first buyer a water heater and an EV charger on a Modbus load board, "
    "switched by 'gridnode loads' from its live rate.",
)
@click.option(
    "--mqtt",
    "mqtt",
    default=None,
    metavar="URL",
    help="Publish every node to this MQTT broker, with Home Assistant discovery, like "
    "mqtt://127.0.0.1:1883 (a broker you run).",
)
@click.option(
    "--metrics",
    is_flag=True,
    help="Serve each node's Prometheus metrics on a free local port, and print where.",
)
@click.option(
    "--dashboard/--no-dashboard",
    default=None,
    help="Open the dashboard on the seller (with --sellers: on the first buyer; with "
    "--estate: on the battery) once the demo runs. Default: when a terminal is attached "
    "(and no --json).",
)
@click.option(
    "--terms",
    type=click.Choice(["demo", "real"]),
    default="demo",
    show_default=True,
    help="demo: a payment every couple of seconds; real: the real-install payment defaults "
    "(docs/cadence.md) with the demo's loads.",
)
@click.option(
    "--payers",
    type=click.IntRange(min=1),
    default=None,
    help="How many LND nodes pay for the buyers (default: one each); each buyer keeps its "
    "own process, identity, ledger, meter and macaroon.",
)
@click.option(
    "--stall",
    type=click.IntRange(min=0),
    default=0,
    help="Stop this many buyers paying partway through (SIGSTOP), to measure the cut.",
)
@click.option(
    "--seller-metered",
    type=click.IntRange(min=0),
    default=0,
    help="The last K buyers have no meter of their own: they pay on the seller's signed "
    "readings alone and reach their LND by an lndconnect URI.",
)
@click.option(
    "--bus-baud",
    type=click.Choice(["1200", "2400", "4800", "9600", "19200", "38400"]),
    default=None,
    help="The seller's meters at this baud, with a real line's timing (default: as fast "
    "as the bus budget needs); a slow one spreads them over more buses.",
)
@click.option(
    "--sellers",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="Sellers, each its own node; with 2 or more every buyer pins them all and buys "
    "each period from the best (the estate market, docs/market.md).",
)
@click.option(
    "--fail-seller",
    metavar="N:SECONDS",
    default=None,
    help="Stop seller N that many seconds into the run, to show the buyers fail over.",
)
@click.option(
    "--estate",
    "estate_day",
    is_flag=True,
    help="A simulated day in minutes: a PV seller, the grid connection on a time-of-use "
    "tariff, a battery node and three households (one with smart loads) buying from the "
    "best each period (docs/battery.md).",
)
@click.option(
    "--day-minutes",
    type=click.Choice(["2", "3", "4", "6"]),
    default="6",
    show_default=True,
    help="With --estate: the scaled day's length, a minute for each part of the day.",
)
@guarded
def demo(
    buyers: int,
    seconds: float | None,
    root: Path | None,
    as_json: bool,
    keep_network: bool,
    seller_bias: float,
    sag: tuple[str, ...],
    three_phase: bool,
    period_s: int | None,
    rate_feed: str | None,
    smart_loads: bool,
    mqtt: str | None,
    metrics: bool,
    dashboard: bool | None,
    terms: str,
    payers: int | None,
    stall: int,
    seller_metered: int,
    bus_baud: str | None,
    sellers: int,
    fail_seller: str | None,
    estate_day: bool,
    day_minutes: str,
) -> None:
    """Run a seller and buyers trading energy for real Lightning payments.

    Ctrl-C, SIGTERM and SIGHUP each stop it cleanly: the sessions close, every part
    stops in order, the summary is written (--json). Every process it starts (the regtest
    network, the circuit, the nodes, the load agent) ends with it, however it ends, kill
    -9 too; unlike 'gridnode regtest up', whose network outlives the command.

    \b
    Example:
      gridnode demo --seconds 60 --json
      gridnode demo --buyers 3 --dir /tmp/demo
      gridnode demo --rate-feed tcp://127.0.0.1:5556   # then: gridnode loads
      gridnode demo --mqtt mqtt://127.0.0.1:1883 --metrics
      gridnode demo --three-phase --sag 30:40:0.8:2 --seconds 90 --json
      gridnode demo --buyers 50 --terms real --payers 5 --stall 2 --seconds 300 --json
      gridnode demo --buyers 2 --seller-metered 1 --seconds 90 --json
      gridnode demo --buyers 2 --bus-baud 2400   # two buyers, two seller buses
      gridnode demo --sellers 2 --buyers 3 --fail-seller 1:120 --seconds 300 --json
      gridnode demo --estate --seconds 420 --json
    """
    from gridnode.demo.configs import Outside
    from gridnode.demo.run import DemoOptions, run_demo
    from gridnode.demo.tenants import terms_named
    from gridnode.errors import UsageError

    if mqtt is not None and not mqtt.startswith(("mqtt://", "mqtts://")):
        raise UsageError(f"--mqtt takes a broker URL like mqtt://127.0.0.1:1883, not {mqtt!r}.")

    options = DemoOptions(
        buyers=buyers,
        seconds=seconds,
        root=root,
        keep_network=keep_network,
        seller_bias=seller_bias,
        sags=list(sag),
        terms=terms_named(terms, period_s, three_phase=three_phase),
        payers=payers,
        stall=stall,
        seller_metered=min(seller_metered, buyers),
        bus_baud=int(bus_baud) if bus_baud else None,
        rate_feed=rate_feed,
        smart_loads=smart_loads,
        outside=Outside(mqtt=mqtt, metrics=metrics),
    )
    if smart_loads:  # room under the 16 A maximum for 2.5 kW of appliances
        options.load_watts, options.cycling_watts = 1000.0, 0.0
    if dashboard is None:
        dashboard = sys.stdin.isatty() and sys.stdout.isatty() and not as_json
    if estate_day:
        from gridnode.demo.estate_day import DayHarness, day_options, run_day_demo

        if sellers > 1 or fail_seller is not None or buyers != 1:
            raise UsageError(
                "--estate brings its own sellers and three households; leave out --sellers, "
                "--fail-seller and --buyers."
            )
        if period_s is None:  # three choices a part of the day
            options.terms = terms_named(terms, 20, three_phase=False)
        day = day_options(options, int(day_minutes))
        if dashboard:  # on the battery node: its sessions as seller and as buyer
            from gridnode.demo.dashboard import run_demo_with_dashboard

            battery = DayHarness(day, _say)
            _report(run_demo_with_dashboard(day, battery.say, harness=battery), as_json)
        else:
            _report(run_day_demo(day, _say), as_json)
        return
    if sellers > 1 or fail_seller is not None:
        from gridnode.demo.estate import EstateHarness, estate_options, run_estate_demo

        estate = estate_options(options, sellers, fail_seller)
        if dashboard:  # on the first buyer: a row per seller, with its market place
            from gridnode.demo.dashboard import run_demo_with_dashboard

            harness = EstateHarness(estate, lambda m: say(f"[demo] {m}"))
            summary = run_demo_with_dashboard(estate, harness.say, harness=harness)
        else:
            summary = run_estate_demo(estate, lambda m: say(f"[demo] {m}"))
        _report(summary, as_json)
        return
    if dashboard:
        from gridnode.demo.dashboard import run_demo_with_dashboard

        summary = run_demo_with_dashboard(options, lambda m: say(f"[demo] {m}"))
    else:
        summary = run_demo(options, lambda m: say(f"[demo] {m}"))
    _report(summary, as_json)


def _say(message: str) -> None:
    say(f"[demo] {message}")


def _report(summary: dict[str, object], as_json: bool) -> None:
    if as_json:
        emit_json(summary)
    else:
        for key, value in summary.items():
            say(f"{key}: {value}")
        _say_how_to_verify(summary)


def _say_how_to_verify(summary: dict[str, object]) -> None:
    receipts = summary.get("receipts")
    fingerprints = summary.get("fingerprints")
    if not isinstance(receipts, list) or not receipts or not isinstance(fingerprints, dict):
        return
    first = Path(str(receipts[0]))
    text = first.read_text(encoding="utf-8") if first.is_file() else ""
    buyer = next((f for n, f in fingerprints.items() if n.startswith("buyer") and f in text), "...")
    seller = fingerprints.get("seller") or next(
        (f for n, f in fingerprints.items() if n.startswith("seller") and f in text), "..."
    )
    say(
        "check a receipt as a third party would, with the fingerprints from pairing:\n"
        f"  gridnode verify {first} --seller-fpr {seller} --buyer-fpr {buyer}"
    )
