"""Register decoding against frames worked out from published documentation, not from
our own profile files: Eastron's SDM120/SDM630 Modbus protocol (float32, high word
first) and the Modbus-over-serial-line examples (CRC low byte first)."""

from __future__ import annotations

import os
import select
import struct
import threading
import tty
from datetime import UTC, datetime

import pytest

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.codec import (
    Function,
    Request,
    WordOrder,
    check_crc,
    decode_registers_response,
    decode_request,
    float32_step,
    registers_to_float32,
)
from gridnode.hardware.errors import CrcError
from gridnode.hardware.meter import ModbusMeter
from gridnode.hardware.profile import Quantity, decode_blocks, load_profile
from gridnode.hardware.sample import MeterSample, build_sample

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


# --- SDM630: a three-phase answer built by hand --------------------------------------
#
# The frames below are built here, not by gridnode's codec: the floats with struct (IEEE-754
# binary32, big-endian, so each register's high byte first and the high word first, as
# Eastron documents), the framing as in the Modbus-over-serial-line spec (slave, function,
# byte count, data, CRC low byte first), and the CRC by a separate MSB-first formulation of
# CRC-16 (polynomial 0x8005 on bit-reversed bytes, result bit-reversed), which equals the
# spec's reflected 0xA001 loop only if both are right.


def _reverse_bits(value: int, width: int) -> int:
    return int(f"{value:0{width}b}"[::-1], 2)


def _crc16_modbus(data: bytes) -> int:
    crc = 0xFFFF  # all ones is its own bit reversal
    for byte in data:
        crc ^= _reverse_bits(byte, 8) << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return _reverse_bits(crc, 16)


def _rtu(body: bytes) -> bytes:
    return body + _crc16_modbus(body).to_bytes(2, "little")


def _floats_answer(slave: int, floats: list[float]) -> bytes:
    data = b"".join(struct.pack(">f", value) for value in floats)
    return _rtu(bytes([slave, 0x04, len(data)]) + data)


def test_the_independent_crc_reproduces_the_published_frames() -> None:
    for published in (
        "11 03 00 6B 00 03 76 87",
        "01 04 00 00 00 02 71 CB",
        "01 04 04 43 66 00 00 0E 1F",
    ):
        frame = bytes.fromhex(published)
        assert _rtu(frame[:-2]) == frame


# Eastron SDM630 input registers (function 04): 0x00/0x02/0x04 phase 1-3 voltage (V),
# 0x06/0x08/0x0A phase 1-3 current (A), 0x0C/0x0E/0x10 phase 1-3 active power (W),
# 0x34 total system power (W), 0x46 frequency (Hz), 0x48 import and 0x4A export energy (kWh).
SDM630_PHASES = [  # (V, A, W); every value is exact in binary32
    (230.0, 10.0, 2300.0),  # 230.0 = 0x4366 0x0000
    (231.5, 12.25, 2835.875),  # 231.5 = 0x4367 0x8000, 12.25 = 0x4144 0x0000
    (229.0, 7.5, 1717.5),  # 229.0 = 0x4365 0x0000, 7.5 = 0x40F0 0x0000
]
SDM630_TOTAL_POWER_W = 6853.375
SDM630_FREQUENCY_HZ = 49.98  # binary32 49.979999542236328125 -> 49_980 mHz
# 12345.678 kWh is not a binary32: the nearest is 12345.677734375 (steps of 2**-10 kWh at
# this size), so the meter itself says 12_345_677_734.375 mWh, rounded half-even to
# 12_345_677_734 mWh. The register resolution, not gridnode, decides the last digits.
SDM630_IMPORT_KWH = 12345.678
SDM630_EXPORT_KWH = 0.5
# 0xE0 neutral current (A); 0x15A/0x15C/0x15E the import energy of each phase (kWh),
# exact in binary32 (what the meter's total adds up, within its float32 step)
SDM630_NEUTRAL_A = 4.25
SDM630_PHASE_IMPORT_KWH = (4115.25, 4115.25, 4115.125)


def _sdm630_answers(slave: int) -> dict[tuple[int, int], bytes]:
    """(start register, count) -> the answer frame, for the five contiguous runs."""
    return {
        (0x00, 18): _floats_answer(
            slave,
            [v for v, _, _ in SDM630_PHASES]
            + [a for _, a, _ in SDM630_PHASES]
            + [w for _, _, w in SDM630_PHASES],
        ),
        (0x34, 2): _floats_answer(slave, [SDM630_TOTAL_POWER_W]),
        (0x46, 6): _floats_answer(
            slave, [SDM630_FREQUENCY_HZ, SDM630_IMPORT_KWH, SDM630_EXPORT_KWH]
        ),
        (0xE0, 2): _floats_answer(slave, [SDM630_NEUTRAL_A]),
        (0x15A, 6): _floats_answer(slave, list(SDM630_PHASE_IMPORT_KWH)),
    }


