"""What an LND macaroon allows, read from the macaroon itself (never from its file name).

An LND macaroon is a version-2 binary macaroon whose identifier is one version byte (3)
followed by a macaroon-bakery ``MacaroonId`` protobuf: ``nonce = 1``, ``storageId = 2``,
``repeated Op ops = 3`` with ``Op { string entity = 1; repeated string actions = 2; }``.
LND bakes coarse permissions as ``entity:action`` (``invoices:write``) and fine ones as
entity ``uri`` with one action per gRPC method (``uri:/routerrpc.Router/SendPaymentV2``).

A node checks its macaroon against what its role needs and refuses to start with more
(DESIGN.md, least privilege), unless told to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gridnode.errors import UsageError

# What each role needs, as LND names it. Paying unused credit back (issue 19) adds only
# the seller's payment of the buyer's refund invoice (SendPaymentV2, followed with
# TrackPaymentV2) and the buyer's one invoice for it (AddInvoice), each scoped to its
# method.
SELLER_PERMISSIONS = frozenset(
    {
        "invoices:read",
        "invoices:write",
        "info:read",
        "offchain:read",
        "uri:/routerrpc.Router/SendPaymentV2",
        "uri:/routerrpc.Router/TrackPaymentV2",
    }
)
BUYER_PERMISSIONS = frozenset(
    {
        "uri:/routerrpc.Router/SendPaymentV2",
        "uri:/routerrpc.Router/TrackPaymentV2",
        "uri:/lnrpc.Lightning/DecodePayReq",
        "uri:/lnrpc.Lightning/GetInfo",
        "uri:/lnrpc.Lightning/DeletePayment",
        "uri:/lnrpc.Lightning/AddInvoice",
        # its channel to the seller: the doctor's channel check and the liquidity watch
        "uri:/lnrpc.Lightning/ListChannels",
    }
)
ROLE_PERMISSIONS = {"seller": SELLER_PERMISSIONS, "buyer": BUYER_PERMISSIONS}

# The coarse permission LND requires for each method a role uses (LND's rpcserver
# permission table): a macaroon holding it can call the method without the uri: one.
URI_REQUIRES = {
    "uri:/routerrpc.Router/SendPaymentV2": "offchain:write",
    "uri:/routerrpc.Router/TrackPaymentV2": "offchain:read",
    "uri:/lnrpc.Lightning/DecodePayReq": "offchain:read",
    "uri:/lnrpc.Lightning/GetInfo": "info:read",
    "uri:/lnrpc.Lightning/DeletePayment": "offchain:write",
    "uri:/lnrpc.Lightning/AddInvoice": "invoices:write",
    "uri:/lnrpc.Lightning/ListChannels": "offchain:read",
}


def _bake_command(role: str, permissions: Iterable[str]) -> str:
    """The shell line that bakes ``role``'s macaroon readable by its user alone (lncli
    writes 0644: umask 077 makes a new file private, chmod 600 one that existed)."""
    return (
        f"(umask 077; lncli bakemacaroon --save_to {role}.macaroon "
        f"{' '.join(sorted(permissions))}) && chmod 600 {role}.macaroon"
    )


# `lncli bakemacaroon` lines a README can print for each role.
BAKE_COMMANDS = {
    "seller": _bake_command("seller", SELLER_PERMISSIONS),
    "buyer": _bake_command("buyer", BUYER_PERMISSIONS),
}

_EOS, _LOCATION, _IDENTIFIER, _VID, _SIGNATURE = 0, 1, 2, 4, 6


class MacaroonError(UsageError):
    """A macaroon that cannot be read, or that allows more or less than the role needs."""


@dataclass(frozen=True, slots=True)
class Macaroon:
    identifier: bytes
    caveats: tuple[bytes, ...]
    permissions: frozenset[str]  # "entity:action"

    def missing_for(self, role: str) -> list[str]:
        return sorted(p for p in _needed(role) - self.permissions if not self._covers(p))

    def _covers(self, uri_permission: str) -> bool:
        """True if a coarse permission this macaroon holds grants ``uri_permission``."""
        return URI_REQUIRES.get(uri_permission, "") in self.permissions

    def excess_for(self, role: str) -> list[str]:
        return sorted(self.permissions - _needed(role))


def check_role(macaroon: Macaroon, role: str, *, allow_excess: bool = False) -> None:
    """Raise :class:`MacaroonError` unless ``macaroon`` fits ``role``'s least privilege."""
    missing = macaroon.missing_for(role)
    if missing:
        raise MacaroonError(
            f"macaroon: the {role}'s macaroon lacks {', '.join(missing)}; bake one with: "
            f"{BAKE_COMMANDS[role]}"
        )
    excess = macaroon.excess_for(role)
    if excess and not allow_excess:
        raise MacaroonError(
            f"macaroon: the {role}'s macaroon also allows {', '.join(excess)}, more than a "
            f"{role} needs; bake one with: {BAKE_COMMANDS[role]} (or set "
            "allow_broad_macaroon = true in [lnd] to accept it anyway)."
        )


