"""The verifier's money checks on what the fault drills found: the two meters compared at
one instant, not at their last records (each side signs its End from its own latest
sample, a meter poll or a crash apart), and a deposit kept for a default not counted as
payment for energy."""

from __future__ import annotations

from gridnode.ocmf import MeterSeries, Transaction, UserAssignment
from gridnode.receipt.check_money import check_money, meters_agree
from gridnode.receipt.checking import Context
from gridnode.trade.terms import MeteringTolerance
from gridnode.trade.units import Mwh
from tests.support.ocmf.helpers import METER, OTHER_METER, SYNCED, T0_MS, golden_series
from tests.support.terms import T0 as TERMS_T0
from tests.support.terms import demo_offer

#: 1 % and 20 mWh, as the demo agrees.
TOLERANCE = MeteringTolerance(share_ppm=10_000, fixed_mwh=Mwh(20))
#: 3.6 kW: a mWh every millisecond
MWH_PER_MS = 1


def series_text(
    series: MeterSeries, readings_ms: list[int], *, gain: float = 1.0, end: bool = True
) -> list[str]:
    """A session at a steady 3.6 kW: a Begin at T0, readings at the given offsets (ms),
    the last one an End unless ``end`` is False (the node stopped before it)."""
    start_mwh = 1_000_000
    records = [series.begin(T0_MS, start_mwh, SYNCED, UserAssignment.session("s"))]
    for i, offset in enumerate(readings_ms):
        energy = start_mwh + round(offset * MWH_PER_MS * gain)
        if end and i == len(readings_ms) - 1:
            records.append(series.end(T0_MS + offset, energy, SYNCED))
        else:
            records.append(series.issue(Transaction.CHARGING, T0_MS + offset, energy, SYNCED))
    return [r.text for r in records]


def problems(seller: list[str], buyer: list[str]) -> list[str]:
    ctx = Context({"session_id": "s"}, [])
    ctx.readings = {"seller": seller, "buyer": buyer}
    meters_agree(ctx, TOLERANCE)
    return [p.code for p in ctx.problems]


def test_ends_a_poll_apart_agree_when_the_meters_do() -> None:
    # both meters exact; the seller's End came from a sample 900 ms older than the
    # buyer's (900 mWh less, far beyond 1 % and 20 mWh of a 2 Wh session)
    seller = series_text(golden_series(METER), [1_000, 1_100])
    buyer = series_text(golden_series(OTHER_METER), [1_000, 2_000])
    assert problems(seller, buyer) == []
    assert problems(buyer, seller) == []


def test_a_meter_reading_five_percent_high_disagrees_at_the_same_instant() -> None:
    seller = series_text(golden_series(METER), [10_000, 20_000], gain=1.05)
    buyer = series_text(golden_series(OTHER_METER), [10_000, 20_000])
    assert problems(seller, buyer) == ["meters_disagree"]


def test_a_series_cut_short_by_a_crash_is_compared_where_it_stops() -> None:
    # the buyer's node died at 4 s (no End); the seller went on to its End at 9 s
    seller = series_text(golden_series(METER), [2_000, 4_500, 9_000])
    buyer = series_text(golden_series(OTHER_METER), [2_000, 4_000], end=False)
    assert problems(seller, buyer) == []
    # the comparison is as fine as the readings: a seller reading at 4 s shows 5 % too much
    high = series_text(golden_series(METER), [2_000, 4_000, 9_000], gain=1.05)
    assert problems(high, buyer) == ["meters_disagree"]


def money_problems(payments: list[tuple[str, int]]) -> list[str]:
    """check_money's codes for a 10 s, 10 Wh session at 200 sat/kWh (2,000 msat by both
    meters) paid with ``payments`` (purpose, msat)."""
    start = TERMS_T0
    seller = series_at(golden_series(METER), start, [5_000, 10_000])
    buyer = series_at(golden_series(OTHER_METER), start, [5_000, 10_000])
    listed = [{"purpose": purpose, "amount_msat": msat} for purpose, msat in payments]
    ctx = Context({"session_id": "s", "payments": listed}, [])
    ctx.offers = [demo_offer(start)]
    ctx.readings = {"seller": seller, "buyer": buyer}
    check_money(ctx)
    return [p.code for p in ctx.problems if p.code != "totals_mismatch"]


def series_at(series: MeterSeries, start_ms: int, readings_ms: list[int]) -> list[str]:
    """1 Wh a second from ``start_ms``, the last reading an End."""
    records = [series.begin(start_ms, 0, SYNCED, UserAssignment.session("s"))]
    for offset in readings_ms[:-1]:
        records.append(series.issue(Transaction.CHARGING, start_ms + offset, offset, SYNCED))
    records.append(series.end(start_ms + readings_ms[-1], readings_ms[-1], SYNCED))
    return [r.text for r in records]


def test_a_deposit_kept_for_a_default_is_no_overpayment() -> None:
    # a drill found a default's settled deposit reported as paying 50 sat for 2 sat of energy
    assert money_problems([("prepayment", 1_600), ("deposit", 50_000)]) == []


def test_a_deposit_kept_when_the_buyer_owed_nothing_is_reported() -> None:
    assert money_problems([("prepayment", 2_400), ("deposit", 50_000)]) == ["deposit_kept"]


def test_a_default_with_no_deposit_kept_is_underpaid() -> None:
    assert set(money_problems([("prepayment", 1_000)])) == {"underpaid"}
