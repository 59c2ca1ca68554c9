"""The writer: gap-free pagination that never resets, B first and E last, exportable state,
and golden records that are byte-for-byte stable."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.ocmf import (
    ClockStatus,
    EnergyFormat,
    MeterSeries,
    MeterStatus,
    NodeSigner,
    OcmfRecord,
    OcmfSequenceError,
    OcmfValueError,
    Register,
    SeriesState,
    Transaction,
    Unit,
    UserAssignment,
    clock_status,
    parse_record,
    verify_record,
    verify_series,
)
from tests.support.ocmf.helpers import (
    GOLDEN_KEY,
    METER,
    OTHER_METER,
    SPEC_EXAMPLE,
    SYNCED,
    T0_MS,
    golden_series,
    session,
    texts,
)

GOLDEN_PUBLIC_KEY = (
    "3059301306072a8648ce3d020106082a8648ce3d030107034200042c29daf1a9d5239ebd409d789b6a1083"
    "57d5948b2275d57dfc450ba05be83bcc72db1cd9519b93980f73bd843234400d368f4cb805a41fa10740f3"
    "ba75119860"
)
GOLDEN_FINGERPRINT = "56d99d4f9e25b8a41a3ab4f9743db7372ffce0ee2e0ee19ccca8d050af861b55"
GOLDEN_BEGIN_PAYLOAD = (
    '{"FV":"1.0","GI":"gridnode","GS":"' + GOLDEN_FINGERPRINT + '","GV":"0.1.0","PG":"T1",'
    '"MV":"Eastron","MM":"SDM120","MS":"SDM120-0042","MF":"1.2","IS":true,"IL":"VERIFIED",'
    '"IF":[],"IT":"LOCAL","ID":"sess-01","RD":[{"TM":"2026-11-23T13:22:04,000+0000 S",'
    '"TX":"B","RV":1.234567,"RI":"01-00:01.08.00","RU":"kWh","RT":"AC","EF":"","ST":"G"}]}'
)


def test_golden_begin_record_payload_is_byte_for_byte_stable() -> None:
    series = golden_series()
    assert isinstance(series.signer, NodeSigner)
    assert series.signer.public_key_hex == GOLDEN_PUBLIC_KEY
    assert series.signer.fingerprint == GOLDEN_FINGERPRINT
    record = series.begin(T0_MS, 1_234_567, SYNCED, UserAssignment.session("sess-01"))
    assert record.payload_text == GOLDEN_BEGIN_PAYLOAD
    assert record.text.startswith(f"OCMF|{GOLDEN_BEGIN_PAYLOAD}|")
    assert record.signature_text.startswith(
        '{"SA":"ECDSA-secp256r1-SHA256","SE":"hex","SM":"application/x-der","SD":"30'
    )
    assert verify_record(record.text, GOLDEN_PUBLIC_KEY) == record


# Signed once with GOLDEN_KEY (RFC 6979): a record from the past must keep verifying.
GOLDEN_BEGIN_SD = (
    "304502202b53efbfc59de94a0309f2486daefe7d142b57399be5cf4082459693f23eb3e202210097a6aab"
    "eeed74b71ea77d710adcf7e76c02933009be14176460e8e424a9063c9"
)
GOLDEN_BEGIN_RECORD = (
    f"OCMF|{GOLDEN_BEGIN_PAYLOAD}|"
    '{"SA":"ECDSA-secp256r1-SHA256","SE":"hex","SM":"application/x-der","SD":"'
    + GOLDEN_BEGIN_SD
    + '"}'
)


def test_golden_record_from_the_past_verifies() -> None:
    record = verify_record(GOLDEN_BEGIN_RECORD, GOLDEN_PUBLIC_KEY)
    assert record.payload.RD[0].energy_mwh == 1_234_567
    assert record.text == GOLDEN_BEGIN_RECORD


def test_golden_record_is_reproduced_where_signing_is_deterministic() -> None:
    record = golden_series().begin(T0_MS, 1_234_567, SYNCED, UserAssignment.session("sess-01"))
    # cryptography's wheels bring OpenSSL >= 3.2, which signs deterministically (RFC 6979)
    GOLDEN_KEY.sign(b"probe", ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    assert record.text == GOLDEN_BEGIN_RECORD


def test_pagination_is_gap_free_and_never_resets_across_sessions() -> None:
    series = golden_series()
    first = session(series, steps=3)
    second = session(series, start_ms=T0_MS + 60_000, start_mwh=2_000_000, session_id="s2")
    pages = [r.page for r in first + second]
    assert pages == list(range(1, len(pages) + 1))
    assert [r.payload.PG for r in second][:2] == ["T6", "T7"]
    assert first[0].payload.RD[0].TX is Transaction.BEGIN
    assert first[-1].payload.RD[0].TX is Transaction.END
    assert verify_series(texts(first), GOLDEN_PUBLIC_KEY) == []
    assert verify_series(texts(second), GOLDEN_PUBLIC_KEY) == []


def test_state_exports_through_json_and_the_restored_series_continues() -> None:
    series = golden_series()
    records = [series.begin(T0_MS, 1_000, SYNCED, UserAssignment.session("sess-01"))]
    records.append(series.issue(Transaction.CHARGING, T0_MS + 1_000, 2_000, SYNCED))
    stored = json.dumps(series.state.to_json())  # what the ledger writes with the record

    restored = MeterSeries(
        NodeSigner(GOLDEN_KEY),
        METER,
        gateway_version="0.1.0",
        state=SeriesState.from_json(json.loads(stored)),
    )
    assert restored.state == series.state
    assert restored.in_transaction
    records.append(restored.issue(Transaction.SUSPENDED, T0_MS + 2_000, 2_000, SYNCED))
    records.append(restored.end(T0_MS + 3_000, 2_000, SYNCED))
    assert [r.page for r in records] == [1, 2, 3, 4]
    assert records[-1].payload.ID == "sess-01"  # the Begin's user, after the restart
    assert verify_series(texts(records), GOLDEN_PUBLIC_KEY) == []


def test_a_state_is_refused_for_another_key_or_meter() -> None:
    state = golden_series().state
    with pytest.raises(OcmfValueError, match="another node key"):
        MeterSeries(NodeSigner(ec.generate_private_key(ec.SECP256R1())), METER, state=state)
    with pytest.raises(OcmfValueError, match="each meter has its own series"):
        MeterSeries(NodeSigner(GOLDEN_KEY), OTHER_METER, state=state)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("next_page"),
        lambda d: d.update(next_page="7"),
        lambda d: d.update(next_page=0),
        lambda d: d.update(version=2),
        lambda d: d.update(last_energy_mwh=1.5),
        lambda d: d.update(open={"IS": True}),
    ],
)
def test_a_damaged_state_is_refused_with_a_sentence(
    damage: Callable[[dict[str, object]], object],
) -> None:
    data = golden_series().state.to_json()
    damage(data)
    with pytest.raises(OcmfValueError, match="state"):
        SeriesState.from_json(data)


def test_a_failed_signature_does_not_use_up_a_number() -> None:
    series = golden_series()
    with pytest.raises(OcmfValueError):
        series.begin(T0_MS, -5, SYNCED, UserAssignment())
    assert series.state.next_page == 1
    assert series.begin(T0_MS, 5, SYNCED, UserAssignment()).page == 1


def test_the_first_record_must_be_a_begin() -> None:
    series = golden_series()
    with pytest.raises(OcmfSequenceError, match="starts with a Begin"):
        series.issue(Transaction.CHARGING, T0_MS, 1, SYNCED)
    with pytest.raises(OcmfSequenceError, match="starts with a Begin"):
        series.end(T0_MS, 1, SYNCED)
    with pytest.raises(OcmfSequenceError, match="pass user="):
        series.issue(Transaction.BEGIN, T0_MS, 1, SYNCED)


def test_no_second_begin_while_a_transaction_is_open() -> None:
    series = golden_series()
    series.begin(T0_MS, 1, SYNCED, UserAssignment.session("a"))
    with pytest.raises(OcmfSequenceError, match="already open"):
        series.begin(T0_MS, 1, SYNCED, UserAssignment.session("b"))
    with pytest.raises(OcmfSequenceError, match="fixed at its Begin"):
        series.issue(Transaction.CHARGING, T0_MS, 1, SYNCED, user=UserAssignment.session("b"))


def test_after_an_end_only_a_begin_may_follow() -> None:
    series = golden_series()
    session(series, steps=1)
    assert not series.in_transaction
    with pytest.raises(OcmfSequenceError):
        series.issue(Transaction.TARIFF_CHANGE, T0_MS + 10**6, 10**9, SYNCED)


@pytest.mark.parametrize(
    "reason",
    [Transaction.END_LOCAL, Transaction.END_REMOTE, Transaction.END_ABORT, Transaction.END_POWER],
)
def test_precise_end_codes_close_a_transaction(reason: Transaction) -> None:
    series = golden_series()
    series.begin(T0_MS, 1, SYNCED, UserAssignment.session("a"))
    record = series.end(T0_MS + 1, 2, SYNCED, reason)
    assert record.payload.RD[0].TX is reason
    assert not series.in_transaction
    with pytest.raises(OcmfSequenceError, match="not an end code"):
        series.end(T0_MS + 2, 2, SYNCED, Transaction.CHARGING)


def test_time_and_energy_never_go_back() -> None:
    series = golden_series()
    series.begin(T0_MS, 1_000, SYNCED, UserAssignment.session("a"))
    with pytest.raises(OcmfSequenceError, match="goes back within a transaction"):
        series.issue(Transaction.CHARGING, T0_MS - 1, 1_000, SYNCED)
    with pytest.raises(OcmfSequenceError, match="never decreases"):
        series.issue(Transaction.CHARGING, T0_MS, 999, SYNCED)
    series.issue(Transaction.CHARGING, T0_MS, 1_000, SYNCED)  # equal is fine


def test_a_new_transaction_may_begin_before_the_last_record_after_the_clock_went_back() -> None:
    series = golden_series()
    series.begin(T0_MS, 1_000, SYNCED, UserAssignment.session("a"))
    series.end(T0_MS + 3_600_000, 2_000, SYNCED, Transaction.END)  # the clock an hour ahead
    begin = series.begin(T0_MS + 10_000, 2_000, SYNCED, UserAssignment.session("b"))
    assert begin.payload.RD[-1].TM.unix_ms == T0_MS + 10_000
    with pytest.raises(OcmfSequenceError, match="within a transaction"):
        series.issue(Transaction.CHARGING, T0_MS + 9_999, 2_000, SYNCED)
    series.issue(Transaction.CHARGING, T0_MS + 11_000, 2_100, SYNCED)


def test_error_readings_are_written_with_status_and_flags() -> None:
    series = golden_series()
    series.begin(T0_MS, 1_000, SYNCED, UserAssignment.session("a"))
    record = series.issue(
        Transaction.EXCEPTION,
        T0_MS + 1,
        1_000,
        ClockStatus.UNKNOWN,
        status=MeterStatus.TIMEOUT,
        error_flags="tE",
    )
    reading = record.payload.RD[0]
    assert (reading.TX, reading.ST, reading.EF) == (
        Transaction.EXCEPTION,
        MeterStatus.TIMEOUT,
        "Et",
    )
    assert '"TM":"2026-11-23T13:22:04,001+0000 U"' in record.payload_text
    with pytest.raises(OcmfValueError, match="only 'E' and 't'"):
        series.issue(Transaction.CHARGING, T0_MS + 2, 1_000, SYNCED, error_flags="x")


def test_export_register_and_watt_hours() -> None:
    series = MeterSeries(
        NodeSigner(GOLDEN_KEY),
        METER,
        register=Register.EXPORT,
        energy_format=EnergyFormat(Unit.WH, 0),
    )
    record = series.begin(T0_MS, 5_000, SYNCED, UserAssignment())
    assert '"RV":5,"RI":"01-00:02.08.00","RU":"Wh"' in record.payload_text
    assert '"IS":false,"IF":[],"IT":"NONE"' in record.payload_text
    assert record.payload.RD[0].energy_mwh == 5_000


def test_tariff_text_and_pipes_never_break_the_sections() -> None:
    series = golden_series()
    record = series.begin(
        T0_MS, 1, SYNCED, UserAssignment.session("a|b"), tariff_text="150000 msat/kWh | night"
    )
    assert record.text.count("|") == 2
    assert record.payload.FV == "1.1"  # TT is a 1.1 field
    assert record.payload.ID == "a|b"
    assert verify_record(record.text, GOLDEN_PUBLIC_KEY).payload.TT == "150000 msat/kWh | night"


def test_user_assignment_limits() -> None:
    with pytest.raises(OcmfValueError, match="40 bytes"):
        UserAssignment.session("x" * 41)
    with pytest.raises(OcmfValueError, match="IF holds"):
        UserAssignment(IF=("NOT_A_FLAG",))


def test_only_p256_keys_sign() -> None:
    from gridnode.ocmf import OcmfKeyError

    with pytest.raises(OcmfKeyError, match="secp256r1"):
        NodeSigner(ec.generate_private_key(ec.SECP384R1()))


@pytest.mark.parametrize(
    ("synchronized", "set_since_boot", "flag"),
    [
        (True, False, ClockStatus.SYNCHRONIZED),
        (True, True, ClockStatus.SYNCHRONIZED),
        (False, True, ClockStatus.INFORMATIVE),
        (False, False, ClockStatus.UNKNOWN),
        (None, True, ClockStatus.UNKNOWN),
    ],
)
def test_clock_status_rule(
    synchronized: bool | None, set_since_boot: bool, flag: ClockStatus
) -> None:
    assert clock_status(synchronized, set_since_boot=set_since_boot) is flag


def test_the_state_can_be_rebuilt_from_the_last_record_alone() -> None:
    """Recovery when the ledger kept the records but lost the state: the same state back."""
    series = golden_series()
    user = UserAssignment.session("sess-01")
    steps: list[Callable[[], OcmfRecord]] = [
        lambda: series.begin(T0_MS, 1_000, SYNCED, user),
        lambda: series.issue(Transaction.CHARGING, T0_MS + 1, 2_000, SYNCED),
        lambda: series.issue(Transaction.SUSPENDED, T0_MS + 2, 2_000, SYNCED),
        lambda: series.end(T0_MS + 3, 3_000, SYNCED),
    ]
    for step in steps:
        record = step()
        assert SeriesState.following(parse_record(record.text)) == series.state


def test_a_state_is_not_rebuilt_from_a_foreign_record() -> None:
    record = parse_record(SPEC_EXAMPLE)  # GS is a serial, and RV 2935.6 kWh is fine...
    assert SeriesState.following(record).next_page == 12346
    fiscal = parse_record(SPEC_EXAMPLE.replace('"PG": "T12345"', '"PG": "F7"'))
    with pytest.raises(OcmfValueError, match="cannot be rebuilt"):
        SeriesState.following(fiscal)
