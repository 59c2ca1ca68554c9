"""One RS-485 bus: one serial port, queries serialized, a minimum gap between them.

Several meters (and a relay board) share a bus by slave address. Every query goes
through :meth:`ModbusBus.transact`, which holds the bus lock, waits until the gap since
the end of the previous answer has passed (some meters reboot when polled too fast),
runs the query and records when the bus went quiet again. The blocking serial work runs
off the event loop, so the loop never waits on the wire: the meters' reads on the bus's
own thread (:meth:`ModbusBus.call`), so a node with several buses (one RS-485 adapter
each) reads them all at once, one poller thread per serial port, and no bus waits for a
worker another bus holds.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import minimalmodbus
import serial

from gridnode.hardware.errors import (
    CrcError,
    IllegalAddressError,
    MalformedAnswerError,
    MeterProtocolError,
    MeterUnreachableError,
    NoAnswerError,
)

T = TypeVar("T")

#: Default minimum time between the end of one answer and the next query.
DEFAULT_GAP_S = 0.100
#: Default time to wait for an answer.
DEFAULT_TIMEOUT_S = 0.5


class ModbusBus:
    """A serial port shared by the Modbus slaves on one RS-485 segment."""

    def __init__(
        self,
        port: str,
        baud: int = 9600,
        *,
        parity: str = "N",
        stopbits: int = 1,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        gap_s: float = DEFAULT_GAP_S,
    ) -> None:
        self.port = port
        self.baud = baud
        self.parity = parity
        self.stopbits = stopbits
        self.gap_s = gap_s
        self.timeout_s = timeout_s
        # Reentrant: a SIGTERM handler that opens a relay on this bus runs in the main
        # thread, possibly while that same thread is inside a query.
        self._lock = threading.RLock()
        self._quiet_since = 0.0
        #: Writes that change what the meters measure (a relay board's contactor coil),
        #: counted: a meter's sample is several queries, and one such write between two
        #: of them tears it (:attr:`switches`).
        self._switches = 0
        #: the bus's own thread: its meters are read there, one after the other
        self._worker = ThreadPoolExecutor(1, thread_name_prefix=f"bus {port}")
        try:
            self.serial = serial.Serial(
                port=port,
                baudrate=baud,
                bytesize=8,
                parity=parity,
                stopbits=stopbits,
                timeout=timeout_s,
                write_timeout=2.0,
                exclusive=True,  # two masters on one bus garble each other's frames
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            if "lock" in str(exc).lower():
                raise MeterUnreachableError(
                    f"The serial port {port} is in use by another process; stop it (two "
                    "masters on one RS-485 bus garble each other's frames)."
                ) from exc
            raise MeterUnreachableError(
                f"Cannot open the serial port {port} at {baud} baud ({exc}); check the "
                "RS-485 adapter is plugged in and that this user may use it (group dialout)."
            ) from exc

    def instrument(self, address: int) -> minimalmodbus.Instrument:
        """A minimalmodbus instrument for one slave address on this bus's port."""
        inst = minimalmodbus.Instrument(self.serial, address)
        inst.clear_buffers_before_each_transaction = True
        return inst

    @property
    def switches(self) -> int:
        """How many writes so far changed what the meters on this bus measure (relay
        switches, ``switches=True`` in :meth:`transact`). A meter's sample is several
        block queries (an SDM120's voltage, current and power are three), and a relay
        switched between two of them gave a reading of 0 V (read while it was open) with
        14 A flowing (read after it closed), which the seller's protection cut as a
        brown-out (issue 17): a meter reads its sample again when this moved during it.
        The relay is never held back for a sample: it waits for one query at most."""
        return self._switches

    def transact(self, query: Callable[[], T], what: str, *, switches: bool = False) -> T:
        """Run one query with the bus to itself (blocking; call from a worker thread).

        ``what`` names the query in error sentences. Modbus and serial failures become
        gridnode's typed errors. ``switches``: the query switches something the meters
        measure (a relay's contactor), counted in :attr:`switches` once it is sent.
        """
        if not self._lock.acquire(timeout=4 * self.timeout_s + 1.0):
            raise MeterUnreachableError(
                f"The bus on {self.port} stayed busy too long for {what}; another query "
                "is stuck. Check the adapter."
            )
        try:
            wait = self._quiet_since + self.gap_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                if switches:  # counted before: a meter's read racing this query sees it
                    self._switches += 1
                return query()
            except minimalmodbus.NoResponseError as exc:
                raise NoAnswerError(
                    f"No answer to {what} on {self.port} within {self.timeout_s} s; check the "
                    "slave address, the baud rate and the wiring (A to A, B to B)."
                ) from exc
            except minimalmodbus.InvalidResponseError as exc:
                if "Checksum" in str(exc):
                    raise CrcError(
                        f"The answer to {what} on {self.port} failed its CRC check; check the "
                        "RS-485 termination and that no other master is on the bus."
                    ) from exc
                raise MalformedAnswerError(
                    f"The answer to {what} on {self.port} was cut short or malformed ({exc})."
                ) from exc
            except minimalmodbus.SlaveReportedException as exc:
                raise _slave_exception(str(exc), what) from exc
            except (serial.SerialException, OSError) as exc:
                raise MeterUnreachableError(
                    f"The serial port {self.port} failed during {what} ({exc}); "
                    "check the RS-485 adapter."
                ) from exc
            finally:
                self._quiet_since = time.monotonic()
        finally:
            self._lock.release()

    async def run(self, query: Callable[[], T], what: str) -> T:
        """:meth:`transact` off the event loop."""
        return await asyncio.to_thread(self.transact, query, what)

    async def call(self, work: Callable[[], T]) -> T:
        """Blocking ``work`` (a meter's whole sample) on this bus's own thread."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, work)

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            self.serial.close()

    def __enter__(self) -> ModbusBus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _slave_exception(message: str, what: str) -> MeterProtocolError:
    text = message.lower()
    if "illegal data address" in text:
        return IllegalAddressError(
            f"The meter answered {what} with 'illegal data address' (Modbus exception 2); "
            "the profile does not fit this meter model.",
            2,
        )
    code = 1 if "illegal function" in text else 3 if "illegal data value" in text else 4
    return MeterProtocolError(
        f"The meter answered {what} with a Modbus exception ({message}); check the profile.",
        code,
    )
