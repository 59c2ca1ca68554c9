"""LND macaroons made offline, laid out as LND writes them (the signature is not checked
by gridnode, which reads only the permissions)."""

from __future__ import annotations

from collections.abc import Iterable

from gridnode.wallet.macaroon import ROLE_PERMISSIONS


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _field(kind: int, value: bytes) -> bytes:
    return bytes([kind]) + _varint(len(value)) + value


def bake(permissions: Iterable[str], caveats: Iterable[bytes] = ()) -> bytes:
    """A version-2 binary macaroon granting ``permissions`` ("entity:action")."""
    by_entity: dict[str, list[str]] = {}
    for permission in permissions:
        entity, action = permission.split(":", 1)
        by_entity.setdefault(entity, []).append(action)
    ops = b"".join(
        _pb(3, _pb(1, e.encode()) + b"".join(_pb(2, a.encode()) for a in actions))
        for e, actions in by_entity.items()
    )
    identifier = b"\x03" + _pb(1, b"n" * 16) + _pb(2, b"0") + ops
    body = b"\x02" + _field(1, b"lnd") + _field(2, identifier) + b"\x00"
    for caveat in caveats:
        body += _field(2, caveat) + b"\x00"
    return body + b"\x00" + _field(6, b"s" * 32)


def bake_for(role: str) -> bytes:
    """A macaroon with exactly what ``role`` needs (README, "Least privilege"); a
    battery node's or a prosumer's: both roles' permissions."""
    if role in ("battery", "prosumer"):
        return bake(sorted(ROLE_PERMISSIONS["seller"] | ROLE_PERMISSIONS["buyer"]))
    return bake(sorted(ROLE_PERMISSIONS[role]))
