"""Device profiles: a meter's register map as data (hardware/profiles/<model>.json).

A profile names each register's quantity, phase, address, function, data type, word
order, unit and scale. A new meter model is a new file. This module loads and checks a
profile, plans the block reads (one query per run of contiguous registers), and turns
raw registers into integer milli-units. It does no I/O beyond reading the profile file.

A meter read through current transformers (a CT meter, for currents above 100 A) may
report what its own terminals see: the profile's ``ct`` ratio (primary / secondary
amperes, 1:1 by default; an installation sets its own in ``[[hardware.meters]]``) then
multiplies current, power and energy, exactly (voltage and frequency are untouched).
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from gridnode.hardware.codec import (
    Function,
    WordOrder,
    registers_to_float32,
    registers_to_uint32,
)
from gridnode.hardware.errors import ImplausibleReadingError, ProfileError

_ONE = Fraction(1)


class Quantity(enum.Enum):
    """What a register measures; each maps to one field of a meter sample."""

    VOLTAGE = "voltage"
    CURRENT = "current"
    POWER = "power"
    FREQUENCY = "frequency"
    IMPORT_ENERGY = "import_energy"
    EXPORT_ENERGY = "export_energy"
    NEUTRAL_CURRENT = "neutral_current"
    #: The energy a battery inverter reports in its cells (its state of charge).
    STORED_ENERGY = "stored_energy"


#: What a current transformer's ratio multiplies: everything that scales with current.
CT_SCALED = frozenset(
    {
        Quantity.CURRENT,
        Quantity.POWER,
        Quantity.IMPORT_ENERGY,
        Quantity.EXPORT_ENERGY,
        Quantity.NEUTRAL_CURRENT,
    }
)


class DataType(enum.Enum):
    FLOAT32 = "float32"
    UINT32 = "uint32"
    UINT16 = "uint16"
    INT16 = "int16"

    @property
    def width(self) -> int:
        """Registers this type spans."""
        return 2 if self in (DataType.FLOAT32, DataType.UINT32) else 1


#: A register's unit and the factor from that unit to the sample's milli-unit.
UNIT_TO_MILLI: dict[str, int] = {
    "V": 1000,
    "A": 1000,
    "W": 1000,
    "Hz": 1000,
    "kWh": 10**6,
    "Wh": 1000,
}
#: The unit each quantity must be given in (before the milli- conversion).
ALLOWED_UNITS: dict[Quantity, set[str]] = {
    Quantity.VOLTAGE: {"V"},
    Quantity.CURRENT: {"A"},
    Quantity.POWER: {"W"},
    Quantity.FREQUENCY: {"Hz"},
    Quantity.IMPORT_ENERGY: {"kWh", "Wh"},
    Quantity.EXPORT_ENERGY: {"kWh", "Wh"},
    Quantity.NEUTRAL_CURRENT: {"A"},
    Quantity.STORED_ENERGY: {"kWh", "Wh"},
}


@dataclass(frozen=True, slots=True)
class RegisterSpec:
    """One value in the map. ``phase`` is None for totals, 1 to 3 for a phase."""

    quantity: Quantity
    phase: int | None
    address: int
    function: Function
    data_type: DataType
    word_order: WordOrder
    unit: str
    scale: Decimal

    @property
    def end(self) -> int:
        return self.address + self.data_type.width


@dataclass(frozen=True, slots=True)
class Block:
    """One read query: ``count`` registers from ``address`` with ``function``."""

    function: Function
    address: int
    count: int
    registers: tuple[RegisterSpec, ...]


@dataclass(frozen=True, slots=True)
class SerialNumberSpec:
    function: Function
    address: int
    word_order: WordOrder


@dataclass(frozen=True, slots=True)
class Profile:
    """A meter model's register map."""

    model: str
    phases: int
    default_baud: int
    default_address: int
    max_registers_per_read: int
    registers: tuple[RegisterSpec, ...]
    serial_number: SerialNumberSpec | None
    #: Above this current a reading is a fault, not a measurement: twice the model's
    #: Imax (SDM120 45 A, SDM630 100 A), so a real overcurrent still reads as one. At
    #: the meter's terminals: a CT meter's is scaled by :attr:`ct_ratio`.
    max_current_ma: int = 200_000
    #: The current transformers' primary and secondary amperes (1 and 1: none, or the
    #: meter applies its own). Current, power and energy are multiplied by their ratio.
    ct_primary_a: int = 1
    ct_secondary_a: int = 1

    @property
    def ct_ratio(self) -> Fraction:
        return Fraction(self.ct_primary_a, self.ct_secondary_a)

    @property
    def plausible_current_ma(self) -> int:
        """The most current a reading may show, on the primary side."""
        return int(self.max_current_ma * self.ct_ratio)

    def with_ct(self, primary_a: int, secondary_a: int) -> Profile:
        """This profile for an installation's current transformers."""
        if primary_a <= 0 or secondary_a <= 0:
            raise ProfileError(
                f"A CT ratio needs positive amperes, not {primary_a}/{secondary_a} A; write "
                "the transformer's rating, like 200/5."
            )
        return replace(self, ct_primary_a=primary_a, ct_secondary_a=secondary_a)

    def blocks(self) -> tuple[Block, ...]:
        """Group registers into as few queries as possible, only where they are contiguous.

        Registers between two mapped values are never read: some meters answer an
        unmapped address with an exception.
        """
        ordered = sorted(self.registers, key=lambda r: (r.function, r.address))
        blocks: list[Block] = []
        run: list[RegisterSpec] = []
        for reg in ordered:
            if run and (
                reg.function is run[0].function
                and reg.address == run[-1].end
                and reg.end - run[0].address <= self.max_registers_per_read
            ):
                run.append(reg)
                continue
            if run:
                blocks.append(_block(run))
            run = [reg]
        if run:
            blocks.append(_block(run))
        return tuple(blocks)


