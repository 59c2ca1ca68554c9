"""A Modbus RTU slave on a pseudo-terminal, serving simulated meters and a relay board.

Our own small slave rather than pymodbus's server: the drivers need only functions 1,
3, 4 and 5, and the simulator must control what pymodbus hides: the timing of every
frame on a line with no timing of its own (a pty delivers bytes at once), and faults on
the wire (no answer, a corrupted CRC, a late answer). The framing is
:mod:`gridnode.hardware.codec`, sans I/O; this module only adds the pty and a thread.

Line timing: with ``baud`` set, each request is held for its time on the wire plus the
3.5-character silence, and each answer is released only after its own time on the
wire, so a master sees what a real RS-485 line would give it.
"""

from __future__ import annotations

import enum
import logging
import os
import select
import threading
import time
import tty
from collections import deque
from dataclasses import dataclass

from gridnode.hardware.budget import char_time_s
from gridnode.hardware.codec import (
    COIL_OFF,
    COIL_ON,
    REQUEST_LENGTH,
    ExceptionCode,
    FrameError,
    Function,
    Request,
    decode_request,
    encode_bits_response,
    encode_echo_response,
    encode_exception,
    encode_registers_response,
    float32_to_registers,
)
from gridnode.hardware.errors import CrcError
from gridnode.hardware.profile import CT_SCALED, DataType, Profile
from gridnode.hardware.sim.circuit import Circuit, SimMeter
from gridnode.hardware.sim.house import HouseMeter
from gridnode.hardware.sim.inverter import SimInverter

log = logging.getLogger(__name__)

#: Coil 0 of the simulated relay board switches the contactor; writing coil 1 kicks
#: the simulated external watchdog.
RELAY_COIL = 0
WATCHDOG_COIL = 1


class Fault(enum.Enum):
    """Faults injected on the wire, each for the next matching request(s)."""

    NO_ANSWER = "no_answer"
    BAD_CRC = "bad_crc"
    SLOW_ANSWER = "slow_answer"
    #: The meter's energy counters restart at 0 just before it answers (a keypad reset).
    COUNTER_RESET = "counter_reset"


class MeterDevice:
    """Answers reads of a profile's registers from a :class:`SimMeter` (or a
    :class:`SimInverter`, or a simulated house's :class:`HouseMeter`, read like a meter)."""

    def __init__(self, meter: SimMeter | SimInverter | HouseMeter, profile: Profile) -> None:
        self.meter = meter
        self.profile = profile

    def _image(self, function: Function) -> dict[int, int]:
        values = self.meter.values()
        image: dict[int, int] = {}
        for spec in self.profile.registers:
            if spec.function is not function:
                continue
            value = values[(spec.quantity.value, spec.phase)]
            if spec.quantity in CT_SCALED:  # a CT meter reports its terminals' side
                value /= float(self.profile.ct_ratio)
            if spec.unit == "Wh":
                value *= 1000
            value /= float(spec.scale)
            if spec.data_type is DataType.FLOAT32:
                words: tuple[int, ...] = float32_to_registers(value, spec.word_order)
            else:
                raw = round(value) & (0xFFFFFFFF if spec.data_type.width == 2 else 0xFFFF)
                words = (raw >> 16, raw & 0xFFFF) if spec.data_type.width == 2 else (raw,)
            for i, word in enumerate(words):
                image[spec.address + i] = word
        serial = self.profile.serial_number
        if serial is not None and serial.function is function:
            image[serial.address] = self.meter.serial_number >> 16
            image[serial.address + 1] = self.meter.serial_number & 0xFFFF
        return image

    def handle(self, request: Request) -> bytes:
        fn = request.function
        if fn not in (Function.READ_INPUT_REGISTERS, Function.READ_HOLDING_REGISTERS):
            return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_FUNCTION)
        image = self._image(fn)
        wanted = range(request.address, request.address + request.value)
        if request.value < 1 or any(a not in image for a in wanted):
            return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_ADDRESS)
        return encode_registers_response(request.slave, fn, [image[a] for a in wanted])


class RelayBoardDevice:
    """A Modbus relay board whose coil 0 is the circuit's relay (coil 1: watchdog kick)."""

    def __init__(self, circuit: Circuit) -> None:
        self.circuit = circuit

    def handle(self, request: Request) -> bytes:
        fn = request.function
        if fn is Function.READ_COILS:
            if request.address + request.value > 2 or request.value < 1:
                return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_ADDRESS)
            bits = [self.circuit.relay_on, False][request.address : request.address + request.value]
            return encode_bits_response(request.slave, bits)
        if fn is Function.WRITE_SINGLE_COIL:
            if request.value not in (COIL_ON, COIL_OFF):
                return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_VALUE)
            if request.address == RELAY_COIL:
                self.circuit.set_relay(request.value == COIL_ON)
            elif request.address == WATCHDOG_COIL:
                self.circuit.kick_watchdog()
            else:
                return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_ADDRESS)
            return encode_echo_response(request)
        return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_FUNCTION)


