"""Modbus RTU framing and register decoding, sans I/O: bytes in, typed values out.

Used by the simulated slave (which must speak real frames) and by the drivers'
decoding step. No serial port, no clock, no thread here.

A frame is ``address | function | payload | crc16 (low byte first)``. Only what the
meters and relay boards need is modelled: read coils (1), read holding registers (3),
read input registers (4), write single coil (5) and write single register (6).
"""

from __future__ import annotations

import enum
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from gridnode.hardware.errors import CrcError, HardwareError


class Function(enum.IntEnum):
    """The Modbus function codes gridnode speaks."""

    READ_COILS = 1
    READ_HOLDING_REGISTERS = 3
    READ_INPUT_REGISTERS = 4
    WRITE_SINGLE_COIL = 5
    WRITE_SINGLE_REGISTER = 6


class ExceptionCode(enum.IntEnum):
    """Modbus exception codes a slave answers with (function code | 0x80)."""

    ILLEGAL_FUNCTION = 1
    ILLEGAL_DATA_ADDRESS = 2
    ILLEGAL_DATA_VALUE = 3
    SLAVE_DEVICE_FAILURE = 4


class WordOrder(enum.Enum):
    """Order of the 16-bit registers inside a 32-bit value."""

    BIG = "big"  # high word first (Eastron SDM)
    LITTLE = "little"  # low word first


#: Request frames of functions 1 to 6 are always 8 bytes long.
REQUEST_LENGTH = 8
COIL_ON = 0xFF00
COIL_OFF = 0x0000


class FrameError(HardwareError):
    """A frame is too short, has an unknown function, or a payload of the wrong size."""


def crc16(data: bytes) -> int:
    """The Modbus CRC-16 (polynomial 0xA001 reflected, initial value 0xFFFF)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(body: bytes) -> bytes:
    """Append the CRC, low byte first, as it goes on the wire."""
    return body + struct.pack("<H", crc16(body))


def check_crc(frame: bytes) -> bytes:
    """Return the frame without its CRC, or raise :class:`CrcError`."""
    if len(frame) < 4:
        raise FrameError(f"A Modbus RTU frame has at least 4 bytes; got {len(frame)}.")
    body, (received,) = frame[:-2], struct.unpack("<H", frame[-2:])
    if crc16(body) != received:
        raise CrcError(
            f"The frame's CRC is 0x{received:04X} but its bytes give 0x{crc16(body):04X}; "
            "check the RS-485 wiring (A/B, termination, shared ground) and the baud rate."
        )
    return body


@dataclass(frozen=True, slots=True)
class Request:
    """One request of function 1 to 6: for reads ``value`` is the count of items."""

    slave: int
    function: Function
    address: int
    value: int

    def encode(self) -> bytes:
        return with_crc(struct.pack(">BBHH", self.slave, self.function, self.address, self.value))


def decode_request(frame: bytes) -> Request:
    """Parse an 8-byte request frame (raises :class:`CrcError` or :class:`FrameError`)."""
    if len(frame) != REQUEST_LENGTH:
        raise FrameError(f"A request frame has {REQUEST_LENGTH} bytes; got {len(frame)}.")
    body = check_crc(frame)
    slave, function, address, value = struct.unpack(">BBHH", body)
    try:
        return Request(slave, Function(function), address, value)
    except ValueError:
        raise FrameError(f"Function code {function} is not supported.") from None


def encode_registers_response(slave: int, function: Function, registers: Sequence[int]) -> bytes:
    """The answer to a read of holding (3) or input (4) registers."""
    payload = b"".join(struct.pack(">H", r) for r in registers)
    return with_crc(struct.pack(">BBB", slave, function, len(payload)) + payload)


def encode_bits_response(slave: int, bits: Sequence[bool]) -> bytes:
    """The answer to a read of coils (1): bits packed least significant first."""
    packed = bytearray((len(bits) + 7) // 8)
    for i, bit in enumerate(bits):
        if bit:
            packed[i // 8] |= 1 << (i % 8)
    return with_crc(struct.pack(">BBB", slave, Function.READ_COILS, len(packed)) + bytes(packed))


def encode_echo_response(request: Request) -> bytes:
    """Functions 5 and 6 answer with the request itself."""
    return request.encode()


def encode_exception(slave: int, function: int, code: ExceptionCode) -> bytes:
    return with_crc(struct.pack(">BBB", slave, function | 0x80, code))


def response_length(function: Function, count: int) -> int:
    """Bytes on the wire of a normal answer to a request for ``count`` items."""
    if function in (Function.READ_HOLDING_REGISTERS, Function.READ_INPUT_REGISTERS):
        return 5 + 2 * count
    if function is Function.READ_COILS:
        return 5 + (count + 7) // 8
    return REQUEST_LENGTH


def decode_registers_response(frame: bytes, request: Request) -> list[int]:
    """The registers of an answer to ``request`` (function 3 or 4)."""
    body = check_crc(frame)
    if len(body) >= 3 and body[1] == request.function | 0x80:
        raise FrameError(f"The slave answered with Modbus exception code {body[2]}.")
    if len(body) != 3 + 2 * request.value or body[2] != 2 * request.value:
        raise FrameError(
            f"Expected {request.value} registers; the frame has {len(body) - 3} bytes."
        )
    return [int(v) for v in struct.unpack(f">{request.value}H", body[3:])]


def registers_to_float32(words: Sequence[int], order: WordOrder = WordOrder.BIG) -> float:
    """Decode two registers holding an IEEE-754 float32 (bytes big-endian in each word)."""
    if len(words) != 2:
        raise FrameError(f"A float32 spans two registers; got {len(words)}.")
    high, low = (words[0], words[1]) if order is WordOrder.BIG else (words[1], words[0])
    value: float = struct.unpack(">f", struct.pack(">HH", high, low))[0]
    return value


def float32_to_registers(value: float, order: WordOrder = WordOrder.BIG) -> tuple[int, int]:
    """Encode a float32 into two registers (the simulator's side)."""
    high, low = struct.unpack(">HH", struct.pack(">f", value))
    return (high, low) if order is WordOrder.BIG else (low, high)


def registers_to_uint32(words: Sequence[int], order: WordOrder = WordOrder.BIG) -> int:
    high, low = (words[0], words[1]) if order is WordOrder.BIG else (words[1], words[0])
    return (high << 16) | low


def float32_step(value: float) -> float:
    """The distance from ``value`` to the next float32: the register's resolution there.

    A float32 has a 24-bit significand, so at 16,384 kWh and above the step is 1/512 kWh,
    about 2 Wh (REFERENCE.md, "Meter resolution").
    """
    if not math.isfinite(value):
        return math.inf
    as_bits: int = struct.unpack(">I", struct.pack(">f", abs(value)))[0]
    following: float = struct.unpack(">f", struct.pack(">I", as_bits + 1))[0]
    here: float = struct.unpack(">f", struct.pack(">I", as_bits))[0]
    return following - here
