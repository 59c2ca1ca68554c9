"""The estate demo's circuits: each buyer's circuit fed by several sellers.

``python -m gridnode.demo.feeds --sellers S --buyers N`` (the circuit process of
``gridnode demo --sellers S``, beside :mod:`gridnode.demo.circuit`) builds, for each buyer, one
feed per seller (a :class:`~gridnode.hardware.sim.circuit.Circuit` with that seller's
relay, sharing the buyer's loads) and serves:

- one bus per seller: meter ``i`` (address ``i``) on its feed into buyer ``i``'s circuit
  and a relay board (address ``100 + i``, coil 0 the feed's relay, coil 1 the watchdog
  kick), each seller with a watchdog of its own (a stopped seller's feeds drop alone);
- one bus per buyer with its own meter (address 1) behind every feed: it reads the sum.

Each buyer's circuit checks its own invariant on every switch and logs it: **never two
feeds closed on one circuit at once** (a line ``circuit buyer-N: two feeds closed at
once`` on stderr, and ``overlaps`` in the state JSON, which must stay 0). Each switch is
kept with its feed in ``feed_timeline``, from which the summary takes the gaps without
supply at a switch.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.demo.circuit import RELAY_BASE, Estate, serve_estate
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.circuit import (
    Circuit,
    MeterError,
    SimClock,
    SimMeter,
    SimWatchdog,
    Supply,
    TrueReading,
)
from gridnode.hardware.sim.loads import ConstantLoad, CyclingLoad, Load
from gridnode.hardware.sim.slave import Device, MeterDevice, PtySlave, RelayBoardDevice

__all__ = ["FeedEstate", "MultiFeedCircuit", "build_feed_estate", "feed_name"]


def feed_name(seller: int) -> str:
    """The feed seller ``seller`` (1-based) arrives on, as the buyers' configs name it."""
    return f"seller-{seller}"


class MultiFeedCircuit(Circuit):
    """A buyer's circuit behind several feeds: what its own meter sees is the sum of the
    feeds (one closed at a time, when all is well). Its relays are the feeds' own."""

    def __init__(self, name: str, feeds: dict[str, Circuit]) -> None:
        first = next(iter(feeds.values()))
        super().__init__(first.supply, first.loads, phases=first.phases, clock=first.clock)
        self.name = name
        self.feeds = feeds
        self.overlaps = 0
        #: (wall s, feed, closed) for every switch of any feed
        self.feed_timeline: list[tuple[float, str, bool]] = []
        self._check = threading.Lock()
        for feed, circuit in feeds.items():
            circuit.relay_listeners.append(functools.partial(self._switched, feed))

    def closed(self) -> list[str]:
        return [name for name, circuit in self.feeds.items() if circuit.relay_on]

    def _switched(self, feed: str, on: bool) -> None:
        with self._check:
            self.feed_timeline.append((time.time(), feed, on))
            closed = self.closed()
            if len(closed) > 1:
                self.overlaps += 1
                print(
                    f"circuit {self.name}: two feeds closed at once: {', '.join(closed)}",
                    file=sys.stderr,
                    flush=True,
                )

    @property
    def relay_on(self) -> bool:
        return bool(self.closed())

    def set_relay(self, on: bool) -> None:
        raise RuntimeError(f"{self.name} has no relay of its own: switch one of its feeds")

    def kick_watchdog(self) -> None:
        """Nothing: each feed's seller kicks its own watchdog."""

    def reading(self) -> TrueReading:
        readings = [circuit.reading() for circuit in self.feeds.values()]
        live = [r for r in readings if r.relay_on]
        shown = live[0] if live else readings[0]
        phases = range(len(shown.powers_w))
        return TrueReading(
            t_s=shown.t_s,
            voltages_v=shown.voltages_v,
            currents_a=tuple(sum(r.currents_a[n] for r in live) for n in phases),
            powers_w=tuple(sum(r.powers_w[n] for r in live) for n in phases),
            frequency_hz=shown.frequency_hz,
            import_mwh=sum(r.import_mwh for r in readings),
            export_mwh=sum(r.export_mwh for r in readings),
            relay_on=bool(live),
            phase_import_mwh=tuple(
                sum(r.phase_import_mwh[n] for r in readings)
                for n in range(len(shown.phase_import_mwh))
            ),
        )


