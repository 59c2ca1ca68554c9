"""Resuming a seller session after a restart (DESIGN.md invariant 3).

On start-up the relay is off until a session proves, from the ledger and the wallet, that
the buyer is paid up. The ledger supplies :class:`SellerLedgerFacts` (what was agreed,
which invoices belong to the session, the energy and cost already billed, the sequence
numbers); the wallet proves the money by replaying its facts as ordinary events
(``HoldInvoiceAccepted`` for the deposit, ``InvoiceSettled`` for each prepayment: LND's
SubscribeInvoices replays settlements from a settle index). Nothing counts as credit or
as a locked deposit until the wallet has said so again, so the ordinary relay rule keeps
power off until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from gridnode.money import Msat
from gridnode.ocmf import ClockStatus, SeriesState
from gridnode.trade.actions import Action, LedgerKind, Record, SwitchRelay
from gridnode.trade.machine import StateMachine
from gridnode.trade.messages import Cause
from gridnode.trade.metering import CostMeter, EnergyReconciler
from gridnode.trade.seller import RenewalPolicy, SellerSession
from gridnode.trade.signing import Signer, Verifier
from gridnode.trade.states import SELLER_TRANSITIONS, SellerState
from gridnode.trade.terms import Offer


@dataclass(frozen=True, slots=True)
class SellerLedgerFacts:
    """What the seller's ledger holds about a session that was live when the node stopped."""

    offer: Offer
    offer_digest: bytes
    payment_size: Msat
    deposit_hash: bytes
    deposit_amount: Msat
    deposit_cltv_blocks: int
    #: Until when the deposit's time lock leaves room to settle it (Unix ms).
    deposit_cover_until_ms: int
    #: Every prepayment invoice issued in the session (settled or not) and its amount.
    prepayments: tuple[tuple[bytes, Msat], ...]
    energy_mwh: int
    cost_msat: Fraction
    last_sent_seq: int
    last_received_seq: int
    #: This node's OCMF series for the meter after its last stored record (rebuilt with
    #: ``SeriesState.following``), and the register value (RV) of the session's Begin.
    reading_series: SeriesState | None
    reading_begin_mwh: int


def facts_of(session: SellerSession, prepayments: dict[bytes, Msat]) -> SellerLedgerFacts:
    """The facts a ledger would hold for ``session`` (``prepayments`` from its INVOICE
    records); for tests and for the runtime's own cross-checks."""
    return SellerLedgerFacts(
        offer=session.offer,
        offer_digest=session.offer_digest,
        payment_size=session.billing.payment_size,
        deposit_hash=session.billing.deposit_hash,
        deposit_amount=session.billing.deposit_amount,
        deposit_cltv_blocks=session.billing.deposit_cltv.get(session.billing.deposit_hash, 0),
        deposit_cover_until_ms=session.billing.deposit_cover_until_ms,
        prepayments=tuple(prepayments.items()),
        energy_mwh=session.meter.energy_mwh,
        cost_msat=session.meter.cost_msat,
        last_sent_seq=session.outbox.next_seq - 1,
        last_received_seq=session.inbox.last_seq,
        reading_series=session.readings.own.state,
        reading_begin_mwh=session.readings.own.begin_mwh or 0,
    )


def resume_seller(
    facts: SellerLedgerFacts,
    *,
    session_id: bytes,
    signer: Signer,
    buyer: Verifier,
    register_step_mwh: int,
    now_ms: int,
    renewal: RenewalPolicy | None = None,
    clock_status: ClockStatus = ClockStatus.UNKNOWN,
) -> tuple[SellerSession, list[Action]]:
    """A seller session picking up where the ledger left off, with the relay commanded
    off and no credit or deposit counted until the wallet proves them."""
    session = SellerSession(
        facts.offer,
        session_id=session_id,
        signer=signer,
        buyer=buyer,
        register_step_mwh=register_step_mwh,
        renewal=renewal,
        series=facts.reading_series,
        clock_status=clock_status,
    )
    if session.readings.own.state.open is not None:  # the session's transaction goes on
        session.readings.own.resume(facts.reading_begin_mwh)
    session.machine = StateMachine("seller", SellerState.SUSPENDED_FAULT, SELLER_TRANSITIONS)
    session.offer_digest = facts.offer_digest
    session.billing.payment_size = facts.payment_size
    session.billing.deposit_hash = facts.deposit_hash
    session.billing.deposit_amount = facts.deposit_amount
    session.billing.deposit_cltv[facts.deposit_hash] = facts.deposit_cltv_blocks
    session.billing.deposit_cover_until_ms = facts.deposit_cover_until_ms
    # Not blocking a new invoice; each is credited once if the wallet replays its settlement.
    session.billing.superseded = dict(facts.prepayments)
    session.meter = CostMeter(
        EnergyReconciler(register_step_mwh),
        base_mwh=facts.energy_mwh,
        energy_mwh=facts.energy_mwh,
        cost_msat=facts.cost_msat,
    )
    session.outbox.next_seq = facts.last_sent_seq + 1
    session.inbox.last_seq = facts.last_received_seq
    text = "resumed after a restart: relay off until the wallet proves deposit and credit"
    return session, [
        Record(LedgerKind.STATE, now_ms, text),
        Record(LedgerKind.RELAY, now_ms, "relay off at start-up"),
        SwitchRelay(False, Cause.DEPOSIT, "start-up: not yet proven paid up"),
    ]
