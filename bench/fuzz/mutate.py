"""Mutations of valid inputs: of their bytes, and of their JSON trees for text formats.

Every choice is drawn from a :class:`Choices`: the built-in engine backs it with a seeded
:class:`random.Random` (a run is repeatable from its seed), the atheris engine with the
fuzzer's own data (so coverage guidance steers the choices too).

Byte mutations are the classic ones (bit flips, interesting bytes and integers, inserts,
deletes, duplicates, splices, truncation). A tree mutation parses a seed's JSON (an OCMF
record's payload or signature section, a receipt), replaces, deletes, adds or duplicates
a few values at random paths, and writes it out again; its values include what breaks
parsers: wrong types, huge integers (past Python's 4300-digit limit too), NaN, deep
nesting, overlong and non-ASCII strings, hex of the wrong length.
"""

from __future__ import annotations

import json
import random
from typing import Any, Protocol

OCMF_SEPARATOR = b"|"

#: Placeholders a tree mutation writes as raw text after ``json.dumps``.
_DEEP, _BIGINT = "\x00deep\x00", "\x00bigint\x00"
_NASTY: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**31,
    2**53 + 1,
    2**63,
    2**64,
    -(2**63),
    10**30,
    1.5,
    1e308,
    -0.0,
    float("nan"),
    float("inf"),
    "",
    "0",
    "x" * 300,
    "é\u0000\U0001f642",
    "ff" * 31,
    "zz",
    "T1",
    "OCMF|{}|{}",
    "2026-12-06T02:33:32.630Z",
    "2026-13-40T25:61:61,999+9999 U",
    [],
    {},
    [None],
    {"": None},
    _DEEP,
    _BIGINT,
)
_INTERESTING_BYTES = b'\x00\x01\x7f\x80\xff"|{}[],:\\0-.eE'
_INTERESTING_INTS = (0, 1, 2**7, 2**8 - 1, 2**15, 2**16 - 1, 2**31 - 1, 2**31, 2**32 - 1)


class Choices(Protocol):
    """Where a mutation's choices come from."""

    def below(self, n: int) -> int:
        """A number from 0 to ``n - 1`` (``n`` >= 1)."""
        ...

    def raw(self, n: int) -> bytes:
        """Up to ``n`` bytes."""
        ...


class RandomChoices:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def below(self, n: int) -> int:
        return self.rng.randrange(n)

    def raw(self, n: int) -> bytes:
        return self.rng.randbytes(n)


def mutate_bytes(data: bytes, other: bytes, choices: Choices, max_len: int) -> bytes:
    """One to eight byte mutations of ``data`` (``other`` is spliced in by one of them)."""
    out = bytearray(data)
    for _ in range(1 + choices.below(8)):
        _byte_op(out, other, choices)
    return bytes(out[:max_len])


def _byte_op(out: bytearray, other: bytes, choices: Choices) -> None:
    size = len(out)
    at = choices.below(size + 1)
    op = choices.below(9)
    if op == 0 and size:
        out[min(at, size - 1)] ^= 1 << choices.below(8)
    elif op == 1 and size:
        out[min(at, size - 1)] = _INTERESTING_BYTES[choices.below(len(_INTERESTING_BYTES))]
    elif op == 2:
        out[at:at] = choices.raw(1 + choices.below(16))
    elif op == 3 and size:
        del out[at : at + 1 + choices.below(max(1, size // 4))]
    elif op == 4 and size:
        start = choices.below(size)
        out[at:at] = out[start : start + 1 + choices.below(64)]
    elif op == 5:
        width = (1, 2, 4, 8)[choices.below(4)]
        value = _INTERESTING_INTS[choices.below(len(_INTERESTING_INTS))] % (1 << (8 * width))
        out[at : at + width] = value.to_bytes(width, "big")
    elif op == 6 and other:
        out[at:] = other[choices.below(len(other)) :]
    elif op == 7:
        del out[at:]
    else:
        out[at:at] = b"9" * (1 + choices.below(40))


def mutate_json_text(data: bytes, choices: Choices, max_len: int) -> bytes:
    """A tree mutation of a JSON document, or of one JSON section of an OCMF record."""
    if data.startswith(b"OCMF|"):
        sections = data.split(OCMF_SEPARATOR)
        if len(sections) == 3:
            which = 1 + choices.below(2)
            sections[which] = _mutate_document(sections[which], choices)
            return OCMF_SEPARATOR.join(sections)[:max_len]
    return _mutate_document(data, choices)[:max_len]


def _mutate_document(data: bytes, choices: Choices) -> bytes:
    try:
        tree: Any = json.loads(data)
    except ValueError:
        return data
    for _ in range(1 + choices.below(4)):
        tree = _tree_op(tree, choices)
    indent = (None, 1)[choices.below(2)]
    text = json.dumps(tree, indent=indent, ensure_ascii=bool(choices.below(2)))
    text = text.replace(json.dumps(_DEEP), "[" * 5000 + "]" * 5000)
    return text.replace(json.dumps(_BIGINT), "7" * 5000).encode("utf-8", "surrogatepass")


def _tree_op(tree: Any, choices: Choices) -> Any:
    paths = _paths(tree)
    path = paths[choices.below(len(paths))]
    if not path:  # the root itself
        return _nasty(choices) if choices.below(8) == 0 else tree
    parent = _at(tree, path[:-1])
    key = path[-1]
    op = choices.below(6)
    if op == 0:
        parent[key] = _nasty(choices)
    elif op == 1:
        del parent[key]
    elif op == 2 and isinstance(parent, dict):
        parent["Z" + str(choices.below(100))] = _nasty(choices)
    elif op == 2 and isinstance(parent, list):
        parent.insert(int(key), parent[int(key)])
    elif op == 3:
        parent[key] = _changed(parent[key], choices)
    elif op == 4 and isinstance(parent, list) and len(parent) > 1:
        other = choices.below(len(parent))
        parent[key], parent[other] = parent[other], parent[key]
    else:
        parent[key] = _changed(parent[key], choices)
    return tree


def _paths(tree: Any, prefix: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = [prefix]
    if depth > 12:
        return found
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*prefix, key), depth + 1)
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _paths(value, (*prefix, index), depth + 1)
    return found


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _nasty(choices: Choices) -> Any:
    value = _NASTY[choices.below(len(_NASTY))]
    return json.loads(json.dumps(value)) if isinstance(value, list | dict) else value


def _changed(value: Any, choices: Choices) -> Any:
    """A nearby value of the same kind: off by one, scaled, cut, a digit changed."""
    if isinstance(value, bool) or value is None:
        return _nasty(choices)
    if isinstance(value, int):
        return (value + 1, value - 1, -value, value * 10**9, value // 2)[choices.below(5)]
    if isinstance(value, float):
        return (value * 2, -value, value + 0.5, value * 1e300)[choices.below(4)]
    if isinstance(value, str):
        if not value:
            return "0"
        at = choices.below(len(value))
        op = choices.below(4)
        if op == 0:
            return value[:at]
        if op == 1:
            return value[:at] + "0123456789abcdefXx.,:-+ T"[choices.below(25)] + value[at + 1 :]
        if op == 2:
            return value + value
        return value[:at] + value[at + 1 :]
    if isinstance(value, list):
        return value[: choices.below(len(value) + 1)] if value else [_nasty(choices)]
    if isinstance(value, dict):
        return {k: v for i, (k, v) in enumerate(value.items()) if i != choices.below(len(value))}
    return _nasty(choices)
