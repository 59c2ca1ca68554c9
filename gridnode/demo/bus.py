"""The demo's buses and a buyer's payment limits, sized for the number of tenants: the
seller's meters spread over as many RS-485 buses (one pty each) as the bus budget needs.

Kept apart from :mod:`gridnode.demo.configs` (which writes them into the nodes' files)
and :mod:`gridnode.demo.tenants` (which runs many tenants), so neither imports the other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

from gridnode.hardware.budget import bus_budget, buses_needed, spread
from gridnode.hardware.profile import Profile, load_profile
from gridnode.trade.terms import DEMO_POLICY, SupplyPolicy


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


#: The seller's buses: the fastest baud SDM meters speak, and the gaps tried, longest first.
FAST_BAUD = 38_400
GAPS_MS = (20, 10, 5, 2)
#: The poll round the demo aims for with its own terms (s): three rounds within the demo
#: policy's 1.5 s freshness limit, so one missed read does not cut a buyer.
TARGET_ROUND_S = DEMO_POLICY.reading_max_age_ms / 3000
#: The same with the real-install policy (5 s freshness).
REAL_ROUND_S = SupplyPolicy().reading_max_age_ms / 3000


@dataclass(frozen=True, slots=True)
class SellerBuses:
    """The seller's RS-485 buses in the demo: how many, how fast, which buyer on which."""

    baud: int
    gap_ms: int
    count: int
    #: the slowest bus's poll round (s), by the bus budget
    round_s: float

    def bus_of(self, buyer: int) -> int:
        """The bus (0-based) of buyer ``buyer`` (1-based): dealt in turn, as
        :func:`gridnode.hardware.budget.spread` deals meters."""
        return (buyer - 1) % self.count

    def __str__(self) -> str:
        return f"buses: {self.count} at {self.baud} baud, a round of {self.round_s:.2f} s"

    def circuit_args(self, *, line_timing: bool) -> list[str]:
        """The circuit's arguments that serve these buses (``line_timing``: with a real
        line's timing at this baud, as ``gridnode demo --bus-baud`` asks)."""
        timing = ["--seller-baud", str(self.baud)] if line_timing else []
        return ["--seller-buses", str(self.count), *timing]

    def buyers_on(self, bus: int, buyers: int) -> list[int]:
        """The buyers (1-based) on bus ``bus`` (0-based)."""
        return [b for b in range(1, buyers + 1) if self.bus_of(b) == bus]


def seller_buses(
    meters: int,
    model: str = "sdm120",
    round_s: float = TARGET_ROUND_S,
    baud: int | None = None,
) -> SellerBuses:
    """The seller's buses for ``meters`` meters, each bus's round within ``round_s`` (as
    the bus budget counts it): one bus at 9600 baud and 20 ms gaps when that does (or
    with up to three meters at the demo's round: today's demo), else 38400 baud with the
    gap that needs the fewest buses (the longest of those), and as many buses as that
    gap needs. ``baud``: the meters speak this (20 ms gaps), and the buses are counted
    at it (a slow one needs more)."""
    profiles = [load_profile(model)] * max(meters, 1)
    if baud is not None:
        return _plan(profiles, baud, 20, round_s)
    slow = _plan(profiles, 9600, 20, round_s)
    if slow.count == 1 or (meters <= 3 and round_s >= TARGET_ROUND_S):
        return dataclasses.replace(slow, count=1, round_s=_round(profiles, 9600, 20))
    plans = [_plan(profiles, FAST_BAUD, gap_ms, round_s) for gap_ms in GAPS_MS]
    return min(plans, key=lambda plan: plan.count)  # the first (longest gap) of the fewest


def _plan(profiles: list[Profile], baud: int, gap_ms: int, round_s: float) -> SellerBuses:
    # no number of buses helps a meter slower than the round alone: one meter a bus
    count = buses_needed(profiles, baud, gap_ms / 1000, round_s) or len(profiles)
    slowest = max(_round(group, baud, gap_ms) for group in spread(profiles, count))
    return SellerBuses(baud, gap_ms, count, slowest)


def _round(profiles: list[Profile], baud: int, gap_ms: int) -> float:
    return bus_budget(profiles, baud, gap_ms / 1000).poll_period_s


def round_target_s(real_terms: bool, bus_round_ms: int | None = None) -> float:
    """The seller's poll round the demo aims for: ``bus_round_ms`` when asked, else
    three rounds within the terms' freshness limit (the demo's or the real policy's)."""
    if bus_round_ms is not None:
        return bus_round_ms / 1000
    return REAL_ROUND_S if real_terms else TARGET_ROUND_S


def seller_bus_lines(
    circuit: dict[str, object], buyers: int, model: str, buses: SellerBuses
) -> list[str]:
    """``[hardware.bus]`` and its meters; with several buses a ``[[hardware.buses]]``
    each, with the meters of its buyers (the relay boards are there too)."""
    ports = circuit.get("seller_ports") or [circuit["seller_port"]]
    assert isinstance(ports, list)
    speed = [f"baud = {buses.baud}", f"gap_ms = {buses.gap_ms}", ""]
    several = buses.count > 1
    lines = []
    for index in range(buses.count):
        head = "[[hardware.buses]]" if several else "[hardware.bus]"
        lines += [head, f'port = "{ports[index]}"', *speed]
        for i in buses.buyers_on(index, buyers):
            lines += [
                "[[hardware.buses.meters]]" if several else "[[hardware.meters]]",
                f'id = "seller-meter-{i}"',
                f'model = "{model}"',
                f"address = {i}",
                "",
            ]
    return lines


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
