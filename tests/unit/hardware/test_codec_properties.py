"""Codec properties: frames round-trip, and the CRC catches every single-bit error."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.hardware.codec import (
    Function,
    Request,
    WordOrder,
    check_crc,
    decode_request,
    float32_to_registers,
    registers_to_float32,
)
from gridnode.hardware.errors import CrcError

requests: st.SearchStrategy[Request] = st.builds(
    Request,
    st.integers(1, 247),
    st.sampled_from(list(Function)),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFF),
)


@given(requests)
def test_requests_round_trip(request_: Request) -> None:
    assert decode_request(request_.encode()) == request_


@given(requests, st.data())
def test_any_single_bit_flip_fails_the_crc(request_: Request, data: st.DataObject) -> None:
    frame = bytearray(request_.encode())
    bit = data.draw(st.integers(0, len(frame) * 8 - 1))
    frame[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(CrcError):
        check_crc(bytes(frame))


@given(st.floats(width=32, allow_nan=False), st.sampled_from(list(WordOrder)))
def test_float32_round_trips_in_either_word_order(value: float, order: WordOrder) -> None:
    assert registers_to_float32(float32_to_registers(value, order), order) == value


def test_float32_words_are_big_endian_bytes() -> None:
    assert float32_to_registers(230.0) == struct.unpack(">HH", bytes.fromhex("43660000"))
