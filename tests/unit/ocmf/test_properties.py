"""Properties: any valid session verifies and round-trips; any single-byte change inside
any payload is rejected (the receipt verifier's guarantee, issue 9)."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from gridnode.ocmf import (
    MeterSeries,
    NodeSigner,
    OcmfError,
    OcmfRecord,
    parse_record,
    verify_record,
    verify_series,
)
from gridnode.ocmf.record import encode_payload
from tests.support.ocmf.helpers import GOLDEN_KEY
from tests.support.ocmf.strategies import sessions

KEY_HEX = NodeSigner(GOLDEN_KEY).public_key_hex


@given(sessions())
def test_every_valid_session_verifies_and_round_trips(
    drawn: tuple[MeterSeries, list[OcmfRecord]],
) -> None:
    series, records = drawn
    assert verify_series([r.text for r in records], KEY_HEX) == []
    for record in records:
        parsed = verify_record(record.text, KEY_HEX)
        assert parsed == record
        assert encode_payload(parsed.payload) == record.payload_text
        reading = parsed.payload.RD[0]
        assert reading.RU is series.energy_format.unit
    assert records[-1].page + 1 == series.state.next_page


@given(sessions(), st.data())
def test_any_single_byte_change_inside_a_payload_is_rejected(
    drawn: tuple[MeterSeries, list[OcmfRecord]], data: st.DataObject
) -> None:
    _, records = drawn
    index = data.draw(st.integers(min_value=0, max_value=len(records) - 1), label="record")
    raw = records[index].text.encode("utf-8")
    start = len(b"OCMF|")
    end = start + len(records[index].payload_text.encode("utf-8"))
    offset = data.draw(st.integers(min_value=start, max_value=end - 1), label="offset")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != raw[offset]), label="byte")
    tampered = raw[:offset] + bytes([byte]) + raw[offset + 1 :]

    try:
        verify_record(tampered, KEY_HEX)
    except OcmfError:
        pass
    else:
        raise AssertionError(f"a changed byte at {offset} was accepted: {tampered!r}")

    texts: list[str | bytes] = [r.text for r in records]
    texts[index] = tampered
    findings = verify_series(texts, KEY_HEX)
    assert findings, "the series verifier accepted a tampered record"
    assert any(f.position == index for f in findings)


@given(sessions())
def test_parsing_our_records_never_changes_them(
    drawn: tuple[MeterSeries, list[OcmfRecord]],
) -> None:
    _, records = drawn
    for record in records:
        assert parse_record(record.text).text == record.text


@given(sessions(), st.data())
def test_damaged_records_fail_only_with_typed_errors(
    drawn: tuple[MeterSeries, list[OcmfRecord]], data: st.DataObject
) -> None:
    """Several random edits anywhere in a record: a typed error or a clean result, no crash."""
    _, records = drawn
    raw = bytearray(records[0].text.encode("utf-8"))
    for _ in range(data.draw(st.integers(min_value=1, max_value=8), label="edits")):
        offset = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        edit = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        byte = data.draw(st.sampled_from(b'{}[]",:|0123456789.eE-+ TtFfnNaAsSBCX\\\x00\xff'))
        if edit == "replace":
            raw[offset] = byte
        elif edit == "delete" and len(raw) > 1:
            del raw[offset]
        else:
            raw.insert(offset, byte)
    with contextlib.suppress(OcmfError):
        parse_record(bytes(raw))
    verify_series([bytes(raw), *[r.text for r in records[1:]]], KEY_HEX)


@given(st.binary(max_size=300) | st.text(max_size=300))
def test_arbitrary_input_fails_only_with_typed_errors(junk: bytes | str) -> None:
    with contextlib.suppress(OcmfError):
        parse_record(junk)
    assert verify_series([junk], KEY_HEX)
