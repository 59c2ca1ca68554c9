"""Demo-sized terms (230 V, 16 A, 3.68 kW) shared by the trade tests."""

from __future__ import annotations

import dataclasses
from typing import Any

from gridnode.money import Msat
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import (
    DEMO_POLICY,
    BuyerLimits,
    ElectricalGuarantees,
    MeteringTolerance,
    Offer,
    PaymentTerms,
)
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt, MsatPerKwh, Mwh

T0 = 1_795_000_000_000  # an instant in late 2026
MINUTE = 60_000
PRICE = MsatPerKwh(200_000)  # 200 sat/kWh: 3.68 kW costs about 204 msat a second

PAYMENTS = PaymentTerms(
    min_payment=Msat(100),
    max_payment=Msat(600),
    # 4.4 s at 3.68 kW: room under the 5 s demo target for the 1 % metering tolerance.
    prepayment=Msat(900),
    prepayment_ms=DurationMs(5_000),
    initial_deposit=Msat(50_000),
)
ELECTRICAL = ElectricalGuarantees(
    phases=1,
    voltage_min_mv=MilliVolt(207_000),
    voltage_nominal_mv=MilliVolt(230_000),
    voltage_max_mv=MilliVolt(253_000),
    current_max_ma=MilliAmp(16_000),
)
TOLERANCE = MeteringTolerance(share_ppm=10_000, fixed_mwh=Mwh(20))


def demo_offer(start: int = T0, minutes: int = 10, **changes: Any) -> Offer:
    """The demo terms for ``minutes`` from ``start``; ``changes`` are :class:`Offer` fields."""
    offer = Offer(
        start_ms=start,
        stop_ms=start + minutes * MINUTE,
        profile=ConstantProfile(PRICE),
        payments=PAYMENTS,
        electrical=ELECTRICAL,
        meter_id="SDM120-0042",
        tolerance=TOLERANCE,
        policy=DEMO_POLICY,
    )
    return dataclasses.replace(offer, **changes)


def demo_limits(**changes: Any) -> BuyerLimits:
    """A buyer's demo limits; ``changes`` are :class:`BuyerLimits` fields."""
    limits = BuyerLimits(
        min_period_ms=DurationMs(MINUTE),
        max_period_ms=DurationMs(60 * MINUTE),
        ceiling=ConstantProfile(MsatPerKwh(250_000)),
        min_payment=Msat(50),
        max_payment=Msat(500),
        desired_payment=Msat(400),
        max_prepayment=Msat(1_100),
        max_prepayment_ms=DurationMs(5_000),
        max_deposit=Msat(100_000),
        voltage_min_mv=MilliVolt(200_000),
        voltage_max_mv=MilliVolt(260_000),
        nominal_min_mv=MilliVolt(220_000),
        nominal_max_mv=MilliVolt(240_000),
        phases=1,
        current_needed_ma=MilliAmp(10_000),
        expected_meter_id="SDM120-0042",
        own_tolerance=MeteringTolerance(share_ppm=10_000, fixed_mwh=Mwh(10)),
        max_tolerance=MeteringTolerance(share_ppm=20_000, fixed_mwh=Mwh(50)),
        max_period_cost=Msat(10_000_000),
    )
    return dataclasses.replace(limits, **changes)
