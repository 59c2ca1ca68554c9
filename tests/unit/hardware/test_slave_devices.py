"""The simulated slave's devices answer like a meter and a relay board would."""

from __future__ import annotations

from gridnode.hardware.codec import (
    COIL_OFF,
    COIL_ON,
    Function,
    Request,
    check_crc,
    decode_registers_response,
    registers_to_float32,
)
from gridnode.hardware.profile import load_profile
from gridnode.hardware.sim.circuit import Circuit, SimClock, SimMeter
from gridnode.hardware.sim.loads import ConstantLoad
from gridnode.hardware.sim.slave import MeterDevice, RelayBoardDevice


def _circuit() -> Circuit:
    return Circuit(loads=[ConstantLoad(1000.0)], clock=SimClock(manual=True))


def test_meter_device_serves_voltage_as_float32() -> None:
    circuit = _circuit()
    circuit.set_relay(True)
    device = MeterDevice(SimMeter(circuit), load_profile("sdm120"))
    request = Request(1, Function.READ_INPUT_REGISTERS, 0, 2)
    words = decode_registers_response(device.handle(request), request)
    assert registers_to_float32(words) == 230.0


def test_meter_device_refuses_unmapped_and_spanning_reads() -> None:
    device = MeterDevice(SimMeter(_circuit()), load_profile("sdm120"))
    for address, count in ((2, 2), (0, 4), (300, 2)):
        answer = check_crc(device.handle(Request(1, Function.READ_INPUT_REGISTERS, address, count)))
        assert answer == bytes([1, 0x84, 2])  # exception 2: illegal data address


def test_meter_device_refuses_writes() -> None:
    device = MeterDevice(SimMeter(_circuit()), load_profile("sdm120"))
    answer = check_crc(device.handle(Request(1, Function.WRITE_SINGLE_COIL, 0, COIL_ON)))
    assert answer == bytes([1, 0x85, 1])  # exception 1: illegal function


def test_relay_board_switches_the_circuit_and_reads_back() -> None:
    circuit = _circuit()
    board = RelayBoardDevice(circuit)
    on = Request(10, Function.WRITE_SINGLE_COIL, 0, COIL_ON)
    assert board.handle(on) == on.encode()  # function 5 echoes the request
    assert circuit.relay_on
    assert check_crc(board.handle(Request(10, Function.READ_COILS, 0, 1))) == bytes([10, 1, 1, 1])
    board.handle(Request(10, Function.WRITE_SINGLE_COIL, 0, COIL_OFF))
    assert not circuit.relay_on
    bad = check_crc(board.handle(Request(10, Function.WRITE_SINGLE_COIL, 0, 0x1234)))
    assert bad == bytes([10, 0x85, 3])  # exception 3: illegal data value
