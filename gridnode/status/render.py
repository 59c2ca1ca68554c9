"""A node snapshot as the status socket's protobuf message (what the dashboard reads).

Rendering is the only place the status protocol meets the node's state, and it takes a
:class:`~gridnode.snapshot.NodeSnapshot` of plain values: the status package imports no
node class.
"""

from __future__ import annotations

from gridnode.snapshot import BatteryView, NodeSnapshot, SessionView
from gridnode.status.pb import status_pb2 as pb

#: The rate profile ahead, as the dashboard plots it: points on a fixed grid (so the
#: profile's memoised price_at answers most of them) over the next five minutes.
FORECAST_STEP_MS = 15_000
FORECAST_POINTS = 21


def node_status(snapshot: NodeSnapshot) -> pb.NodeStatus:
    status = pb.NodeStatus(
        role=snapshot.role,
        fingerprint=snapshot.fingerprint,
        at_ms=snapshot.at_ms,
        lnd_reachable=snapshot.lnd_reachable,
        control_allowed=snapshot.control_allowed,
        ledger_path=snapshot.ledger_path,
    )
    status.warnings.extend(snapshot.warnings)
    for view in snapshot.sessions:
        status.sessions.append(session_status(view, snapshot.at_ms))
    if snapshot.battery is not None:
        status.battery.CopyFrom(battery_status(snapshot.battery))
    return status


def battery_status(book: BatteryView) -> pb.BatteryStatus:
    """A battery's book or a prosumer's surplus; a missing price is 0 with its reason."""
    return pb.BatteryStatus(
        kind=book.kind.value,
        charge_known=book.charge_known,
        capacity_mwh=book.capacity_mwh,
        stored_mwh=book.stored_mwh,
        reserve_mwh=book.reserve_mwh,
        max_mwh=book.max_mwh,
        pledged_sales_mwh=book.pledged_sales_mwh,
        pledged_purchases_mwh=book.pledged_purchases_mwh,
        offer_msat_per_kwh=book.offer_msat_per_kwh or 0,
        offer_energy_mwh=book.offer_energy_mwh,
        not_offering=book.not_offering,
        bid_msat_per_kwh=book.bid_msat_per_kwh or 0,
        not_buying=book.not_buying,
        floor_msat_per_kwh=book.floor_msat_per_kwh,
        surplus_power_mw=book.surplus_power_mw or 0,
        surplus_known=book.surplus_power_mw is not None,
    )


def session_status(view: SessionView, now_ms: int) -> pb.SessionStatus:
    entry = pb.SessionStatus(
        session_id=view.session_id,
        peer_name=view.peer_name,
        peer_fingerprint=view.peer_fingerprint,
        peer_connected=view.peer_connected,
        state=view.state,
        cause=view.cause,
        relay_on=view.relay_on,
        meter_id=view.meter_id,
        rate_msat_per_kwh=view.rate_msat_per_kwh or 0,
        paid_msat=view.paid_msat,
        cost_msat=view.cost_msat,
        credit_msat=view.credit_msat,
        exposure_msat=view.exposure_msat,
        exposure_ms=view.exposure_ms,
        energy_period_mwh=view.energy_period_mwh,
        notes_total=view.notes_total,
        market=view.market,
        market_score_msat=view.market_score_msat or 0,
        market_scored=view.market_score_msat is not None,
        side=view.side,
    )
    entry.notes.extend(view.notes)
    if view.reading is not None:
        entry.voltage_mv = view.reading.voltage_mv
        entry.current_ma = view.reading.current_ma
        entry.power_mw = view.reading.power_mw
        entry.energy_total_mwh = view.reading.energy_total_mwh
        entry.reading_at_ms = view.reading.at_ms
    if view.terms is not None:
        entry.period_start_ms = view.terms.period_start_ms
        entry.period_stop_ms = view.terms.period_stop_ms
        entry.max_power_mw = view.terms.max_power_mw
        first = now_ms // FORECAST_STEP_MS * FORECAST_STEP_MS
        for k in range(FORECAST_POINTS):
            at_ms = first + k * FORECAST_STEP_MS
            rate = int(view.terms.profile.price_at(at_ms))
            entry.forecast.append(pb.RatePoint(at_ms=at_ms, rate_msat_per_kwh=rate))
    for event in view.recent:
        entry.recent.append(
            pb.PaymentInfo(
                payment_hash=event.payment_hash,
                amount_msat=event.amount_msat,
                kind=event.kind,
                status=event.status,
                at_ms=event.at_ms,
            )
        )
    for breach in view.breaches:
        entry.breaches.append(pb.Breach(kind="breach", text=breach.text, at_ms=breach.at_ms))
    return entry
