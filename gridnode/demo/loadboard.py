"""The demo's smart loads: appliances on a buyer's circuit, switched as Modbus coils.

Each :class:`SwitchedLoad` draws its power from the circuit only while its coil is on;
a :class:`LoadBoardDevice` is the relay board that holds the coils, served on its own
pseudo-terminal, so ``gridnode loads`` switches them through the same Modbus relay driver
a real board uses, and the buyer's meter sees consumption follow the price.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from gridnode.hardware.codec import (
    COIL_OFF,
    COIL_ON,
    ExceptionCode,
    Function,
    Request,
    encode_bits_response,
    encode_echo_response,
    encode_exception,
)

#: The demo's appliances on the first buyer's circuit: (name, watts).
DEMO_LOADS = (("water heater", 1500.0), ("ev charger", 1000.0))
LOAD_BOARD_ADDRESS = 2


@dataclass
class SwitchedLoad:
    """An appliance that draws ``watts`` while its coil is on."""

    name: str
    watts: float
    phase: int = 1
    on: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def power_w(self, t_s: float) -> float:
        with self._lock:
            return self.watts if self.on else 0.0

    def switch(self, on: bool) -> None:
        with self._lock:
            self.on = on


class LoadBoardDevice:
    """A Modbus relay board whose coil ``i`` switches load ``i``."""

    def __init__(self, loads: list[SwitchedLoad]) -> None:
        self.loads = loads

    def handle(self, request: Request) -> bytes:
        fn, count = request.function, len(self.loads)
        if fn is Function.READ_COILS:
            if request.value < 1 or request.address + request.value > count:
                return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_ADDRESS)
            bits = [
                load.on for load in self.loads[request.address : request.address + request.value]
            ]
            return encode_bits_response(request.slave, bits)
        if fn is Function.WRITE_SINGLE_COIL:
            if request.value not in (COIL_ON, COIL_OFF):
                return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_VALUE)
            if not 0 <= request.address < count:
                return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_DATA_ADDRESS)
            self.loads[request.address].switch(request.value == COIL_ON)
            return encode_echo_response(request)
        return encode_exception(request.slave, fn, ExceptionCode.ILLEGAL_FUNCTION)
