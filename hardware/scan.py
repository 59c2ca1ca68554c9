"""Find the meters on a bus: which slave addresses answer, and their serial numbers.

For an installer: set each meter's address in its menu, then check they all answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from gridnode.hardware.bus import ModbusBus
from gridnode.hardware.codec import registers_to_uint32
from gridnode.hardware.errors import MeterProtocolError, MeterUnreachableError
from gridnode.hardware.profile import Profile


@dataclass(frozen=True, slots=True)
class Found:
    address: int
    #: None when the device answered but has no serial-number register in the profile.
    serial_number: int | None


def scan_bus(bus: ModbusBus, profile: Profile, addresses: Iterable[int]) -> list[Found]:
    """Ask each address for the profile's first register (or its serial number).

    Blocking; a silent address costs one timeout, so keep the range short.
    """
    spec = profile.serial_number
    first = profile.blocks()[0]
    if spec is not None:
        function, register, count = int(spec.function), spec.address, 2
    else:
        function, register, count = int(first.function), first.address, first.count
    found: list[Found] = []
    for address in addresses:
        query = functools.partial(
            bus.instrument(address).read_registers, register, count, functioncode=function
        )
        try:
            words: list[int] = bus.transact(query, f"a scan of slave {address}")
        except MeterProtocolError:
            found.append(Found(address, None))  # something is there: it answered
            continue
        except MeterUnreachableError:
            continue
        serial = registers_to_uint32(words, spec.word_order) if spec is not None else None
        found.append(Found(address, serial))
    return found
