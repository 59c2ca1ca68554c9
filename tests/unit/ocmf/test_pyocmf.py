"""Interoperability: an independent OCMF library (pyocmf, PyPI) accepts every record we
write, in its strict mode, checks our signatures, and rejects what we reject."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings

from gridnode.ocmf import (
    MeterIdentity,
    MeterSeries,
    NodeSigner,
    OcmfRecord,
    Register,
    Transaction,
    UserAssignment,
    verify_series,
)
from tests.support.ocmf.helpers import GOLDEN_KEY, SYNCED, T0_MS, golden_series, session
from tests.support.ocmf.strategies import sessions

pyocmf = pytest.importorskip("pyocmf", reason="pyocmf is in the dev extra")

KEY_HEX = NodeSigner(GOLDEN_KEY).public_key_hex


def _accepted_by_pyocmf(record: OcmfRecord) -> Any:
    """pyocmf's reading of ``record`` (its OCMF object: pyocmf is imported at run time,
    by importorskip, so it has no static type here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a SpecWarning fails the test too
        parsed = pyocmf.OCMF.from_string(record.text, strict=True)
        assert parsed.verify_signature(KEY_HEX) is True
    return parsed


@settings(max_examples=50)
@given(sessions())
def test_pyocmf_accepts_every_record_we_write(drawn: tuple[MeterSeries, list[OcmfRecord]]) -> None:
    _, records = drawn
    for record in records:
        parsed = _accepted_by_pyocmf(record)
        assert parsed.payload.PG == record.payload.PG
        reading = parsed.payload.RD[0]
        assert str(reading.TM) == record.payload.RD[0].TM.to_text()
        assert reading.RV == record.payload.RD[0].RV


def test_pyocmf_reads_the_same_values() -> None:
    records = session(golden_series())
    begin = _accepted_by_pyocmf(records[0])
    payload = begin.payload
    assert (
        "SDM120-0042",
        NodeSigner(GOLDEN_KEY).fingerprint,
        True,
        "LOCAL",
        "sess-01",
    ) == (payload.MS, payload.GS, payload.IS, payload.IT, payload.ID)
    assert str(payload.RD[0].RI) == Register.IMPORT.value


def test_pyocmf_finds_our_sessions_eichrecht_compliant() -> None:
    """Begin and End of an import series pass the Transparenzsoftware's rules in pyocmf."""
    records = session(golden_series())
    begin, end = _accepted_by_pyocmf(records[0]), _accepted_by_pyocmf(records[-1])
    assert begin.check_eichrecht(end) == []
    for record in records:
        assert _accepted_by_pyocmf(record).check_eichrecht() == []


def test_pyocmf_rejects_what_we_reject() -> None:
    record = session(golden_series())[1]
    changed_value = record.text.replace('"RV":1.235678', '"RV":1.235679')
    assert changed_value != record.text
    assert pyocmf.OCMF.from_string(changed_value).verify_signature(KEY_HEX) is False
    other = NodeSigner(ec.generate_private_key(ec.SECP256R1()))
    assert pyocmf.OCMF.from_string(record.text).verify_signature(other.public_key_hex) is False


def test_known_differences_between_pyocmf_and_the_specification() -> None:
    """Pinned so docs/ocmf.md is revisited when pyocmf changes (see its last section)."""
    fiscal = (
        'OCMF|{"PG":"F1","MS":"m","RD":[{"TM":"2026-11-23T13:22:04,000+0000 S","RV":1,'
        '"RI":"01-00:01.08.00","RU":"kWh","ST":"G"}]}|{"SD":"3006020101020101"}'
    )
    # The specification leaves the user assignment out of fiscal records; pyocmf's strict
    # mode still demands IS. Our parser accepts the record.
    with pytest.raises(pyocmf.OcmfPayloadError, match="IS"):
        pyocmf.OCMF.from_string(fiscal, strict=True)
    from gridnode.ocmf import parse_record

    assert parse_record(fiscal).payload.IS is None

    # Only import registers are law-relevant to the Transparenzsoftware rules in pyocmf.
    series = golden_series()
    series.register = Register.EXPORT
    records = session(series)
    begin, end = _accepted_by_pyocmf(records[0]), _accepted_by_pyocmf(records[-1])
    codes = {issue.code for issue in begin.check_eichrecht(end)}
    assert codes == {pyocmf.IssueCode.BEGIN_TX, pyocmf.IssueCode.END_TX}

    # pyocmf drops "EF":"" when it writes a record back, so its text differs from ours.
    assert '"EF":""' not in _accepted_by_pyocmf(records[0]).to_string()


def three_phase_session() -> list[OcmfRecord]:
    """Begin, two intermediate readings and End of a three-phase meter: each record
    carries L1, L2, L3 (the meter's own import register of each phase) before the total."""
    meter = MeterIdentity(serial="SDM630-0007", vendor="Eastron", model="SDM630")
    series = MeterSeries(NodeSigner(GOLDEN_KEY), meter, gateway_version="0.1.0")
    user = UserAssignment.session("sess-3p")
    phases = [(1_000, 2_000, 3_000), (1_900, 2_050, 3_010), (2_800, 2_100, 3_020)]
    records = [series.begin(T0_MS, 6_000, SYNCED, user, phases_mwh=phases[0])]
    records.append(
        series.issue(Transaction.CHARGING, T0_MS + 1_000, 6_960, SYNCED, phases_mwh=phases[1])
    )
    records.append(series.end(T0_MS + 2_000, 7_920, SYNCED, phases_mwh=phases[2]))
    return records


def test_three_phase_readings_carry_each_phase_and_pyocmf_still_verifies_them() -> None:
    """OCMF carries several readings in one record (RD is a list): each phase's import
    register by its OBIS id (1-0:21.8.0, 41.8.0, 61.8.0, written in hex) before the
    total. pyocmf accepts every record strictly, checks the signature, and bills the
    transaction on the total alone (the phases are not law-relevant registers)."""
    records = three_phase_session()
    for record in records:
        parsed = _accepted_by_pyocmf(record)
        registers = [str(r.RI) for r in parsed.payload.RD]
        assert registers == [
            "01-00:15.08.00",
            "01-00:29.08.00",
            "01-00:3D.08.00",
            Register.IMPORT.value,
        ]
        assert len({str(r.TX) for r in parsed.payload.RD}) == 1  # one moment, one code
    begin, end = _accepted_by_pyocmf(records[0]), _accepted_by_pyocmf(records[-1])
    assert begin.check_eichrecht(end) == []
    assert verify_series(records, KEY_HEX) == []
    # each phase's energy in the session, End less Begin: 1.8 + 0.1 + 0.02 Wh
    first, last = records[0].payload.RD, records[-1].payload.RD
    per_phase = [
        (b.energy_mwh or 0) - (a.energy_mwh or 0) for a, b in zip(first[:3], last[:3], strict=True)
    ]
    assert per_phase == [1_800, 100, 20]
