"""Parsing: round trips, the specification's own example, and errors that tell malformed
from unknown, each naming the field and the record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridnode.errors import GridnodeError
from gridnode.ocmf import (
    ClockStatus,
    CurrentType,
    MeterStatus,
    OcmfMalformedError,
    OcmfUnknownError,
    SignatureAlgorithm,
    Transaction,
    Unit,
    parse_record,
)
from gridnode.ocmf.record import encode_payload, encode_signature
from tests.support.ocmf.helpers import SPEC_EXAMPLE, golden_series, session


def test_the_specification_example_parses() -> None:
    record = parse_record(SPEC_EXAMPLE)
    payload = record.payload
    assert (payload.PG, payload.page, payload.context) == ("T12345", 12345, "T")
    assert payload.IF == ("RFID_PLAIN", "OCPP_RS_TLS")
    assert payload.extras["LC"] == {
        "LN": "cable_name",
        "LI": Decimal(1),
        "LR": Decimal(2),
        "LU": "mOhm",
    }
    begin, end = payload.RD
    assert begin.TX is Transaction.BEGIN
    assert end.TX is Transaction.END
    assert (Decimal("2935.6"), Unit.KWH, CurrentType.DC) == (begin.RV, begin.RU, begin.RT)
    assert end.extras == {"CL": Decimal("0.5")}
    assert end.TM.status is ClockStatus.SYNCHRONIZED
    # Defaults of Table 8 apply to the omitted signature fields.
    assert record.signature.SA is SignatureAlgorithm.SECP256R1_SHA256


def test_our_records_round_trip_byte_for_byte() -> None:
    for record in session(golden_series()):
        parsed = parse_record(record.text)
        assert parsed == record
        assert encode_payload(parsed.payload) == record.payload_text
        assert encode_signature(parsed.signature) == record.signature_text
        assert parse_record(record.text.encode()) == record
        assert str(parsed) == record.text


def test_surrounding_whitespace_is_ignored_but_payload_bytes_are_kept() -> None:
    record = session(golden_series())[0]
    assert parse_record(f"  {record.text}\n").payload_text == record.payload_text


def test_later_readings_inherit_omitted_fields_within_a_record() -> None:
    text = (
        'OCMF|{"FV":"1.0","PG":"T1","MS":"m","IS":false,"IT":"NONE","RD":['
        '{"TM":"2026-11-23T13:22:04,000+0000 S","TX":"B","RV":1.5,"RI":"01-00:01.08.00",'
        '"RU":"kWh","RT":"AC","EF":"","ST":"G"},'
        '{"TX":"C","RV":1.6},{"TM":"2026-11-23T13:23:04,000+0000 S","TX":"E","RV":1.700}]}'
        '|{"SD":"3006020101020101"}'
    )
    readings = parse_record(text).payload.RD
    assert [r.TX for r in readings] == [Transaction.BEGIN, Transaction.CHARGING, Transaction.END]
    assert readings[1].TM == readings[0].TM
    assert all(r.RI == "01-00:01.08.00" and r.ST is MeterStatus.GOOD for r in readings)
    assert str(readings[2].RV) == "1.700"  # the number's written digits are kept
    assert readings[2].energy_mwh == 1_700_000


def _with(payload: str, signature: str = '{"SD":"3006020101020101"}') -> str:
    return f"OCMF|{payload}|{signature}"


_GOOD_READING = (
    '{"TM":"2026-11-23T13:22:04,000+0000 S","TX":"B","RV":1,"RI":"01-00:01.08.00",'
    '"RU":"kWh","EF":"","ST":"G"}'
)


def _payload(extra: str = "", reading: str = _GOOD_READING, head: str = '"PG":"T3"') -> str:
    return "{" + head + ',"MS":"m","IS":false,"IT":"NONE"' + extra + ',"RD":[' + reading + "]}"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("OCMX|{}|{}", None),
        ("OCMF|{}", None),
        (_with(_payload()) + "|3059301306", None),  # a public key appended
        (_with("{not json"), None),
        (_with("[1,2]"), None),
        (_with(_payload(head='"PG":"T03"')), "PG"),
        (_with(_payload(head='"PG":"Q3"')), "PG"),
        (_with(_payload(head='"PG":3')), "PG"),
        (_with(_payload(head='"PG":"T3","PG":"T4"')), "PG"),  # duplicate key
        (_with(_payload(',"GI":7')), "GI"),
        (_with(_payload(',"IS":"yes"')), "IS"),
        (_with(_payload(',"IF":"RFID_PLAIN"')), "IF"),
        (_with(_payload(',"TT":"' + "x" * 251 + '"')), "TT"),
        (_with(_payload(reading='{"TX":"B","ST":"G"}')), "RD[0].TM"),
        (_with(_payload(reading=_GOOD_READING.replace(',"ST":"G"', ""))), "RD[0].ST"),
        (_with(_payload(reading=_GOOD_READING.replace('"RV":1', '"RV":"1"'))), "RD[0].RV"),
        (_with(_payload(reading=_GOOD_READING.replace('"RV":1', '"RV":NaN'))), None),
        (_with(_payload(reading=_GOOD_READING.replace('"RU":"kWh",', ""))), "RD[0].RU"),
        (_with(_payload(reading=_GOOD_READING.replace(",000+", ".000+"))), "RD[0].TM"),
        (_with('{"PG":"T3","IS":false,"IT":"NONE","RD":[' + _GOOD_READING + "]}"), "MS"),
        (_with(_payload().replace('"IS":false,', "")), "IS"),
        (_with(_payload(reading="")), "RD"),
        (_with(_payload(), '{"SD":"zz"}'), "SD"),
        (_with(_payload(), '{"SD":"30 06"}'), "SD"),
        (_with(_payload(), '{"SA":"ECDSA-secp256r1-SHA256"}'), "SD"),
        (_with(_payload(), '{"SE":"base64","SD":"***"}'), "SD"),
    ],
)
def test_malformed_records_are_refused_naming_the_field(text: str, field: str | None) -> None:
    with pytest.raises(OcmfMalformedError) as caught:
        parse_record(text)
    assert caught.value.field == field
    assert str(caught.value).endswith((".", ")"))  # a sentence, not a stack of codes
    assert isinstance(caught.value, GridnodeError)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (_with(_payload(reading=_GOOD_READING.replace('"TX":"B"', '"TX":"Q"'))), "RD[0].TX"),
        (_with(_payload(reading=_GOOD_READING.replace('"ST":"G"', '"ST":"K"'))), "RD[0].ST"),
        (_with(_payload(reading=_GOOD_READING.replace('"kWh"', '"MWh"'))), "RD[0].RU"),
        (_with(_payload(reading=_GOOD_READING.replace('"EF":""', '"EF":"Q"'))), "RD[0].EF"),
        (_with(_payload(reading=_GOOD_READING.replace('"EF":""', '"EF":"EE"'))), "RD[0].EF"),
        (_with(_payload(reading=_GOOD_READING.replace(" S", " Q"))), "RD[0].TM"),
        (_with(_payload(reading=_GOOD_READING[:-1] + ',"QQ":1}')), "RD[0].QQ"),
        (_with(_payload(',"IT":"PASSPORT"').replace('"IT":"NONE",', "")), "IT"),
        (_with(_payload(',"IL":"MAYBE"')), "IL"),
        (_with(_payload(',"IF":["RFID_MAGIC"]')), "IF"),
        (_with(_payload(',"FV":"2.0"')), "FV"),
        (_with(_payload(',"QA":1')), "QA"),
        (_with(_payload(), '{"SA":"RSA-SHA256","SD":"3006"}'), "SA"),
        (_with(_payload(), '{"SE":"base32","SD":"3006"}'), "SE"),
        (_with(_payload(), '{"SM":"application/json","SD":"3006"}'), "SM"),
        (_with(_payload(), '{"SD":"3006","QQ":1}'), "QQ"),
    ],
)
def test_unknown_codes_are_told_apart_from_malformed_text(text: str, field: str) -> None:
    with pytest.raises(OcmfUnknownError) as caught:
        parse_record(text)
    assert caught.value.field == field
    assert not isinstance(caught.value, OcmfMalformedError)


def test_errors_inside_a_record_name_its_page() -> None:
    text = _with(_payload(reading=_GOOD_READING.replace('"TX":"B"', '"TX":"Q"')))
    with pytest.raises(OcmfUnknownError) as caught:
        parse_record(text)
    assert caught.value.page == 3


def test_extension_fields_and_the_fiscal_context_are_accepted() -> None:
    text = _with(
        '{"PG":"F0","MS":"m","XVENDOR":{"a":[1,true,null]},"RD":['
        '{"TM":"2026-11-23T13:22:04,000+0000 I","RV":1,"RI":"01-00:01.08.00","RU":"Wh",'
        '"ST":"G"}]}',
        '{"SA":"ECDSA-secp256r1-SHA256","SE":"base64","SD":"MAYCAQECAQE=","Ucomment":"x"}',
    )
    record = parse_record(text)
    assert record.payload.context == "F"
    assert record.payload.page == 0
    assert record.payload.IS is None
    assert record.payload.RD[0].TX is None
    assert record.payload.extras == {"XVENDOR": {"a": [Decimal(1), True, None]}}


@pytest.mark.parametrize(
    "text",
    [
        _with(_payload(head='"PG":"T' + "9" * 5000 + '"')),  # beyond int()'s digit limit
        _with(_payload(reading=_GOOD_READING.replace('"RV":1', '"RV":1e999999999'))),
        _with(_payload(reading=_GOOD_READING.replace('"RV":1', '"RV":1e-999999999'))),
        _with("[" * 100_000 + "]" * 100_000),
    ],
)
def test_hostile_input_is_malformed_not_a_crash(text: str) -> None:
    with pytest.raises(OcmfMalformedError):
        parse_record(text)
