"""Hypothesis strategies: whole, valid sessions of signed records."""

from __future__ import annotations

from hypothesis import strategies as st

from gridnode.ocmf import (
    ClockStatus,
    EnergyFormat,
    MeterSeries,
    OcmfRecord,
    Register,
    Transaction,
    Unit,
    UserAssignment,
)
from tests.support.ocmf.helpers import T0_MS, golden_series

MIDDLE = [Transaction.CHARGING, Transaction.TARIFF_CHANGE, Transaction.SUSPENDED]
ENDS = [t for t in Transaction if t.is_end]
FORMATS = [EnergyFormat(), EnergyFormat(Unit.WH, 3), EnergyFormat(Unit.KWH, 0)]


@st.composite
def sessions(draw: st.DrawFn, *, clocks: bool = True) -> tuple[MeterSeries, list[OcmfRecord]]:
    """A series with one or more whole sessions; returns the last session's records."""
    series = golden_series()
    series.energy_format = draw(st.sampled_from(FORMATS))
    series.register = draw(st.sampled_from(list(Register)))
    step = series.energy_format.resolution_mwh
    at_ms = T0_MS + draw(st.integers(min_value=-(10**12), max_value=10**12))
    energy = draw(st.integers(min_value=0, max_value=10**9)) * step
    clock = st.sampled_from(list(ClockStatus)) if clocks else st.just(ClockStatus.SYNCHRONIZED)
    records: list[OcmfRecord] = []
    for number in range(draw(st.integers(min_value=1, max_value=2))):
        user = UserAssignment.session(draw(st.text("abcdef0123456789-|", min_size=1, max_size=40)))
        records = [series.begin(at_ms, energy, draw(clock), user)]
        for tx in draw(st.lists(st.sampled_from(MIDDLE), max_size=5)):
            at_ms += draw(st.integers(min_value=0, max_value=10**7))
            energy += draw(st.integers(min_value=0, max_value=10**6)) * step
            text = (
                draw(st.none() | st.text(max_size=30)) if tx is Transaction.TARIFF_CHANGE else None
            )
            records.append(series.issue(tx, at_ms, energy, draw(clock), tariff_text=text))
        at_ms += draw(st.integers(min_value=0, max_value=10**7))
        records.append(series.end(at_ms, energy, draw(clock), draw(st.sampled_from(ENDS))))
        at_ms += number
    return series, records
