"""``gridnode demo --sellers S``: an estate market, several sellers and buyers that pin
them all (docs/market.md).

Each seller is a node of its own (its LND, identity, ledger, meters and relays on a bus
of its own); each buyer pins every seller (``[[sellers]]``, one feed each into its
circuit, served by :mod:`gridnode.demo.feeds`) and buys each market period from the best.
The rate profiles are time-scaled so the choice changes within a few minutes: seller 1
is "solar", cheapest at a midday that comes round every :data:`DAY_MINUTES` minutes (the
first one about two minutes after the start); the others are flat, between its extremes.
``--fail-seller N:S`` stops seller N S seconds into the run, to show a failover.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.demo import bus, configs
from gridnode.demo.feeds import feed_name
from gridnode.demo.launch import launch, start_circuit, start_network
from gridnode.demo.market_summary import market_figures
from gridnode.demo.run import DemoHarness, DemoOptions, Parts, Say, run_harness
from gridnode.demo.stopping import Begun
from gridnode.demo.summary import summarize
from gridnode.demo.tenants import buyer_gap_ms, payer_of
from gridnode.errors import UsageError
from gridnode.regtest.daemons import LndNode
from gridnode.regtest.lifetime import StopSignals

#: A time-scaled day: the solar seller's price goes round from dear to cheap and back
#: in this many minutes.
DAY_MINUTES = 8
#: The solar seller's price at its midday, and the flat sellers' price (msat per kWh).
SOLAR_MIDDAY, FLAT = 100_000, 180_000


@dataclass
class EstateOptions(DemoOptions):
    sellers: int = 2
    #: (seller, seconds): stop that seller (1-based) that far into the run
    fail_seller: tuple[int, float] | None = None


@dataclass
class EstateParts(Parts):
    sellers: list[configs.NodeFiles] = field(default_factory=list)
    #: the sellers stopped on purpose, with the wall time they were stopped at
    failed: dict[str, float] = field(default_factory=dict)


def estate_options(options: DemoOptions, sellers: int, fail_seller: str | None) -> EstateOptions:
    """The demo's options with ``--sellers`` and ``--fail-seller N:SECONDS``; what the
    estate demo does not have (a seller's bias, sags, three phases, smart loads, sellers
    metering for their buyers) is refused with the fix."""
    if sellers < 2:
        raise UsageError(f"--fail-seller needs --sellers 2 or more (there is {sellers}).")
    unsupported = given_flags(options, REFUSED)
    if unsupported:
        raise UsageError(
            f"{', '.join(unsupported)} cannot be used with --sellers {sellers} yet; "
            "leave it out, or run the demo with one seller."
        )
    fail = None
    if fail_seller is not None:
        index, _, at = fail_seller.partition(":")
        if not (index.isdigit() and 1 <= int(index) <= sellers and _seconds(at) is not None):
            raise UsageError(
                f"--fail-seller takes N:SECONDS with N from 1 to {sellers}, like 1:120, "
                f"not {fail_seller!r}."
            )
        fail = (int(index), float(at))
    values = {f.name: getattr(options, f.name) for f in dataclasses.fields(options)}
    return EstateOptions(**values, sellers=sellers, fail_seller=fail)


#: What the estate demo refuses (:func:`estate_options`).
REFUSED: tuple[str, ...] = ("--seller-bias", "--sag", "--three-phase", "--smart-loads")
REFUSED += ("--seller-metered", "--stall", "--bus-baud")


def given_flags(options: DemoOptions, flags: Sequence[str]) -> list[str]:
    """Which of ``flags`` (options of the plain demo that an estate demo refuses) were
    given, in the order of ``flags``."""
    given = {
        "--seller-bias": options.seller_bias,
        "--sag": options.sags,
        "--three-phase": options.terms.three_phase,
        "--smart-loads": options.smart_loads,
        "--seller-metered": options.seller_metered,
        "--stall": options.stall,
        "--bus-baud": options.bus_baud,
        "--payers": options.payers,
    }
    return [flag for flag in flags if given[flag]]


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def run_estate_demo(options: EstateOptions, say: Say) -> dict[str, object]:
    """As :func:`gridnode.demo.run.run_demo`, with several sellers."""
    return run_harness(EstateHarness(options, say))


class EstateHarness(DemoHarness):
    """The estate demo's parts (the end-to-end tests use it as they use the demo's)."""

    options: EstateOptions
    parts: EstateParts | None

    def __init__(self, options: EstateOptions, say: Say) -> None:
        super().__init__(options, say)
        self.options = options

    def start_parts(self, begun: Begun) -> EstateParts:
        return _start(self.root, self.options, self.say, begun)

    async def watch(self, seconds: float | None, stops: StopSignals | None = None) -> None:
        failing = asyncio.create_task(self._fail_seller())
        try:
            await super().watch(seconds, stops)
        finally:
            failing.cancel()

    async def _fail_seller(self) -> None:
        """``--fail-seller N:S``: stop seller N S seconds into the run (once)."""
        parts, fail = self.parts, self.options.fail_seller
        if parts is None or fail is None or parts.failed:
            return
        index, at_s = fail
        await asyncio.sleep(max(0.0, self.started + at_s - time.time()))
        self.say(f"stopping seller-{index} at {at_s:g} s to show the buyers fail over")
        await asyncio.to_thread(self.fail_seller, index)

    def fail_seller(self, index: int) -> None:
        """Stop seller ``index`` (1-based) cleanly (SIGTERM), as its owner switching it
        off would; the watcher does not take it for a crash."""
        assert self.parts is not None
        name = self.parts.sellers[index - 1].name
        self.parts.paused[name] = True
        self.parts.failed[name] = time.time()
        self.parts.processes[name].stop()

    def summary(self) -> dict[str, object]:
        summary = super().summary()
        parts = self.parts
        assert parts is not None
        nodes = [*parts.sellers, *parts.buyers]
        summary["fingerprints"] = {f.name: f.identity.fingerprint for f in nodes}
        summary["sellers"] = [f.name for f in parts.sellers]
        summary["failed_sellers"] = {n: round(t - self.started, 1) for n, t in parts.failed.items()}
        figures, overlaps = market_figures(
            self.root / "circuit.json", parts.sellers, parts.buyers, parts.failed
        )
        summary["feed_overlaps"] = overlaps
        # the seller figures of the base summary are seller 1's: add the others'
        for files in parts.sellers[1:]:
            other = summarize(self.root, files, [], self.sampler, self.started, self.options.terms)
            for key in ("invoices", "renewals", "relay_switches"):
                summary[key] = int(str(summary[key])) + int(str(other[key]))
            for key in ("breaches", "faults"):
                summary[key] = [*_listed(summary[key]), *_listed(other[key])]
        accounts = summary["buyers"]
        assert isinstance(accounts, dict)
        for name, market in figures.items():
            accounts.setdefault(name, {})["market"] = market
        return summary


def _listed(value: object) -> list[object]:
    assert isinstance(value, list)
    return value


def _start(root: Path, options: EstateOptions, say: Say, begun: Begun) -> EstateParts:
    say(f"demo files in {root} (an estate: {options.sellers} sellers)")
    payers = min(options.payers or options.buyers, options.buyers)
    network = start_network(
        root,
        say,
        begun,
        nodes=options.sellers + payers,
        topology=f"star{options.sellers}",  # each seller a channel to each payer
        tied=not options.keep_network,
    )
    circuit, info = _start_circuit(root, options, begun)
    say(f"circuit: seller buses {info['seller_ports']}, buyer buses {info['buyer_ports']}")
    buyers = [configs.prepare_buyer(root, i) for i in range(1, options.buyers + 1)]
    payer_nodes = [
        network.nodes[options.sellers - 1 + payer_of(i, payers)] for i in range(1, len(buyers) + 1)
    ]
    sellers = write_configs(
        root, network.nodes[: options.sellers], payer_nodes, info, buyers, options, say
    )
    parts = EstateParts(network, circuit, info, sellers[0][0], buyers)
    parts.sellers = [files for files, _ in sellers]
    for files in parts.sellers:
        launch(parts, begun, files.name, ["sell", "--config", str(files.config)], files.directory)
    for buyer in buyers:
        launch(parts, begun, buyer.name, ["buy", "--config", str(buyer.config)], buyer.directory)
    say(f"{len(sellers)} sellers and {len(buyers)} buyer(s) started")
    return parts


def write_configs(
    root: Path,
    seller_lnds: Sequence[LndNode],
    payer_lnds: Sequence[LndNode],
    info: dict[str, object],
    buyers: list[configs.NodeFiles],
    options: EstateOptions,
    say: Say,
) -> list[tuple[configs.NodeFiles, str]]:
    """Each seller's configuration (seller 1 solar, the others flat) and each buyer's,
    pinning every seller; returns the sellers' files and listening addresses."""
    midday_ms = _midday_ms(time.time())
    # each seller one bus in the multi-feed circuit, with all its meters and relays
    one_bus = dataclasses.replace(bus.seller_buses(len(buyers)), count=1)
    sellers: list[tuple[configs.NodeFiles, str]] = []
    for s, lnd in enumerate(seller_lnds, start=1):
        ports = info["seller_ports"]
        assert isinstance(ports, list)
        files, listen = configs.write_seller(
            root,
            lnd,
            {**info, "seller_port": ports[s - 1], "seller_ports": [ports[s - 1]]},
            buyers,
            options.terms,
            options.outside,
            [node.pubkey for node in payer_lnds],
            one_bus,
            name=f"seller-{s}",
        )
        set_profile(files.config, solar_profile(midday_ms) if s == 1 else FLAT_PROFILE)
        sellers.append((files, listen))
    for i, buyer in enumerate(buyers, start=1):
        feed = configs.write_buyer(
            buyer,
            i,
            payer_lnds[i - 1],
            info,
            sellers[0][0],
            sellers[0][1],
            options.rate_feed if i == 1 else None,
            options.outside,
            terms=options.terms,
            gap_ms=buyer_gap_ms(options.buyers),
        )
        pins = [
            (f, listen, lnd.pubkey) for (f, listen), lnd in zip(sellers, seller_lnds, strict=True)
        ]
        pin_sellers(buyer.config, i, pins, options.terms.period_s)
        say(f"{buyer.name} pins {len(sellers)} sellers; its live rate on {feed}")
    return sellers


