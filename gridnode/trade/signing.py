"""The signing port: node keys are ECDSA P-256 (secp256r1) with SHA-256.

The same key signs negotiation messages here and OCMF meter readings later. The core only
needs :class:`Signer` and :class:`Verifier`; :class:`P256Signer` and :class:`P256Verifier`
implement them with ``cryptography`` (pure computation), and the peer link's identity
module can wrap its stored key in them.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.trade.errors import SignatureError


class Signer(Protocol):
    @property
    def public_key_der(self) -> bytes:
        """The public key as DER SubjectPublicKeyInfo."""
        ...

    def sign(self, data: bytes) -> bytes:
        """A DER-encoded ECDSA-P256-SHA256 signature over exactly ``data``."""
        ...


class Verifier(Protocol):
    @property
    def public_key_der(self) -> bytes: ...

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's signature over exactly ``data``."""
        ...


def fingerprint(public_key_der: bytes) -> str:
    """A node's id: SHA-256 hex of its DER SubjectPublicKeyInfo."""
    return hashlib.sha256(public_key_der).hexdigest()


class P256Signer:
    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise SignatureError(
                f"Node keys must be on secp256r1 (P-256); this one is on {private_key.curve.name}."
            )
        self._key = private_key
        self._public_der = private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @classmethod
    def generate(cls) -> P256Signer:
        """A fresh key (for tests and for the identity module's `init`)."""
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @property
    def public_key_der(self) -> bytes:
        return self._public_der

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def verifier(self) -> P256Verifier:
        return P256Verifier(self._public_der)


class P256Verifier:
    def __init__(self, public_key_der: bytes) -> None:
        try:
            key = serialization.load_der_public_key(public_key_der)
        except ValueError as exc:
            raise SignatureError(
                "The peer's public key is not a DER SubjectPublicKeyInfo; re-exchange keys."
            ) from exc
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(
            key.curve, ec.SECP256R1
        ):
            raise SignatureError("The peer's public key is not an ECDSA P-256 key.")
        self._key = key
        self._der = public_key_der

    @property
    def public_key_der(self) -> bytes:
        return self._der

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True
