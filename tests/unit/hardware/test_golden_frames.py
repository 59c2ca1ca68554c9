"""Register decoding against frames worked out from published documentation, not from
our own profile files: Eastron's SDM120/SDM630 Modbus protocol (float32, high word
first) and the Modbus-over-serial-line examples (CRC low byte first)."""

from __future__ import annotations

import pytest

from gridnode.hardware.codec import (
    CrcError,
    Function,
    Request,
    WordOrder,
    check_crc,
    decode_registers_response,
    decode_request,
    float32_step,
    registers_to_float32,
)
from gridnode.hardware.profile import Quantity, decode_blocks, load_profile

# (registers as the meter sends them, value) from IEEE-754 tables: 230.0 V is 0x4366 0x0000.
GOLDEN_FLOATS = [
    ((0x4366, 0x0000), 230.0),
    ((0x4248, 0x0000), 50.0),
    ((0x4120, 0x0000), 10.0),
    ((0x3F80, 0x0000), 1.0),
    ((0x447A, 0x0000), 1000.0),
    ((0xC2C8, 0x0000), -100.0),
    ((0x0000, 0x0000), 0.0),
]


@pytest.mark.parametrize(("words", "value"), GOLDEN_FLOATS)
def test_float32_high_word_first(words: tuple[int, int], value: float) -> None:
    assert registers_to_float32(words, WordOrder.BIG) == value


def test_float32_low_word_first_swaps_the_registers() -> None:
    assert registers_to_float32((0x0000, 0x4366), WordOrder.LITTLE) == 230.0


# Published request frames with their CRCs.
GOLDEN_REQUESTS = [
    # Modbus-over-serial example: slave 17 reads 3 holding registers from 0x006B.
    ("11 03 00 6B 00 03 76 87", Request(0x11, Function.READ_HOLDING_REGISTERS, 0x6B, 3)),
    # Slave 17 reads 1 input register at 0x0008.
    ("11 04 00 08 00 01 B2 98", Request(0x11, Function.READ_INPUT_REGISTERS, 0x08, 1)),
    # The SDM "read voltage" query every Eastron integration guide shows.
    ("01 04 00 00 00 02 71 CB", Request(0x01, Function.READ_INPUT_REGISTERS, 0x00, 2)),
]


@pytest.mark.parametrize(("hex_frame", "request_"), GOLDEN_REQUESTS)
def test_golden_requests_encode_and_decode(hex_frame: str, request_: Request) -> None:
    frame = bytes.fromhex(hex_frame)
    assert request_.encode() == frame
    assert decode_request(frame) == request_


def test_golden_voltage_answer_decodes_to_230_volts() -> None:
    # 01 04 04 43 66 00 00 + CRC: the answer to the query above, 230.0 V.
    frame = bytes.fromhex("01 04 04 43 66 00 00 0E 1F")
    words = decode_registers_response(frame, Request(1, Function.READ_INPUT_REGISTERS, 0, 2))
    assert words == [0x4366, 0x0000]
    assert registers_to_float32(words) == 230.0


def test_a_flipped_bit_fails_the_crc() -> None:
    frame = bytearray.fromhex("01 04 04 43 66 00 00 0E 1F")
    frame[4] ^= 0x01
    with pytest.raises(CrcError):
        check_crc(bytes(frame))


def test_sdm120_profile_decodes_golden_registers_to_milli_units() -> None:
    profile = load_profile("sdm120")
    words = {
        0: [0x4366, 0x0000],  # 230.0 V
        6: [0x4120, 0x0000],  # 10.0 A
        12: [0x450F, 0xC000],  # 2300.0 W
        70: [0x4248, 0x0000, 0x447A, 0x0000, 0x3F80, 0x0000],  # 50 Hz, 1000 kWh, 1 kWh
    }
    answers = {block: words[block.address] for block in profile.blocks()}
    values = decode_blocks(profile, answers)
    assert values[(Quantity.VOLTAGE, None)] == 230_000
    assert values[(Quantity.CURRENT, None)] == 10_000
    assert values[(Quantity.POWER, None)] == 2_300_000
    assert values[(Quantity.FREQUENCY, None)] == 50_000
    assert values[(Quantity.IMPORT_ENERGY, None)] == 1_000_000_000  # mWh
    assert values[(Quantity.EXPORT_ENERGY, None)] == 1_000_000


def test_sdm_registers_sit_where_eastron_documents_them() -> None:
    """Addresses from the vendor table (REFERENCE.md), checked against each map file."""
    sdm120 = {(r.quantity.value, r.phase): r.address for r in load_profile("sdm120").registers}
    assert sdm120 == {
        ("voltage", None): 0x00,
        ("current", None): 0x06,
        ("power", None): 0x0C,
        ("frequency", None): 0x46,
        ("import_energy", None): 0x48,
        ("export_energy", None): 0x4A,
    }
    sdm630 = {(r.quantity.value, r.phase): r.address for r in load_profile("sdm630").registers}
    assert [sdm630[("voltage", n)] for n in (1, 2, 3)] == [0, 2, 4]
    assert [sdm630[("current", n)] for n in (1, 2, 3)] == [6, 8, 10]
    assert sdm630[("power", None)] == 0x34


def test_float32_energy_resolution_is_about_2_wh_at_16384_kwh() -> None:
    """REFERENCE.md, "Meter resolution": 1 Wh is not resolvable above ~16,384 kWh."""
    assert float32_step(8192.0) * 1000 < 1.0  # kWh register, in Wh
    assert float32_step(16384.0) * 1000 > 1.0
