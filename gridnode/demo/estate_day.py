"""``gridnode demo --estate``: a simulated day on an estate, in a few minutes (issue 22 §4,
docs/battery.md).

Three sellers, each a node of its own: the PV (cheap at midday, nothing in the dark),
the grid connection (a time-of-use tariff, dear at the evening peak) and the battery
node (``gridnode battery``: it sells to the households at the price its charge gives,
and buys from the PV and the grid below its bid, its inverter in the simulated circuit).
Three households pin all three and buy each period from the best; the first has smart
loads switched from its live rate. The day is :mod:`gridnode.demo.day`'s, one minute a
part; the circuit is :mod:`gridnode.demo.day_circuit`'s; the summary adds the battery's
day and each household's cost against the grid alone (:mod:`gridnode.demo.day_summary`).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gridnode.demo import configs
from gridnode.demo.day import Day
from gridnode.demo.day_circuit import BATTERY, GRID, PV, BatteryModel
from gridnode.demo.day_nodes import SMART_BAND, make_battery, write_households, write_sellers
from gridnode.demo.day_summary import battery_figures, household_costs
from gridnode.demo.estate import EstateHarness, EstateOptions, EstateParts, given_flags
from gridnode.demo.launch import launch, start_circuit, start_network
from gridnode.demo.run import DemoOptions, Say, run_harness
from gridnode.demo.stopping import Begun
from gridnode.errors import UsageError
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.files import write_receipts
from gridnode.regtest.daemons import LndNode
from gridnode.regtest.network import RegtestNetwork

#: The households (each with its own payer LND).
HOUSEHOLDS = 3
#: What the estate day refuses (:func:`day_options`; it has smart loads of its own).
REFUSED: tuple[str, ...] = ("--seller-bias", "--sag", "--three-phase", "--seller-metered")
REFUSED += ("--stall", "--bus-baud", "--payers")


@dataclass
class DayOptions(EstateOptions):
    #: the scaled day's length (one of :data:`gridnode.demo.day.DAYS`)
    day_minutes: int = 6
    model: BatteryModel = field(default_factory=BatteryModel)


@dataclass
class DayParts(EstateParts):
    battery: configs.NodeFiles | None = None
    day: Day | None = None


class DayNetwork(RegtestNetwork):
    """The estate's channels: each seller (the PV, the grid, the battery) to each
    household's LND (``star3``), and the battery to the PV and to the grid, so every
    payment is one hop (a demo payment is smaller than a hop's fee)."""

    def channel_pairs(self) -> list[tuple[LndNode, LndNode]]:
        pairs = super().channel_pairs()
        pv, grid, battery = self.nodes[:3]
        return [*pairs, (battery, pv), (battery, grid)]


def day_options(options: DemoOptions, day_minutes: int) -> DayOptions:
    """The demo's options for ``--estate``; what the day does not have is refused."""
    unsupported = given_flags(options, REFUSED)
    if unsupported:
        raise UsageError(
            f"{', '.join(unsupported)} cannot be used with --estate; leave it out, or run "
            "the demo without --estate."
        )
    Day.starting(day_minutes, 0.0)  # refuses a length it has no day for
    values = {f.name: getattr(options, f.name) for f in dataclasses.fields(options)}
    values.update(buyers=HOUSEHOLDS, smart_loads=True)
    return DayOptions(**values, sellers=3, day_minutes=day_minutes)


class DayHarness(EstateHarness):
    """The estate day's parts (its regtest test uses it as the estate test does)."""

    options: DayOptions
    parts: DayParts | None

    def __init__(self, options: DayOptions, say: Say) -> None:
        super().__init__(options, say)
        self.options = options
        self.battery_receipts: list[Path] = []

    def start_parts(self, begun: Begun) -> DayParts:
        return _start(self.root, self.options, self.say, begun)

    def day_over_s(self) -> float:
        """Seconds from now to the end of the first whole day."""
        assert self.parts is not None and self.parts.day is not None
        day = self.parts.day
        return max(0.0, (day.dawn_ms + day.length_ms) / 1000 - time.time())

    def write_receipts(self) -> list[Path]:
        written = super().write_receipts()
        battery = self.parts.battery if self.parts else None
        if battery is None or not battery.ledger.exists():
            return written
        try:
            self.battery_receipts = write_receipts(battery.ledger, self.root / "receipts-battery")
        except ReceiptError as exc:
            self.say(f"no receipts from the battery: {exc}")
            self.battery_receipts = []
        return written + self.battery_receipts

    def summary(self) -> dict[str, object]:
        summary = super().summary()
        parts = self.parts
        assert parts is not None and parts.day is not None
        day = parts.day
        summary["day"] = {
            "minutes": len(day.parts),
            "parts": list(day.parts),
            "dawn": datetime.fromtimestamp(day.dawn_ms / 1000, UTC).isoformat(),
        }
        state_path = self.root / "circuit.json"
        state = json.loads(state_path.read_text()) if state_path.is_file() else {}
        battery = state.get("battery")
        if isinstance(battery, dict):
            summary["battery"] = battery_figures(battery, self.battery_receipts)
        accounts = summary["buyers"]
        assert isinstance(accounts, dict)
        costs = household_costs(parts.buyers, day, self._receipts_by_buyer)
        for name, cost in costs.items():
            accounts.setdefault(name, {})["cost"] = cost
        summary["households"] = [b.name for b in parts.buyers]
        return summary


def run_day_demo(options: DayOptions, say: Say) -> dict[str, object]:
    """As :func:`gridnode.demo.estate.run_estate_demo`, for the estate day."""
    return run_harness(DayHarness(options, say))


def _start(root: Path, options: DayOptions, say: Say, begun: Begun) -> DayParts:
    say(f"demo files in {root} (an estate day of {options.day_minutes} minutes)")
    network = start_network(
        root,
        say,
        begun,
        nodes=3 + HOUSEHOLDS,
        topology="star3",
        tied=not options.keep_network,
        kind=DayNetwork,
    )
    circuit, info = _start_circuit(root, options, begun)
    households = [configs.prepare_buyer(root, i) for i in range(1, HOUSEHOLDS + 1)]
    day = Day.starting(options.day_minutes, time.time())
    lnds = network.nodes
    sellers = write_sellers(
        root, lnds[:3], info, households, lnds[3:], options.terms, options.outside, day
    )
    make_battery(sellers[BATTERY], sellers, options.terms, options.model)
    feeds = write_households(
        households, lnds[3:], info, sellers, options.terms, options.outside, options.rate_feed
    )
    parts = DayParts(network, circuit, info, sellers[PV].files, households)
    parts.sellers = [sellers[n].files for n in (PV, GRID, BATTERY)]
    parts.battery, parts.day = sellers[BATTERY].files, day
    for number, command in ((PV, "sell"), (GRID, "sell"), (BATTERY, "battery")):
        files = sellers[number].files
        launch(parts, begun, files.name, [command, "--config", str(files.config)], files.directory)
    for files in households:
        launch(parts, begun, files.name, ["buy", "--config", str(files.config)], files.directory)
    board = info.get("smart_loads")
    if isinstance(board, dict):
        loads = configs.write_loads(households[0], feeds[0], board, SMART_BAND)
        launch(parts, begun, "loads-1", ["loads", "--config", str(loads)], households[0].directory)
    dawn = datetime.fromtimestamp(day.dawn_ms / 1000, UTC).strftime("%H:%M:%S")
    say(f"the day dawns at {dawn} UTC: {', '.join(day.parts)}, a minute each")
    return parts


def _start_circuit(
    root: Path, options: DayOptions, begun: Begun
) -> tuple[subprocess.Popen[str], dict[str, object]]:
    model = json.dumps(dataclasses.asdict(options.model))
    argv = [sys.executable, "-m", "gridnode.demo.day_circuit", "--model", model]
    argv += ["--state", str(root / "circuit.json")]
    return start_circuit(root, argv, begun)