def parse(data: bytes) -> Macaroon:
    """Parse a binary (version 2) LND macaroon, as LND writes it to a .macaroon file."""
    if not data or data[0] != 2:
        raise MacaroonError(
            "macaroon: not a binary version-2 macaroon (LND's .macaroon files are); "
            "a hex macaroon must be decoded first."
        )
    fields = _Fields(data, 1)
    section = fields.section()
    identifier = section.get(_IDENTIFIER)
    if identifier is None:
        raise MacaroonError("macaroon: it has no identifier.")
    caveats: list[bytes] = []
    while True:
        caveat = fields.section()
        if not caveat:
            break
        caveats.append(caveat.get(_IDENTIFIER, b""))
    tail = fields.section()
    if _SIGNATURE not in tail:
        raise MacaroonError("macaroon: it has no signature; the file is cut short.")
    return Macaroon(identifier, tuple(caveats), frozenset(_permissions(identifier)))


def _needed(role: str) -> frozenset[str]:
    try:
        return ROLE_PERMISSIONS[role]
    except KeyError as exc:
        raise MacaroonError(f"role: '{role}' is neither seller nor buyer.") from exc


class _Fields:
    """The field packets of a v2 binary macaroon: type byte, varint length, data."""

    def __init__(self, data: bytes, offset: int) -> None:
        self.data, self.pos = data, offset

    def section(self) -> dict[int, bytes]:
        """Fields up to the next end-of-section marker."""
        found: dict[int, bytes] = {}
        while True:
            if self.pos >= len(self.data):
                if _SIGNATURE in found:  # the signature ends the macaroon without a marker
                    return found
                raise MacaroonError("macaroon: the file is cut short.")
            kind = self.data[self.pos]
            self.pos += 1
            if kind == _EOS:
                return found
            if kind not in (_LOCATION, _IDENTIFIER, _VID, _SIGNATURE):
                raise MacaroonError(f"macaroon: unknown field type {kind}.")
            length, self.pos = _varint(self.data, self.pos)
            if self.pos + length > len(self.data):
                raise MacaroonError("macaroon: the file is cut short.")
            found[kind] = self.data[self.pos : self.pos + length]
            self.pos += length
            if kind == _SIGNATURE:
                return found


def _permissions(identifier: bytes) -> Iterator[str]:
    if not identifier or identifier[0] != 3:
        raise MacaroonError("macaroon: the identifier is not an LND (bakery v3) identifier.")
    for number, value in _protobuf(identifier[1:]):
        if number != 3:  # ops
            continue
        entity = ""
        actions: list[str] = []
        for op_field, op_value in _protobuf(value):
            if op_field == 1:
                entity = op_value.decode()
            elif op_field == 2:
                actions.append(op_value.decode())
        for action in actions:
            yield f"{entity}:{action}"


def _protobuf(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Length-delimited fields of a protobuf message (the only wire type MacaroonId uses)."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 2:
            length, pos = _varint(data, pos)
            yield number, data[pos : pos + length]
            pos += length
        elif wire_type == 0:
            _, pos = _varint(data, pos)
        else:
            raise MacaroonError(f"macaroon: unexpected protobuf wire type {wire_type}.")
        if pos > len(data):
            raise MacaroonError("macaroon: the identifier is cut short.")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise MacaroonError("macaroon: a length is cut short.")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