def _block(run: list[RegisterSpec]) -> Block:
    return Block(run[0].function, run[0].address, run[-1].end - run[0].address, tuple(run))


def builtin_models() -> list[str]:
    """Names of the profiles shipped in hardware/profiles."""
    folder = resources.files("gridnode.hardware") / "profiles"
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def load_profile(model_or_path: str) -> Profile:
    """Load a shipped profile by model name (``sdm120``) or a profile file by path."""
    path = Path(model_or_path)
    if path.suffix == ".json" and path.exists():
        text = path.read_text()
        origin = str(path)
    else:
        name = model_or_path.lower()
        resource = resources.files("gridnode.hardware") / "profiles" / f"{name}.json"
        if not resource.is_file():
            raise ProfileError(
                f"There is no meter profile '{model_or_path}'; use one of "
                f"{', '.join(builtin_models())} or the path to a profile .json file."
            )
        text = resource.read_text()
        origin = f"profiles/{name}.json"
    try:
        return parse_profile(json.loads(text))
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        raise ProfileError(
            f"The meter profile {origin} is malformed: {exc}. Fix that field."
        ) from exc


def parse_profile(doc: dict[str, Any]) -> Profile:
    registers = tuple(_parse_register(r) for r in doc["registers"])
    seen: set[tuple[Quantity, int | None]] = set()
    for reg in registers:
        key = (reg.quantity, reg.phase)
        if key in seen:
            raise ValueError(f"{reg.quantity.value} phase {reg.phase} is mapped twice")
        seen.add(key)
    serial = doc.get("serial_number")
    ct = doc.get("ct", {"primary_a": 1, "secondary_a": 1})
    primary, secondary = int(ct["primary_a"]), int(ct["secondary_a"])
    if primary <= 0 or secondary <= 0:
        raise ValueError(f"ct needs positive primary_a and secondary_a, not {ct}")
    return Profile(
        model=str(doc["model"]),
        phases=int(doc["phases"]),
        default_baud=int(doc["default_baud"]),
        default_address=int(doc["default_address"]),
        max_registers_per_read=int(doc.get("max_registers_per_read", 40)),
        max_current_ma=int(Decimal(str(doc.get("max_plausible_current_a", 200))) * 1000),
        ct_primary_a=primary,
        ct_secondary_a=secondary,
        registers=registers,
        serial_number=(
            SerialNumberSpec(
                Function(int(serial["function"])),
                int(serial["address"]),
                WordOrder(serial.get("word_order", "big")),
            )
            if serial
            else None
        ),
    )


def _parse_register(doc: dict[str, Any]) -> RegisterSpec:
    quantity = Quantity(doc["quantity"])
    unit = str(doc["unit"])
    if unit not in ALLOWED_UNITS[quantity]:
        raise ValueError(f"{quantity.value} cannot be given in '{unit}'")
    function = Function(int(doc.get("function", 4)))
    if function not in (Function.READ_HOLDING_REGISTERS, Function.READ_INPUT_REGISTERS):
        raise ValueError(f"registers are read with function 3 or 4, not {function}")
    phase = doc.get("phase")
    if phase is not None and phase not in (1, 2, 3):
        raise ValueError(f"phase must be 1, 2 or 3, not {phase}")
    return RegisterSpec(
        quantity=quantity,
        phase=phase,
        address=int(doc["address"]),
        function=function,
        data_type=DataType(doc["type"]),
        word_order=WordOrder(doc.get("word_order", "big")),
        unit=unit,
        scale=Decimal(str(doc.get("scale", "1"))),
    )


def decode_register(spec: RegisterSpec, words: list[int], ratio: Fraction = _ONE) -> int:
    """One register's value in integer milli-units (mV, mA, mW, mHz, mWh), times
    ``ratio`` (a CT ratio, for the quantities it scales).

    A float32 is converted exactly (``Decimal(float)`` is exact), scaled exactly
    (fractions) and rounded half-even to the milli-unit, so the only rounding is the
    meter's own float32 resolution.
    """
    raw: Decimal
    if spec.data_type is DataType.FLOAT32:
        value = registers_to_float32(words, spec.word_order)
        if not math.isfinite(value):
            raise ImplausibleReadingError(
                f"The meter's {spec.quantity.value} register at {spec.address} holds {value}, "
                "not a number; the meter may be starting up or faulty."
            )
        raw = Decimal(value)
    elif spec.data_type is DataType.UINT32:
        raw = Decimal(registers_to_uint32(words, spec.word_order))
    elif spec.data_type is DataType.UINT16:
        raw = Decimal(words[0])
    else:
        raw = Decimal(words[0] - 0x10000 if words[0] & 0x8000 else words[0])
    milli = raw * spec.scale * UNIT_TO_MILLI[spec.unit]
    if ratio != 1:
        return round(Fraction(milli) * ratio)  # half-even, like the line below
    return int(milli.to_integral_value(rounding=ROUND_HALF_EVEN))


def decode_blocks(
    profile: Profile, answers: dict[Block, list[int]]
) -> dict[tuple[Quantity, int | None], int]:
    """Decode every register of every block into milli-units, keyed by (quantity, phase)."""
    values: dict[tuple[Quantity, int | None], int] = {}
    for block in profile.blocks():
        words = answers[block]
        for spec in block.registers:
            offset = spec.address - block.address
            ratio = profile.ct_ratio if spec.quantity in CT_SCALED else _ONE
            values[(spec.quantity, spec.phase)] = decode_register(
                spec, words[offset : offset + spec.data_type.width], ratio
            )
    return values