Device = MeterDevice | RelayBoardDevice


#: How many exchanges a slave remembers: the demo's buses make about 250,000 an hour,
#: which the list once kept for good (a soak saw the circuit's heap grow 30 MB an hour).
EXCHANGES_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request seen by the slave: when it arrived and when the answer left."""

    slave: int
    function: int
    address: int
    count: int
    received_at: float
    answered_at: float | None


@dataclass
class _Injected:
    fault: Fault
    slave: int | None
    delay_s: float


class PtySlave:
    """Serves ``devices`` (by slave address) on a fresh pseudo-terminal in a thread."""

    def __init__(
        self,
        devices: dict[int, Device],
        *,
        baud: int | None = None,
        slow_delay_s: float = 1.0,
    ) -> None:
        self.devices = devices
        self.baud = baud
        self.slow_delay_s = slow_delay_s
        #: The latest requests seen, oldest first; at most :data:`EXCHANGES_KEPT` (a
        #: simulator serving for days keeps no more; a test reads far fewer).
        self.exchanges: list[Exchange] = []
        #: Simulator bugs seen while serving; tests fail at teardown when any occurred.
        self.device_failures: list[str] = []
        self._faults: deque[_Injected] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._master, self._slave_fd = os.openpty()
        tty.setraw(self._slave_fd)  # no echo, no line editing before a client configures it
        self.port = os.ttyname(self._slave_fd)
        self._thread = threading.Thread(
            target=self._serve, name=f"pty-slave {self.port}", daemon=True
        )

    def start(self) -> PtySlave:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self._master)
        os.close(self._slave_fd)

    def __enter__(self) -> PtySlave:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(
        self,
        fault: Fault,
        *,
        count: int = 1,
        slave: int | None = None,
        delay_s: float | None = None,
    ) -> None:
        """Apply ``fault`` to the next ``count`` requests (to ``slave`` only, if given)."""
        with self._lock:
            for _ in range(count):
                self._faults.append(_Injected(fault, slave, delay_s or self.slow_delay_s))

    def _take_fault(self, slave: int) -> _Injected | None:
        with self._lock:
            for injected in self._faults:
                if injected.slave in (None, slave):
                    self._faults.remove(injected)
                    return injected
        return None

    def _char_s(self) -> float:
        return char_time_s(self.baud) if self.baud else 0.0

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.02)
            if not ready:
                buffer = b""  # silence ends a frame: drop any partial one
                continue
            try:
                chunk = os.read(self._master, 256)
            except OSError:
                time.sleep(0.01)  # no client has the port open
                continue
            arrived = time.monotonic()
            buffer += chunk
            while len(buffer) >= REQUEST_LENGTH:
                frame, buffer = buffer[:REQUEST_LENGTH], buffer[REQUEST_LENGTH:]
                self._answer(frame, arrived)

    def _answer(self, frame: bytes, arrived: float) -> None:
        try:
            request = decode_request(frame)
        except (CrcError, FrameError):
            return  # a slave ignores a frame it cannot trust
        device = self.devices.get(request.slave)
        if device is None:
            return  # not ours: another slave's address
        char_s = self._char_s()
        # The request took its time on the wire, then the line must be silent 3.5 chars.
        _sleep_until(arrived + (len(frame) + 3.5) * char_s)
        fault = self._take_fault(request.slave)
        if fault is not None and fault.fault is Fault.COUNTER_RESET:
            if isinstance(device, MeterDevice):
                device.meter.reset_counters()
            fault = None
        try:
            answer = device.handle(request)
        except Exception:  # a simulator bug must show as a device failure, not kill the bus
            log.exception("simulated device %d failed on %s", request.slave, request)
            self.device_failures.append(f"slave {request.slave}: {request}")
            answer = encode_exception(
                request.slave, request.function, ExceptionCode.SLAVE_DEVICE_FAILURE
            )
        answered = fault is None or fault.fault is not Fault.NO_ANSWER
        if answered:
            if fault is not None and fault.fault is Fault.BAD_CRC:
                answer = answer[:-1] + bytes([answer[-1] ^ 0xFF])
            if fault is not None and fault.fault is Fault.SLOW_ANSWER:
                time.sleep(fault.delay_s)
            time.sleep(len(answer) * char_s)  # the answer's own time on the wire
        # Recorded before the answer is written: a master that has its answer must
        # find the exchange already in the list.
        self.exchanges.append(
            Exchange(
                request.slave,
                request.function,
                request.address,
                request.value,
                arrived,
                time.monotonic() if answered else None,
            )
        )
        if len(self.exchanges) > EXCHANGES_KEPT:
            # the oldest half goes at once (a list, so a reader iterating meanwhile is safe)
            del self.exchanges[: EXCHANGES_KEPT // 2]
        if answered:
            os.write(self._master, answer)


def _sleep_until(deadline: float) -> None:
    delay = deadline - time.monotonic()
    if delay > 0:
        time.sleep(delay)
