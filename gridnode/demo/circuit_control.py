"""The demo circuit's control socket: meter faults injected from outside its process.

``python -m gridnode.demo.circuit --control PATH`` serves a Unix socket at ``PATH`` (mode
0600). A client sends one JSON object on a line and reads one back, ``{"ok": true}`` or
``{"ok": false, "error": "..."}``. Faults, on a bus (``"seller"`` or ``"buyer-N"``) and
optionally one slave address on it:

- ``{"bus": "seller", "fault": "no_answer", "count": 5, "slave": 1}``: the next 5
  requests get no answer (a meter timeout); ``"bad_crc"`` answers with a corrupted CRC,
  ``"slow_answer"`` answers ``delay_s`` late;
- ``{"bus": "buyer-1", "fault": "stuck_counter", "seconds": 20}``: the meter's energy
  registers keep their value for 20 s while power goes on (a stuck counter).

Used by the fault drills (``scripts/drill.py``); the demo serves it only when asked
(``DemoOptions.circuit_control``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

from gridnode.hardware.sim.slave import Fault, MeterDevice, PtySlave

#: The wire faults a client may name (the stuck counter is the meter's own).
WIRE_FAULTS = {f.value: f for f in (Fault.NO_ANSWER, Fault.BAD_CRC, Fault.SLOW_ANSWER)}
STUCK_COUNTER = "stuck_counter"


class ControlError(ValueError):
    """A control request the circuit cannot carry out."""


def apply(buses: dict[str, PtySlave], request: dict[str, Any]) -> None:
    """Carry out one request on ``buses`` (by name); raises :class:`ControlError`."""
    bus = buses.get(str(request.get("bus")))
    if bus is None:
        raise ControlError(f"no bus {request.get('bus')!r}; the buses are {sorted(buses)}")
    fault = request.get("fault")
    slave = request.get("slave")
    if slave is not None and not isinstance(slave, int):
        raise ControlError("slave must be a Modbus address (an integer)")
    if fault == STUCK_COUNTER:
        meters = [
            d for a, d in bus.devices.items() if isinstance(d, MeterDevice) and slave in (None, a)
        ]
        if not meters:
            raise ControlError(f"no meter at {slave} on {request.get('bus')}")
        for device in meters:
            device.meter.stick_counters(float(request.get("seconds", 10.0)))
        return
    if fault not in WIRE_FAULTS:
        raise ControlError(f"unknown fault {fault!r}; one of {[*WIRE_FAULTS, STUCK_COUNTER]}")
    delay = request.get("delay_s")
    bus.inject(
        WIRE_FAULTS[fault],
        count=int(request.get("count", 1)),
        slave=slave,
        delay_s=float(delay) if delay is not None else None,
    )


class ControlServer:
    """Serves :func:`apply` on a Unix socket, one request per connection, in a thread."""

    def __init__(self, path: Path, buses: dict[str, PtySlave]) -> None:
        self.path = path
        self.buses = buses
        path.unlink(missing_ok=True)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(str(path))
        os.chmod(path, 0o600)
        self._sock.listen(8)
        self._sock.settimeout(0.5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="circuit-control", daemon=True)

    def start(self) -> ControlServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
        self.path.unlink(missing_ok=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn, contextlib.suppress(OSError):
                conn.settimeout(5)
                conn.sendall(json.dumps(self._answer(conn.makefile("rb").readline())).encode())

    def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ControlError("a request is a JSON object")
            apply(self.buses, request)
        except (ValueError, TypeError) as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True}


def send(path: Path, request: dict[str, Any], timeout_s: float = 5.0) -> None:
    """Send one request to a circuit's control socket; raises :class:`ControlError` with
    the circuit's answer when it refuses."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        sock.connect(str(path))
        sock.sendall(json.dumps(request).encode() + b"\n")
        sock.shutdown(socket.SHUT_WR)
        answer = json.loads(sock.makefile("rb").read() or b"{}")
    if not answer.get("ok"):
        raise ControlError(str(answer.get("error", "no answer from the circuit")))