@dataclass
class FeedEstate(Estate):
    """The circuits of an estate with several sellers: ``circuits`` are the buyers'
    (each a :class:`MultiFeedCircuit`), ``seller_buses`` one bus per seller (its
    ``seller_ports`` in :meth:`describe`)."""

    def describe(self) -> dict[str, object]:
        described = super().describe()
        described["feeds"] = [feed_name(s + 1) for s in range(len(self.seller_buses))]
        return described

    def state(self) -> dict[str, object]:
        circuits: list[dict[str, object]] = []
        for circuit in self.circuits:
            assert isinstance(circuit, MultiFeedCircuit)
            reading = circuit.reading()
            circuits.append(
                {
                    "relay_on": reading.relay_on,
                    "import_mwh": reading.import_mwh,
                    "power_w": sum(reading.powers_w),
                    "voltage_v": reading.voltages_v[0],
                    "feeds": {name: feed.relay_on for name, feed in circuit.feeds.items()},
                    "feed_import_mwh": {
                        name: feed.reading().import_mwh for name, feed in circuit.feeds.items()
                    },
                    "feed_timeline": list(circuit.feed_timeline),
                    "overlaps": circuit.overlaps,
                }
            )
        overlaps = sum(int(str(c["overlaps"])) for c in circuits)
        return {"at": time.time(), "circuits": circuits, "overlaps": overlaps, "smart_loads": {}}


def build_feed_estate(
    sellers: int,
    buyers: int,
    *,
    load_watts: float = 2300.0,
    cycling_watts: float = 1000.0,
    time_scale: float = 1.0,
    watchdog_timeout_s: float | None = 3.0,
    cycle: tuple[float, float, float] | None = None,
) -> FeedEstate:
    """``buyers`` circuits, each with a feed from each of ``sellers`` sellers."""
    clock = SimClock(time_scale)
    profile = load_profile("sdm120")
    watchdogs = [SimWatchdog(watchdog_timeout_s) for _ in range(sellers)]
    devices: list[dict[int, Device]] = [{} for _ in range(sellers)]
    circuits: list[Circuit] = []
    buyer_buses: list[PtySlave] = []
    for i in range(buyers):
        loads: list[Load] = [ConstantLoad(load_watts)]
        if cycling_watts:
            on_s, off_s, offset_s = cycle or (90.0, 60.0, 37.0 * i)
            loads.append(CyclingLoad(cycling_watts, on_s=on_s, off_s=off_s, offset_s=offset_s))
        feeds: dict[str, Circuit] = {}
        for s in range(sellers):
            feed = Circuit(Supply(noise_v=0.3), loads, clock=clock, seed=100 * s + i)
            feed.watchdog = watchdogs[s]
            feeds[feed_name(s + 1)] = feed
            meter = SimMeter(feed, MeterError(), serial_number=10_000 * (s + 1) + i + 1)
            devices[s][i + 1] = MeterDevice(meter, profile)
            devices[s][RELAY_BASE + i + 1] = RelayBoardDevice(feed)
        circuit = MultiFeedCircuit(f"buyer-{i + 1}", feeds)
        circuits.append(circuit)
        own = SimMeter(circuit, MeterError(), serial_number=90_000 + i + 1, seed=90_000 + i)
        buyer_buses.append(PtySlave({1: MeterDevice(own, profile)}))
    seller_buses = [PtySlave(d) for d in devices]
    return FeedEstate(circuits, seller_buses, buyer_buses, [[] for _ in circuits])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gridnode.demo.feeds",
        description="Serve an estate's circuits, each fed by several sellers, on pseudo-terminals.",
        epilog="Example: python -m gridnode.demo.feeds --sellers 2 --buyers 3 --state /tmp/s.json",
    )
    parser.add_argument("--sellers", type=int, default=2)
    parser.add_argument("--buyers", type=int, default=1)
    parser.add_argument("--load-watts", type=float, default=2300.0)
    parser.add_argument("--cycling-watts", type=float, default=1000.0)
    parser.add_argument("--watchdog-timeout", type=float, default=3.0)
    parser.add_argument("--state", type=Path, default=None, help="rewrite this JSON every 0.5 s")
    args = parser.parse_args(argv)
    estate = build_feed_estate(
        args.sellers,
        args.buyers,
        load_watts=args.load_watts,
        cycling_watts=args.cycling_watts,
        watchdog_timeout_s=args.watchdog_timeout or None,
    )
    serve_estate(estate, args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
