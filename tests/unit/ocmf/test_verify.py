"""Verification: single records and whole series. Each attack is rejected with its reason,
and a series lists every problem it has, each naming its record."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.ocmf import (
    Finding,
    FindingCode,
    MeterSeries,
    MeterStatus,
    NodeSigner,
    OcmfBadSignatureError,
    OcmfKeyError,
    Transaction,
    UserAssignment,
    fingerprint,
    public_key_der,
    verify_record,
    verify_series,
)
from gridnode.ocmf.parse import parse_record
from tests.support.ocmf.helpers import (
    GOLDEN_KEY,
    OTHER_METER,
    SYNCED,
    T0_MS,
    golden_series,
    session,
    texts,
)

KEY_HEX = NodeSigner(GOLDEN_KEY).public_key_hex


@pytest.fixture
def records() -> list[str]:
    """A clean session T1..T6: B, C, T, C, C, E."""
    return texts(session(golden_series()))


def _codes(findings: Sequence[Finding]) -> set[tuple[FindingCode, int | None]]:
    return {(f.code, f.page) for f in findings}


def test_a_clean_session_verifies(records: list[str]) -> None:
    assert verify_series(records, KEY_HEX) == []
    assert verify_series(records, bytes.fromhex(KEY_HEX)) == []
    assert verify_series([parse_record(r) for r in records], None) == []


def test_the_fingerprint_is_the_one_the_trade_and_peer_layers_use() -> None:
    from gridnode.trade.signing import P256Signer
    from gridnode.trade.signing import fingerprint as trade_fingerprint

    der = public_key_der(GOLDEN_KEY)
    assert P256Signer(GOLDEN_KEY).public_key_der == der
    assert fingerprint(der) == trade_fingerprint(der)


def test_a_changed_value_is_rejected(records: list[str]) -> None:
    records[2] = records[2].replace('"RV":1.236789', '"RV":1.236790')
    with pytest.raises(OcmfBadSignatureError, match="T3 does not match") as caught:
        verify_record(records[2], KEY_HEX)
    assert caught.value.page == 3
    assert _codes(verify_series(records, KEY_HEX)) == {(FindingCode.BAD_SIGNATURE, 3)}


def test_a_changed_signature_is_rejected(records: list[str]) -> None:
    sd = records[1].rindex('"SD":"') + len('"SD":"')
    digit = "0" if records[1][sd + 20] != "0" else "1"
    records[1] = records[1][: sd + 20] + digit + records[1][sd + 21 :]
    with pytest.raises(OcmfBadSignatureError):
        verify_record(records[1], KEY_HEX)
    assert _codes(verify_series(records, KEY_HEX)) == {(FindingCode.BAD_SIGNATURE, 2)}


def test_a_truncated_der_signature_is_a_bad_signature_not_a_crash(records: list[str]) -> None:
    records[1] = records[1].replace('"SD":"30', '"SD":"3000', 1)
    findings = verify_series(records, KEY_HEX)
    assert _codes(findings) == {(FindingCode.BAD_SIGNATURE, 2)}


def test_a_record_signed_by_another_key_is_rejected(records: list[str]) -> None:
    other = MeterSeries(NodeSigner(ec.generate_private_key(ec.SECP256R1())), golden_series().meter)
    forged = texts(session(other))
    assert verify_series(forged, KEY_HEX) != []
    assert {f.code for f in verify_series(forged, KEY_HEX)} == {FindingCode.BAD_SIGNATURE}


def test_a_key_on_another_curve_cannot_have_signed_it(records: list[str]) -> None:
    p384 = public_key_der(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(OcmfBadSignatureError, match="secp384r1"):
        verify_record(records[0], p384)


@pytest.mark.parametrize("key", ["zz", "3059", b"\x30\x00", ""])
def test_an_unreadable_key_is_the_callers_error(records: list[str], key: str | bytes) -> None:
    with pytest.raises(OcmfKeyError):
        verify_series(records, key)


def test_a_removed_page_is_named(records: list[str]) -> None:
    del records[3]  # T4
    findings = verify_series(records, KEY_HEX)
    assert _codes(findings) == {(FindingCode.PAGINATION_GAP, 5)}
    assert str(findings[0]) == "T5: follows T3: T4 is missing (a record was removed)."


def test_several_removed_pages_are_one_finding(records: list[str]) -> None:
    del records[1:4]  # T2..T4
    findings = verify_series(records, KEY_HEX)
    assert [str(f) for f in findings] == [
        "T5: follows T1: T2 to T4 are missing (a record was removed)."
    ]


def test_two_swapped_pages_are_named(records: list[str]) -> None:
    records[2], records[3] = records[3], records[2]  # T1 T2 T4 T3 T5 T6
    findings = verify_series(records, KEY_HEX)
    codes = _codes(findings)
    assert (FindingCode.PAGINATION_ORDER, 3) in codes
    assert (FindingCode.TIME_REGRESSION, 3) in codes
    assert (FindingCode.ENERGY_REGRESSION, 3) in codes
    assert all(f.code is not FindingCode.PAGINATION_GAP for f in findings)


def test_a_record_from_another_meter_is_named(records: list[str]) -> None:
    other = golden_series(OTHER_METER)
    foreign = texts(session(other, start_mwh=1_234_567))
    records[2] = foreign[2]  # same key, same page number T3, another meter
    findings = verify_series(records, KEY_HEX)
    assert {(f.code, f.page) for f in findings} == {(FindingCode.METER_MIXED, 3)}
    assert "SDM120-0099" in str(findings[0])
    assert "SDM120-0042" in str(findings[0])


def test_a_record_from_another_session_is_named(records: list[str]) -> None:
    series = golden_series()
    session(series)
    later = texts(session(series, session_id="sess-02", start_ms=T0_MS + 10**6, start_mwh=10**7))
    findings = verify_series([*records, later[1]], KEY_HEX)
    codes = _codes(findings)
    assert (FindingCode.USER_MIXED, 8) in codes
    assert (FindingCode.PAGINATION_GAP, 8) in codes  # T7 (its Begin) is not here
    assert (FindingCode.END_INSIDE, 6) in codes
    assert (FindingCode.END_MISSING, 8) in codes


def test_missing_begin_and_end_are_named(records: list[str]) -> None:
    findings = verify_series(records[1:-1], KEY_HEX)
    assert _codes(findings) == {(FindingCode.BEGIN_MISSING, 2), (FindingCode.END_MISSING, 5)}


def test_unusable_readings_are_named() -> None:
    series = golden_series()
    records = [series.begin(T0_MS, 1, SYNCED, UserAssignment.session("a"))]
    records.append(
        series.issue(
            Transaction.EXCEPTION, T0_MS + 1, 1, SYNCED, status=MeterStatus.TIMEOUT, error_flags="E"
        )
    )
    records.append(series.end(T0_MS + 2, 2, SYNCED))
    findings = verify_series(texts(records), KEY_HEX)
    assert _codes(findings) == {(FindingCode.UNUSABLE, 2)}
    assert "TIMEOUT (T)" in findings[0].message
    assert "exception (X)" in findings[0].message


def test_every_problem_is_listed_not_only_the_first(records: list[str]) -> None:
    tampered = list(records)
    tampered[1] = tampered[1].replace('"RV":1.235678', '"RV":1.235679')  # T2 value
    del tampered[3]  # T4 removed
    tampered.append("OCMF|{broken")  # garbage at the end
    findings = verify_series(tampered, KEY_HEX)
    assert (FindingCode.BAD_SIGNATURE, 2) in _codes(findings)
    assert (FindingCode.PAGINATION_GAP, 5) in _codes(findings)
    assert (FindingCode.MALFORMED, None) in _codes(findings)
    assert [f.position for f in findings] == sorted(f.position for f in findings)
    unreadable = next(f for f in findings if f.code is FindingCode.MALFORMED)
    assert unreadable.record == "record #6"
    assert unreadable.to_json()["record"] == "record #6"


def test_an_empty_series_is_a_finding() -> None:
    assert [f.code for f in verify_series([], KEY_HEX)] == [FindingCode.EMPTY]


def test_duplicated_pages_are_named(records: list[str]) -> None:
    findings = verify_series([*records[:3], records[2], *records[3:]], KEY_HEX)
    assert (FindingCode.PAGINATION_DUPLICATE, 3) in _codes(findings)


def test_fiscal_records_do_not_belong_in_a_transaction_series(records: list[str]) -> None:
    fiscal = parse_record(records[0].replace('"PG":"T1"', '"PG":"F1"'))
    findings = verify_series([fiscal, *records[1:]], None)
    assert (FindingCode.PAGINATION_CONTEXT, 1) in _codes(findings)


def test_a_session_in_progress_is_checked_without_its_end(records: list[str]) -> None:
    """The buyer checks each arriving record against those before it, before paying."""
    for count in range(1, len(records)):
        assert verify_series(records[:count], KEY_HEX, complete=False) == []
    assert _codes(verify_series(records[:3], KEY_HEX)) == {(FindingCode.END_MISSING, 3)}
    del records[2]
    assert _codes(verify_series(records[:3], KEY_HEX, complete=False)) == {
        (FindingCode.PAGINATION_GAP, 4)
    }
