"""Each trading partner as a plain :class:`~gridnode.snapshot.SessionView`.

The node's snapshot is made of these; they copy values out of the live session and its
runner, so whoever renders a snapshot (the status socket, the rate feed) holds nothing of
the node and never sees it change under it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from gridnode.hardware.sample import MeterSample
from gridnode.node.runner import SessionRunner
from gridnode.snapshot import (
    BUYER,
    SELLER,
    BreachEvent,
    MeterReading,
    MoneyEvent,
    SessionView,
    Terms,
)
from gridnode.trade.seller_metered import SELLER_METERED_ID
from gridnode.trade.terms import Offer

if TYPE_CHECKING:
    from gridnode.node.metering import MeterPoller
    from gridnode.node.partner import Partner
    from gridnode.node.seller_partner import SellerPartner
    from gridnode.node.seller_slot import BuyerSlot

#: How many of a session's latest notes a snapshot carries.
NOTES_SHOWN = 5


def _waiting(partner: Partner, poller: MeterPoller | None, state: str, side: str) -> SessionView:
    """A partner with no session (yet): its link and its meter (none for a buyer that
    pays on the seller's meter alone), and which side of it this node is on."""
    return SessionView(
        side=side,
        peer_name=partner.name,
        peer_fingerprint=partner.peer.fingerprint,
        peer_connected=partner.link.up,
        meter_id=poller.name if poller is not None else SELLER_METERED_ID,
        state=state,
        reading=_reading(poller.last) if poller is not None else None,
    )


def seller_view(slot: BuyerSlot, now_ms: int) -> SessionView:
    waiting = "removed: leaving" if slot.removed else "waiting for the buyer"
    base = _waiting(slot, slot.poller, waiting, SELLER)
    runner, session = slot.live, slot.session
    if runner is None or session is None:
        return base
    credit = int(session.credit)
    return _with_runner(
        base,
        runner,
        session.offer,
        state=session.state.value,
        paid_msat=session.billing.paid.msat,
        cost_msat=int(session.meter.cost_msat),
        credit_msat=credit,
        exposure_msat=max(0, -credit),
        energy_period_mwh=session.meter.energy_mwh,
        relay_on=runner.relay_on,
    )


def buyer_view(partner: SellerPartner, poller: MeterPoller | None, now_ms: int) -> SessionView:
    if partner.paused and partner.live is None:  # the last session is over: say why
        return _waiting(partner, poller, "buying paused", BUYER)
    base = _waiting(partner, poller, "waiting for an offer", BUYER)
    runner, session = partner.runner, partner.session
    if runner is None or session is None:
        return base
    paid = session.payments.committed.msat
    cost = int(session.meter.cost_msat)
    view = _with_runner(
        base,
        runner,
        session.offer,
        state=session.state.value,
        paid_msat=paid,
        cost_msat=cost,
        credit_msat=paid - cost,
        exposure_msat=int(session.paid_ahead(now_ms)),
        energy_period_mwh=session.meter.energy_mwh,
        relay_on=False,
    )
    return _with_exposure_ms(view)


def _with_runner(
    base: SessionView,
    runner: SessionRunner,
    offer: Offer | None,
    *,
    state: str,
    paid_msat: int,
    cost_msat: int,
    credit_msat: int,
    exposure_msat: int,
    energy_period_mwh: int,
    relay_on: bool,
) -> SessionView:
    terms = None
    if offer is not None:
        terms = Terms(
            period_start_ms=offer.start_ms,
            period_stop_ms=offer.stop_ms,
            max_power_mw=offer.electrical.max_power_mw,
            profile=offer.profile,
        )
    notes = runner.notes
    shown = list(notes)[-NOTES_SHOWN:]
    return SessionView(
        side=base.side,
        peer_name=base.peer_name,
        peer_fingerprint=base.peer_fingerprint,
        peer_connected=base.peer_connected,
        meter_id=base.meter_id,
        reading=base.reading,
        state=state,
        session_id=runner.session_id,
        relay_on=relay_on,
        rate_msat_per_kwh=runner.rate_msat_per_kwh,
        paid_msat=paid_msat,
        cost_msat=cost_msat,
        credit_msat=credit_msat,
        exposure_msat=exposure_msat,
        energy_period_mwh=energy_period_mwh,
        terms=terms,
        cause=notes[-1] if notes else "",
        notes=tuple(shown),
        notes_total=runner.notes_total,
        recent=tuple(
            MoneyEvent(
                kind=r.kind.value,
                payment_hash=r.payment_hash,
                amount_msat=r.amount.msat if r.amount is not None else 0,
                status=r.text,
                at_ms=r.at_ms,
            )
            for r in reversed(runner.recent)
        ),
        breaches=tuple(BreachEvent(r.text, r.at_ms) for r in runner.breaches),
    )


def _with_exposure_ms(view: SessionView) -> SessionView:
    """The paid-ahead amount as time at the contracted maximum power and today's rate:
    msat / (msat/kWh) = kWh; x 1e6 = mWh; / mW = h; x 3.6e6 = ms."""
    rate = view.rate_msat_per_kwh or 0
    power = view.terms.max_power_mw if view.terms is not None else 0
    if view.exposure_msat <= 0 or rate <= 0 or power <= 0:
        return view
    exposure_ms = view.exposure_msat * 1_000_000 * 3_600_000 // (rate * power)
    return dataclasses.replace(view, exposure_ms=exposure_ms)


def _reading(sample: MeterSample | None) -> MeterReading | None:
    if sample is None:
        return None
    return MeterReading(
        voltage_mv=sample.voltage_mv,
        current_ma=sample.current_ma,
        power_mw=sample.power_mw,
        energy_total_mwh=sample.import_energy_mwh,
        at_ms=int(sample.timestamp.timestamp() * 1000),
        phase_voltages_mv=tuple(p.voltage_mv for p in sample.phases),
        phase_currents_ma=tuple(p.current_ma for p in sample.phases),
    )
