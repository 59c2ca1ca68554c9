"""The demo's buses and a buyer's payment limits, sized for the number of tenants.

Kept apart from :mod:`gridnode.demo.configs` (which writes them into the nodes' files)
and :mod:`gridnode.demo.tenants` (which runs many tenants), so neither imports the other.
"""

from __future__ import annotations

from typing import Protocol

from gridnode.hardware.budget import bus_budget
from gridnode.hardware.profile import load_profile


class PaymentTerms(Protocol):
    """What a buyer's limits follow from the demo's terms."""

    @property
    def period_s(self) -> int: ...
    @property
    def min_payment_msat(self) -> int: ...
    @property
    def max_payment_msat(self) -> int: ...
    @property
    def prepayment_msat(self) -> int: ...
    @property
    def prepayment_s(self) -> float: ...
    @property
    def deposit_msat(self) -> int: ...


#: The seller's bus: the fastest baud SDM meters speak, and the gaps tried, longest first.
FAST_BAUD = 38_400
GAPS_MS = (20, 10, 5, 2)
#: The poll round the demo aims for (s): well inside the demo policy's 1.5 s freshness.
TARGET_ROUND_S = 0.5


def seller_bus(meters: int, model: str = "sdm120") -> tuple[int, int, float]:
    """(baud, gap_ms, poll round s) for the seller's bus with ``meters`` SDM120s: today's
    9600 baud and 20 ms for up to three meters or while the round stays within
    :data:`TARGET_ROUND_S`, else 38400
    baud with the longest gap that does, else the shortest gap (the bus budget then says
    how long a round takes; more buses would shorten it)."""
    profile = load_profile(model)
    slow = bus_budget([profile] * meters, 9600, 0.020)
    if meters <= 3 or slow.poll_period_s <= TARGET_ROUND_S:
        return 9600, 20, slow.poll_period_s
    round_s = 0.0
    for gap_ms in GAPS_MS:
        round_s = bus_budget([profile] * meters, FAST_BAUD, gap_ms / 1000).poll_period_s
        if round_s <= TARGET_ROUND_S:
            return FAST_BAUD, gap_ms, round_s
    return FAST_BAUD, GAPS_MS[-1], round_s


def seller_bus_lines(meters: int, model: str = "sdm120") -> list[str]:
    """The seller's bus: as fast as the bus budget needs for its meters (issue 17)."""
    baud, gap_ms, _ = seller_bus(meters, model)
    return [f"baud = {baud}", f"gap_ms = {gap_ms}"]


def buyer_limits(terms: PaymentTerms | None) -> list[str]:
    """The buyer's limits on payments, room for the seller's ``terms`` (today's demo
    limits for the demo's terms)."""
    if terms is None or terms.max_payment_msat <= 600:
        return [
            "min_period_s = 10",
            "max_period_s = 3600",
            "min_payment_msat = 50",
            "max_payment_msat = 600",
            "desired_payment_msat = 400",
            "max_prepayment_msat = 1_100",
            "max_prepayment_s = 5",
            "min_unpaid_s = 1",
            "max_deposit_msat = 100_000",
        ]
    return [
        "min_period_s = 10",
        f"max_period_s = {max(3600, terms.period_s)}",
        f"min_payment_msat = {terms.min_payment_msat}",
        f"max_payment_msat = {terms.max_payment_msat}",
        f"desired_payment_msat = {terms.max_payment_msat}",
        f"max_prepayment_msat = {terms.prepayment_msat + 10_000}",
        f"max_prepayment_s = {int(terms.prepayment_s)}",
        "min_unpaid_s = 1",
        f"max_deposit_msat = {terms.deposit_msat}",
    ]


def buyer_gap_ms(buyers: int) -> int:
    """A buyer's own bus: the demo's quick 20 ms gap for a few buyers; with many, the
    100 ms a real SDM meter needs. A buyer's one meter then reads every 0.45 s instead
    of every 0.17 s: the circuit process serves every meter of the estate, and a buyer
    needs no more (its payments come seconds apart at the quickest)."""
    return 20 if buyers <= 3 else 100
