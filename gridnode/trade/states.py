"""The session state machines: an enum of states, one comment per state, and the table
of allowed transitions for the seller and the buyer. :class:`~gridnode.trade.machine.
StateMachine` raises on any move not in the table. docs/trade.md renders these tables.
"""

from __future__ import annotations

import enum


class SellerState(enum.Enum):
    NEGOTIATING = "negotiating"  # hello and offer sent; waiting for the buyer's answer
    AWAITING_DEPOSIT = "awaiting_deposit"  # accepted; the deposit hold invoice is not locked
    SUPPLYING = "supplying"  # relay on: every condition of invariant 1 holds
    SUSPENDED_CREDIT = "suspended_credit"  # relay off: credit at or below the cut-off
    SUSPENDED_FAULT = "suspended_fault"  # relay off: stale reading, overcurrent, outside
    #                                      the period, or the contactor resting
    CLOSING = "closing"  # relay off for good; the deposit is being released or settled
    CLOSED = "closed"  # nothing left to do


_S = SellerState
SELLER_TRANSITIONS: dict[SellerState, frozenset[SellerState]] = {
    _S.NEGOTIATING: frozenset({_S.AWAITING_DEPOSIT, _S.CLOSED}),
    _S.AWAITING_DEPOSIT: frozenset(
        {_S.SUPPLYING, _S.SUSPENDED_CREDIT, _S.SUSPENDED_FAULT, _S.CLOSING}
    ),
    _S.SUPPLYING: frozenset({_S.SUSPENDED_CREDIT, _S.SUSPENDED_FAULT, _S.CLOSING}),
    _S.SUSPENDED_CREDIT: frozenset({_S.SUPPLYING, _S.SUSPENDED_FAULT, _S.CLOSING}),
    _S.SUSPENDED_FAULT: frozenset({_S.SUPPLYING, _S.SUSPENDED_CREDIT, _S.CLOSING}),
    _S.CLOSING: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset(),
}


class BuyerState(enum.Enum):
    AWAITING_OFFER = "awaiting_offer"  # waiting for the seller's hello and offer
    AWAITING_DEPOSIT = "awaiting_deposit"  # offer accepted; no deposit invoice paid yet
    RECEIVING = "receiving"  # deposit sent; paying ahead as energy is used
    SUSPENDED = "suspended"  # the seller says supply is off (credit or fault)
    STOPPED = "stopped"  # the seller breached: no more payments; close sent
    CLOSING = "closing"  # this buyer closed: no more payments; waiting a moment for the
    #                      seller's closing statement (the credit note) and its Close
    CLOSED = "closed"  # nothing left to do


_B = BuyerState
BUYER_TRANSITIONS: dict[BuyerState, frozenset[BuyerState]] = {
    _B.AWAITING_OFFER: frozenset({_B.AWAITING_DEPOSIT, _B.CLOSED}),
    _B.AWAITING_DEPOSIT: frozenset({_B.RECEIVING, _B.STOPPED, _B.CLOSING, _B.CLOSED}),
    _B.RECEIVING: frozenset({_B.SUSPENDED, _B.STOPPED, _B.CLOSING, _B.CLOSED}),
    _B.SUSPENDED: frozenset({_B.RECEIVING, _B.STOPPED, _B.CLOSING, _B.CLOSED}),
    _B.STOPPED: frozenset({_B.CLOSING, _B.CLOSED}),
    _B.CLOSING: frozenset({_B.CLOSED}),
    _B.CLOSED: frozenset(),
}
