"""The meter port and the Modbus RTU meter driver (Eastron SDM120, SDM630, any profile).

The session core depends only on :class:`Meter`; this module's :class:`ModbusMeter`
implements it over a :class:`~gridnode.hardware.bus.ModbusBus` with minimalmodbus.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.codec import registers_to_uint32
from gridnode.hardware.counters import CounterGuard
from gridnode.hardware.errors import MalformedAnswerError, MeterUnreachableError
from gridnode.hardware.profile import Block, Profile, decode_blocks
from gridnode.hardware.sample import MeterSample, build_sample

Clock = Callable[[], datetime]
#: How often a sample is read again when a relay on its bus switched during it, before
#: the read fails (a relay switching that often is a fault of its own).
TORN_RETRIES = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


@runtime_checkable
class Meter(Protocol):
    """A source of meter samples. Raises a :class:`~gridnode.hardware.errors.HardwareError`."""

    meter_id: str

    async def read(self) -> MeterSample:
        """One sample: every value read now, energy in integer mWh."""
        ...


class ModbusMeter:
    """A meter on an RS-485 bus, read by block queries as its profile plans them.

    Each read checks physics (voltage, frequency, current bounds) and the energy
    counters (never backwards; the serial number, when the profile maps it, never
    changes). ``retries`` applies to missing or broken answers, not to exceptions the
    meter itself reports.
    """

    def __init__(
        self,
        bus: ModbusBus,
        profile: Profile,
        address: int,
        *,
        meter_id: str | None = None,
        retries: int = 1,
        serial_check_every: int = 60,
        clock: Clock = utc_now,
    ) -> None:
        self.bus = bus
        self.profile = profile
        self.address = address
        self.meter_id = meter_id or f"{profile.model.lower()}@{bus.port}#{address}"
        self.retries = retries
        self.serial_check_every = serial_check_every
        self._clock = clock
        self._instrument = bus.instrument(address)
        self._guard = CounterGuard()
        self._read_lock = threading.Lock()  # one sample at a time, in order, per meter
        self._reads = 0
        self.serial_number: int | None = None

    def _query(self, function: int, address: int, count: int, what: str) -> list[int]:
        """One register read, retried ``retries`` times on a missing or broken answer."""
        return self._query_seen(function, address, count, what)[1]

    def _query_seen(
        self, function: int, address: int, count: int, what: str
    ) -> tuple[int, list[int]]:
        """:meth:`_query`, with the bus's count of relay switches when it ran (read with
        the bus held: exactly the switches that came before this query)."""
        attempt = 0
        while True:
            try:
                return self.bus.transact(
                    lambda: (
                        self.bus.switches,
                        self._instrument.read_registers(address, count, functioncode=function),
                    ),
                    what,
                )
            except MeterUnreachableError:
                attempt += 1
                if attempt > self.retries:
                    raise

    def _read_block(self, block: Block) -> tuple[int, list[int]]:
        """A block's registers and the relay switches on the bus before they were read."""
        what = (
            f"a read of {block.count} registers at {block.address} "
            f"(function {int(block.function)}) from slave {self.address}"
        )
        return self._query_seen(int(block.function), block.address, block.count, what)

    def _read_serial(self) -> int | None:
        spec = self.profile.serial_number
        if spec is None:
            return None
        what = f"a read of the serial number from slave {self.address}"
        words = self._query(int(spec.function), spec.address, 2, what)
        return registers_to_uint32(words, spec.word_order)

    def read_blocking(self) -> MeterSample:
        """One sample, blocking on the wire (the async :meth:`read` runs this in a thread)."""
        with self._read_lock:
            return self._read_locked()

    def _read_locked(self) -> MeterSample:
        serial_number: int | None = None
        if self.profile.serial_number is not None and self._reads % self.serial_check_every == 0:
            serial_number = self._read_serial()
            self.serial_number = serial_number
        timestamp, answers = self._read_blocks()
        sample = build_sample(
            self.meter_id,
            timestamp,
            decode_blocks(self.profile, answers),
            self.profile.phases,
            self.profile.plausible_current_ma,
        )
        self._guard.check(sample, serial_number)
        self._reads += 1
        return sample

    def _read_blocks(self) -> tuple[datetime, dict[Block, list[int]]]:
        """Every block of one sample and its time, all read after the same relay switch
        (:attr:`ModbusBus.switches`): blocks of two moments are never mixed, and a
        missing block fails the sample, never defaults a value. A block read before a
        relay on the bus switched is read again (only those: the relay is never held
        back, and the sample costs the bus as little as it can); the sample's time is
        when the first of its final blocks was asked for."""
        read: dict[Block, tuple[datetime, int, list[int]]] = {}
        for _ in range(TORN_RETRIES + 1):
            for block in self.profile.blocks():
                if block not in read:
                    asked = self._clock()
                    seen, words = self._read_block(block)
                    read[block] = (asked, seen, words)
            latest = max(seen for _, seen, _ in read.values())
            read = {b: entry for b, entry in read.items() if entry[1] == latest}
            if len(read) == len(self.profile.blocks()):
                return min(asked for asked, _, _ in read.values()), {
                    b: words for b, (_, _, words) in read.items()
                }
        raise MalformedAnswerError(
            f"A relay on {self.bus.port} switched during each of {TORN_RETRIES + 1} reads of "
            f"slave {self.address}: no sample of one moment; check what switches it so often."
        )

    async def read(self) -> MeterSample:
        # on the bus's own thread: the buses of a node are read at once, each in turn
        return await self.bus.call(self.read_blocking)
