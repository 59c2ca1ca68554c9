"""Snapshots of a running node for the status socket (what the dashboard shows)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from gridnode.identity import NodeIdentity
from gridnode.status.pb import status_pb2 as pb
from gridnode.trade.profiles import RateProfile

if TYPE_CHECKING:
    from gridnode.node.buyer_node import BuyerNode
    from gridnode.node.runner import SessionRunner
    from gridnode.node.seller_node import BuyerSlot, SellerNode


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def seller_status(node: SellerNode, identity: NodeIdentity) -> pb.NodeStatus:
    status = pb.NodeStatus(
        role="seller",
        fingerprint=identity.fingerprint,
        at_ms=_now_ms(),
        lnd_reachable=True,
        control_allowed=node.allow_control,
        ledger_path=str(node.settings.ledger),
    )
    for slot in node.slots.values():
        status.sessions.append(_slot_status(slot, status.at_ms))
        if slot.poller.last_error:
            status.warnings.append(f"meter {slot.entry.meter}: {slot.poller.last_error}")
    if node.pruner is not None:
        status.warnings.extend(node.pruner.warnings)
    if node.clock_gate.warning:
        status.warnings.append(node.clock_gate.warning)
    return status


def _slot_status(slot: BuyerSlot, status_at_ms: int) -> pb.SessionStatus:
    entry = pb.SessionStatus(
        meter_id=slot.entry.meter,
        peer_name=slot.entry.name,
        peer_fingerprint=slot.peer.fingerprint,
        peer_connected=slot.link.up,
        state="waiting for the buyer",
    )
    sample = slot.poller.last
    if sample is not None:
        entry.voltage_mv = sample.voltage_mv
        entry.current_ma = sample.current_ma
        entry.power_mw = sample.power_mw
        entry.energy_total_mwh = sample.import_energy_mwh
        entry.reading_at_ms = int(sample.timestamp.timestamp() * 1000)
    runner, session = slot.runner, slot.session
    if runner is not None and session is not None:
        entry.session_id = runner.session_id
        entry.state = session.state.value
        entry.relay_on = runner.relay_on
        entry.rate_msat_per_kwh = runner.rate_msat_per_kwh or 0
        entry.credit_msat = int(session.credit)
        entry.paid_msat = session.billing.paid.msat
        entry.cost_msat = int(session.meter.cost_msat)
        entry.energy_period_mwh = session.meter.energy_mwh
        _forecast(entry, session.offer.profile, status_at_ms)
        entry.period_start_ms = session.offer.start_ms
        entry.period_stop_ms = session.offer.stop_ms
        entry.max_power_mw = session.offer.electrical.max_power_mw
        entry.exposure_msat = max(0, -int(session.credit))
        if runner.notes:
            entry.cause = runner.notes[-1]
        entry.notes.extend(runner.notes[-NOTES_SHOWN:])
        entry.notes_total = len(runner.notes)
        _money_and_breaches(entry, runner)
    return entry


def buyer_status(node: BuyerNode, identity: NodeIdentity) -> pb.NodeStatus:
    status = pb.NodeStatus(
        role="buyer",
        fingerprint=identity.fingerprint,
        at_ms=_now_ms(),
        lnd_reachable=True,
        ledger_path=str(node.settings.ledger),
    )
    entry = pb.SessionStatus(peer_name="seller", state="waiting for an offer")
    if node.peer is not None:
        entry.peer_fingerprint = node.peer.fingerprint
    if node.client is not None:
        entry.peer_connected = node.client.link.up
    poller = node.poller
    if poller is not None:
        entry.meter_id = poller.name
    if poller is not None and poller.last is not None:
        sample = poller.last
        entry.voltage_mv = sample.voltage_mv
        entry.current_ma = sample.current_ma
        entry.power_mw = sample.power_mw
        entry.energy_total_mwh = sample.import_energy_mwh
        entry.reading_at_ms = int(sample.timestamp.timestamp() * 1000)
        if poller.last_error:
            status.warnings.append(f"meter: {poller.last_error}")
    if node.pruner is not None:
        status.warnings.extend(node.pruner.warnings)
    if node.clock_gate.warning:
        status.warnings.append(node.clock_gate.warning)
    hold = node.hold()
    if hold is not None and hold.holds(status.at_ms):
        status.warnings.append(f"refusing the seller's offers: {hold.describe()}")
    runner, session = node.runner, node.session
    if runner is not None and session is not None:
        entry.session_id = runner.session_id
        entry.state = session.state.value
        entry.rate_msat_per_kwh = node.rates.rate_msat_per_kwh or 0
        entry.exposure_msat = int(session.paid_ahead(_now_ms()))
        entry.paid_msat = session.committed.msat
        entry.cost_msat = int(session.meter.cost_msat)
        entry.energy_period_mwh = session.meter.energy_mwh
        entry.credit_msat = entry.paid_msat - entry.cost_msat
        if session.offer is not None:
            entry.period_start_ms = session.offer.start_ms
            entry.period_stop_ms = session.offer.stop_ms
            entry.max_power_mw = session.offer.electrical.max_power_mw
            _forecast(entry, session.offer.profile, status.at_ms)
        entry.exposure_ms = _exposure_ms(entry)
        if runner.notes:
            entry.cause = runner.notes[-1]
        entry.notes.extend(runner.notes[-NOTES_SHOWN:])
        entry.notes_total = len(runner.notes)
        _money_and_breaches(entry, runner)
    status.sessions.append(entry)
    return status


def _exposure_ms(entry: pb.SessionStatus) -> int:
    """The paid-ahead amount as time at the contracted maximum power and today's rate:
    msat / (msat/kWh) = kWh; x 1e6 = mWh; / mW = h; x 3.6e6 = ms."""
    if entry.exposure_msat <= 0 or entry.rate_msat_per_kwh <= 0 or entry.max_power_mw <= 0:
        return 0
    return (
        entry.exposure_msat
        * 1_000_000
        * 3_600_000
        // (entry.rate_msat_per_kwh * entry.max_power_mw)
    )


#: How many of a session's latest notes a snapshot carries.
NOTES_SHOWN = 5

#: The rate profile ahead, as the dashboard plots it: points on a fixed grid (so the
#: profile's memoised price_at answers most of them) over the next five minutes.
FORECAST_STEP_MS = 15_000
FORECAST_POINTS = 21


def _forecast(entry: pb.SessionStatus, profile: RateProfile, now_ms: int) -> None:
    first = now_ms // FORECAST_STEP_MS * FORECAST_STEP_MS
    for k in range(FORECAST_POINTS):
        at_ms = first + k * FORECAST_STEP_MS
        rate = int(profile.price_at(at_ms))
        entry.forecast.append(pb.RatePoint(at_ms=at_ms, rate_msat_per_kwh=rate))


def _money_and_breaches(entry: pb.SessionStatus, runner: SessionRunner) -> None:
    """The runner's latest invoices, payments and deposits, and every breach."""
    for record in reversed(runner.recent):
        entry.recent.append(
            pb.PaymentInfo(
                payment_hash=record.payment_hash,
                amount_msat=record.amount.msat if record.amount is not None else 0,
                kind=record.kind.value,
                status=record.text,
                at_ms=record.at_ms,
            )
        )
    for record in runner.breaches:
        entry.breaches.append(pb.Breach(kind="breach", text=record.text, at_ms=record.at_ms))