def _assert_sdm630_golden_sample(sample: MeterSample) -> None:
    assert [(p.phase, p.voltage_mv, p.current_ma, p.power_mw) for p in sample.phases] == [
        (1, 230_000, 10_000, 2_300_000),
        (2, 231_500, 12_250, 2_835_875),
        (3, 229_000, 7_500, 1_717_500),
    ]
    assert sample.voltage_mv == (230_000 + 231_500 + 229_000) // 3  # no total register: mean
    assert sample.current_ma == 29_750  # no total register: sum of line currents
    assert sample.power_mw == 6_853_375  # the meter's own total, register 0x34
    assert sample.frequency_mhz == 49_980
    assert sample.import_energy_mwh == 12_345_677_734
    assert sample.export_energy_mwh == 500_000
    assert [p.import_energy_mwh for p in sample.phases] == [
        4_115_250_000,
        4_115_250_000,
        4_115_125_000,
    ]
    assert sample.neutral_current_ma == 4_250


def test_hand_worked_registers_are_the_ieee754_words() -> None:
    frame = _sdm630_answers(1)[(0x00, 18)]
    assert frame[:3] == bytes([0x01, 0x04, 36])
    assert frame[3:15].hex(" ") == "43 66 00 00 43 67 80 00 43 65 00 00"
    assert frame[15:27].hex(" ") == "41 20 00 00 41 44 00 00 40 f0 00 00"


def test_sdm630_profile_decodes_golden_three_phase_frames_to_milli_units() -> None:
    profile = load_profile("sdm630")
    frames = _sdm630_answers(1)
    assert {(b.address, b.count) for b in profile.blocks()} == set(frames)
    answers = {
        block: decode_registers_response(
            frames[(block.address, block.count)],
            Request(1, Function.READ_INPUT_REGISTERS, block.address, block.count),
        )
        for block in profile.blocks()
    }
    values = decode_blocks(profile, answers)
    assert values[(Quantity.VOLTAGE, 2)] == 231_500
    assert values[(Quantity.IMPORT_ENERGY, None)] == 12_345_677_734
    sample = build_sample("sdm630#1", datetime(2026, 1, 1, tzinfo=UTC), values, profile.phases)
    _assert_sdm630_golden_sample(sample)


def _answer_on_pty(master: int, frames: dict[bytes, bytes], stop: threading.Event) -> None:
    """A slave that knows only the golden frames: a request it does not expect stays
    unanswered (the driver then reports no answer)."""
    pending = b""
    while not stop.is_set():
        ready, _, _ = select.select([master], [], [], 0.02)
        if not ready:
            continue
        try:
            pending += os.read(master, 256)
        except OSError:
            return
        while len(pending) >= 8:
            request, pending = pending[:8], pending[8:]
            if request in frames:
                os.write(master, frames[request])


def test_sdm630_driver_reads_golden_frames_off_the_wire() -> None:
    """The real driver (minimalmodbus, pyserial, ModbusMeter) against hand-built frames."""
    slave = 7
    frames = {
        _rtu(bytes([slave, 0x04]) + struct.pack(">HH", start, count)): answer
        for (start, count), answer in _sdm630_answers(slave).items()
    }
    # Serial number, holding register 0xFC00 (function 03), uint32 high word first.
    serial_request = _rtu(bytes([slave, 0x03]) + struct.pack(">HH", 0xFC00, 2))
    frames[serial_request] = _rtu(bytes([slave, 0x03, 4]) + struct.pack(">I", 1_234_567))
    master, slave_fd = os.openpty()
    tty.setraw(slave_fd)
    stop = threading.Event()
    thread = threading.Thread(target=_answer_on_pty, args=(master, frames, stop), daemon=True)
    thread.start()
    try:
        with ModbusBus(os.ttyname(slave_fd), 9600, gap_s=0.0, timeout_s=0.5) as bus:
            meter = ModbusMeter(bus, load_profile("sdm630"), slave)
            sample = meter.read_blocking()
    finally:
        stop.set()
        thread.join(timeout=2)
        os.close(master)
        os.close(slave_fd)
    assert meter.serial_number == 1_234_567
    _assert_sdm630_golden_sample(sample)
