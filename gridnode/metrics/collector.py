"""The gauges of a node, rendered from its snapshot at each scrape.

The scrape runs on the HTTP server's thread; it reads the latest
:class:`~gridnode.snapshot.NodeSnapshot` the service stored (a frozen value, safe to read
from any thread) and never touches the node. Session partners are labelled by their
configured name (``partner``), never by a session id, so a label set stays bounded; on a
node on both sides (a battery, a prosumer) they carry the side this node is on in the
session too (``side``: it may sell to and buy from the same partner), while a seller's
and a buyer's series keep the labels they had.
Units follow Prometheus' base units (watts, volts, amperes, joules, bytes, seconds);
money keeps the node's own unit, msat, in the name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    InfoMetricFamily,
    Metric,
)

from gridnode.metrics.battery import book_gauges
from gridnode.snapshot import BUYER, SELLER, NodeSnapshot, SessionView
from gridnode.version import __version__

#: Joules in one mWh.
JOULES_PER_MWH = 3.6


def _gauge(name: str, text: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, text, labels=labels or [])


class SnapshotCollector:
    """A prometheus_client collector over the latest snapshot (None: nothing yet)."""

    def __init__(self, latest: Callable[[], NodeSnapshot | None]) -> None:
        self.latest = latest

    def collect(self) -> Iterator[Metric]:
        snapshot = self.latest()
        if snapshot is None:
            return
        info = InfoMetricFamily("gridnode", "The node's role and version.")
        info.add_metric([], {"role": snapshot.role, "version": __version__})
        yield info
        lnd = _gauge("gridnode_lnd_up", "Whether the node's LND answered its latest health check.")
        lnd.add_metric([], 1.0 if snapshot.lnd_reachable else 0.0)
        yield lnd
        warnings = _gauge("gridnode_warnings", "Things a person should act on, now.")
        warnings.add_metric([], len(snapshot.warnings))
        yield warnings
        if "buyer" in snapshot.role.split("+"):
            paused = _gauge("gridnode_buying_paused", "Whether buying is paused by hand.")
            paused.add_metric([], 1.0 if snapshot.buying_paused else 0.0)
            yield paused
        yield from _sessions(snapshot.sessions, sided=_on_both_sides(snapshot))
        if snapshot.battery is not None:
            yield from book_gauges(snapshot.battery)
        yield from _storage(snapshot)
        yield from _liquidity(snapshot)


def _on_both_sides(snapshot: NodeSnapshot) -> bool:
    return {SELLER, BUYER} <= set(snapshot.role.split("+"))


def _sessions(views: tuple[SessionView, ...], *, sided: bool) -> Iterator[Metric]:
    partner = ["partner", "side"] if sided else ["partner"]
    metered = [*partner, "meter"]
    families = {
        "connected": _gauge(
            "gridnode_peer_connected", "Whether the partner's link is up.", partner
        ),
        "state": _gauge(
            "gridnode_session_state",
            "The partner's session state (1 for the current one).",
            [*partner, "state"],
        ),
        "relay": _gauge("gridnode_relay_on", "Whether the partner's relay is on.", partner),
        "rate": _gauge("gridnode_session_rate_msat_per_kwh", "The session's live rate.", partner),
        "paid": _gauge("gridnode_session_paid_msat", "Paid in the session so far.", partner),
        "cost": _gauge("gridnode_session_cost_msat", "The session's metered cost.", partner),
        "credit": _gauge("gridnode_session_credit_msat", "Paid less the metered cost.", partner),
        "exposure": _gauge(
            "gridnode_session_exposure_msat",
            "A buyer's money paid ahead; a seller's energy delivered unpaid.",
            partner,
        ),
        "exposure_s": _gauge(
            "gridnode_session_exposure_seconds",
            "The exposure as time at the contracted maximum power.",
            partner,
        ),
        "power": _gauge("gridnode_meter_power_watts", "Active power.", metered),
        "voltage": _gauge("gridnode_meter_voltage_volts", "Voltage.", metered),
        "current": _gauge("gridnode_meter_current_amperes", "Current.", metered),
        "phase_voltage": _gauge(
            "gridnode_meter_phase_voltage_volts",
            "A three-phase meter's voltage on each phase.",
            [*metered, "phase"],
        ),
        "phase_current": _gauge(
            "gridnode_meter_phase_current_amperes",
            "A three-phase meter's current on each phase.",
            [*metered, "phase"],
        ),
    }
    energy = CounterMetricFamily(
        "gridnode_meter_import_energy_joules",
        "The meter's import energy register.",
        labels=metered,
    )
    for view in views:
        name = [view.peer_name, view.side] if sided else [view.peer_name]
        families["connected"].add_metric(name, 1.0 if view.peer_connected else 0.0)
        families["state"].add_metric([*name, view.state], 1.0)
        families["relay"].add_metric(name, 1.0 if view.relay_on else 0.0)
        if view.rate_msat_per_kwh is not None:
            families["rate"].add_metric(name, view.rate_msat_per_kwh)
        families["paid"].add_metric(name, view.paid_msat)
        families["cost"].add_metric(name, view.cost_msat)
        families["credit"].add_metric(name, view.credit_msat)
        families["exposure"].add_metric(name, view.exposure_msat)
        families["exposure_s"].add_metric(name, view.exposure_ms / 1000)
        reading = view.reading
        if reading is not None:
            meter = [*name, view.meter_id]
            families["power"].add_metric(meter, reading.power_mw / 1000)
            families["voltage"].add_metric(meter, reading.voltage_mv / 1000)
            families["current"].add_metric(meter, reading.current_ma / 1000)
            for n, volts in enumerate(reading.phase_voltages_mv, start=1):
                families["phase_voltage"].add_metric([*meter, f"L{n}"], volts / 1000)
            for n, amps in enumerate(reading.phase_currents_ma, start=1):
                families["phase_current"].add_metric([*meter, f"L{n}"], amps / 1000)
            energy.add_metric(meter, reading.energy_total_mwh * JOULES_PER_MWH)
    yield from families.values()
    yield energy


def _storage(snapshot: NodeSnapshot) -> Iterator[Metric]:
    storage = snapshot.storage
    if storage is None:
        return
    figures = [
        ("gridnode_ledger_size_bytes", "The ledger with its WAL.", storage.ledger_bytes),
        ("gridnode_lnd_data_size_bytes", "LND's data folder.", storage.lnd_bytes),
        ("gridnode_storage_free_bytes", "Free space where the files grow.", storage.free_bytes),
        (
            "gridnode_storage_growth_bytes_per_day",
            "Net growth of the ledger and LND per day.",
            storage.growth_bytes_per_day,
        ),
        (
            "gridnode_storage_budget_bytes_per_day",
            "The configured storage budget.",
            storage.budget_bytes_per_day,
        ),
    ]
    if storage.growth_bytes_per_day is not None:
        headroom = storage.budget_bytes_per_day - storage.growth_bytes_per_day
        figures.append(
            (
                "gridnode_storage_budget_headroom_bytes_per_day",
                "The budget less the growth (below 0: over budget).",
                headroom,
            )
        )
    for name, text, value in figures:
        if value is not None:
            gauge = _gauge(name, text)
            gauge.add_metric([], value)
            yield gauge


def _liquidity(snapshot: NodeSnapshot) -> Iterator[Metric]:
    liquidity = snapshot.liquidity
    if liquidity is None:
        return
    sendable = _gauge(
        "gridnode_lightning_sendable_msat", "What the channels can still pay (local balance)."
    )
    sendable.add_metric([], liquidity.sendable_msat)
    receivable = _gauge(
        "gridnode_lightning_receivable_msat",
        "What the channels can still receive (remote balance): a seller's headroom.",
    )
    receivable.add_metric([], liquidity.receivable_msat)
    yield sendable
    yield receivable