def _start_circuit(
    root: Path, options: EstateOptions, begun: Begun
) -> tuple[subprocess.Popen[str], dict[str, object]]:
    argv = [sys.executable, "-m", "gridnode.demo.feeds", "--sellers", str(options.sellers)]
    argv += ["--buyers", str(options.buyers), "--state", str(root / "circuit.json")]
    argv += ["--load-watts", str(options.load_watts), "--cycling-watts", str(options.cycling_watts)]
    return start_circuit(root, argv, begun)


def _midday_ms(now_s: float) -> int:
    """The solar seller's first midday: the whole minute about two minutes from now."""
    return (int(now_s) // 60 + 2) * 60_000


def solar_profile(midday_ms: int) -> str:
    """A daily table (UTC) whose price falls from the flat sellers' dearest to
    :data:`SOLAR_MIDDAY` and back every :data:`DAY_MINUTES` minutes, the lowest at
    ``midday_ms`` and every scaled day from it."""
    dear = configs.DEAR
    half = DAY_MINUTES // 2
    midday = midday_ms // 60_000 % (24 * 60)
    knots = []
    for minute in range(0, 24 * 60):
        k = (minute - midday) % DAY_MINUTES
        away = min(k, DAY_MINUTES - k)  # minutes from the nearest midday
        price = SOLAR_MIDDAY + (dear - SOLAR_MIDDAY) * away // half
        knots.append(f'["{minute // 60:02d}:{minute % 60:02d}", {price}]')
    return f'kind = "daily"\nzone = "UTC"\nknots = [{", ".join(knots)}]\n'


FLAT_PROFILE = f'kind = "constant"\nprice_msat_per_kwh = {FLAT}\n'


def set_profile(config: Path, profile: str) -> None:
    """Put ``profile`` in the seller's ``[terms.profile]`` table (written by
    :func:`gridnode.demo.configs.write_seller` with the demo's swinging rate)."""
    text = config.read_text()
    pattern = re.compile(r"(\[terms\.profile\]\n)(?:[^\[\n][^\n]*\n)*", re.MULTILINE)
    text, count = pattern.subn(lambda m: m.group(1) + profile + "\n", text, count=1)
    assert count == 1, "the seller's configuration has no [terms.profile] table"
    config.write_text(text)


def pin_sellers(
    config: Path, index: int, sellers: list[tuple[configs.NodeFiles, str, str]], period_s: int
) -> None:
    """Replace the buyer's ``[seller]`` table (written by
    :func:`gridnode.demo.configs.write_buyer`) with a ``[[sellers]]`` entry per seller,
    each on its own feed, and choose once a sale period (``market_period_s``)."""
    text = config.read_text()
    pattern = re.compile(r"\[seller\]\n(?:[^\[\n][^\n]*\n)*", re.MULTILINE)
    entries = []
    for priority, (files, listen, node) in enumerate(sellers, start=1):
        entries += seller_entry(files, listen, node, priority, priority, f"seller-meter-{index}")
    text, count = pattern.subn(lambda _m: "\n".join(entries) + "\n", text, count=1)
    assert count == 1, "the buyer's configuration has no [seller] table"
    top = f"market_period_s = {period_s}  # the estate market chooses once a sale period\n"
    config.write_text(text.replace('role = "buyer"\n', f'role = "buyer"\n{top}', 1))


def seller_entry(
    files: configs.NodeFiles, listen: str, node: str, priority: int, feed: int, meter_id: str
) -> list[str]:
    """A buyer's ``[[sellers]]`` entry for the seller of ``files`` (listening on
    ``listen``, Lightning node ``node``) on the circuit's feed ``feed``, its meter of
    this buyer ``meter_id``."""
    return [
        "[[sellers]]",
        f'name = "{files.name}"',
        f'address = "{listen}"',
        f'fingerprint = "{files.identity.fingerprint}"',
        f'certificate = "{files.identity.certificate_path}"',
        f'lightning_node = "{node}"',
        f"priority = {priority}",
        f'feed = "{feed_name(feed)}"',
        f'seller_meter_id = "{meter_id}"',
        "",
    ]
