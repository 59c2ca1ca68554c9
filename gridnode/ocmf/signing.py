"""Keys, signing and signature verification for OCMF records.

The node's identity key (ECDSA on secp256r1, P-256) signs its readings: SHA-256 over the
exact UTF-8 bytes of the payload section, a DER signature written as hex. A public key
travels out of band as hex DER SubjectPublicKeyInfo; its fingerprint, the SHA-256 of
that DER, is the node id compared at pairing (the same fingerprint the peer link pins).

Signing is deterministic (RFC 6979) where the installed OpenSSL offers it, so a Pi with
a weak random source cannot leak its key through a repeated nonce, and the same reading
signed twice gives the same record.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.ocmf.errors import OcmfBadSignatureError, OcmfKeyError
from gridnode.ocmf.fields import SignatureAlgorithm, SignatureEncoding, SignatureMime
from gridnode.ocmf.parse import parse_record, signature_bytes
from gridnode.ocmf.record import OcmfRecord, Signature

# The curves of Table 22 that cryptography can check (secp192k1 it cannot).
_CURVES: dict[SignatureAlgorithm, type[ec.EllipticCurve]] = {
    SignatureAlgorithm.SECP256R1_SHA256: ec.SECP256R1,
    SignatureAlgorithm.SECP256K1_SHA256: ec.SECP256K1,
    SignatureAlgorithm.SECP192R1_SHA256: ec.SECP192R1,
    SignatureAlgorithm.SECP384R1_SHA256: ec.SECP384R1,
    SignatureAlgorithm.BRAINPOOL256R1_SHA256: ec.BrainpoolP256R1,
    SignatureAlgorithm.BRAINPOOL384R1_SHA256: ec.BrainpoolP384R1,
}


def public_key_der(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    """The public key as DER SubjectPublicKeyInfo."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(public_der: bytes) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, 64 lowercase hex digits."""
    return hashlib.sha256(public_der).hexdigest()


def load_public_key(public_key: bytes | str) -> ec.EllipticCurvePublicKey:
    """A public key from DER SubjectPublicKeyInfo, as bytes or as hex."""
    if isinstance(public_key, str):
        try:
            public_key = bytes.fromhex(public_key.strip())
        except ValueError:
            raise OcmfKeyError(
                "The public key is not hex; give the hex of its DER SubjectPublicKeyInfo."
            ) from None
    try:
        key = serialization.load_der_public_key(public_key)
    except (ValueError, UnsupportedAlgorithm):
        raise OcmfKeyError(
            "The public key is not a DER SubjectPublicKeyInfo this module can read; "
            "export it with 'openssl pkey -pubin -outform der'."
        ) from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise OcmfKeyError("The public key is not an elliptic-curve (ECDSA) key.")
    return key


class PayloadSigner(Protocol):
    """What a :class:`gridnode.ocmf.MeterSeries` signs with: :class:`NodeSigner`, or an
    adapter around a key held elsewhere (the trade engine's signing port)."""

    @property
    def fingerprint(self) -> str:
        """SHA-256 hex of the signer's DER SubjectPublicKeyInfo (the record's ``GS``)."""
        ...

    def sign(self, payload_text: str) -> Signature:
        """The signature section for exactly these payload bytes."""
        ...


class NodeSigner:
    """Signs payloads with a node's P-256 identity key."""

    algorithm = SignatureAlgorithm.SECP256R1_SHA256

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise OcmfKeyError(
                f"Node keys must be on secp256r1 (P-256), OCMF's default curve; this one "
                f"is on {private_key.curve.name}."
            )
        self._key = private_key
        self.public_key_der = public_key_der(private_key)

    @property
    def public_key_hex(self) -> str:
        """What a verifier is given: the hex of the DER SubjectPublicKeyInfo."""
        return self.public_key_der.hex()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key_der)

    def sign(self, payload_text: str) -> Signature:
        """The signature section for exactly these payload bytes."""
        data = payload_text.encode("utf-8")
        try:
            der = self._key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        except UnsupportedAlgorithm:  # an OpenSSL older than 3.2: random nonces
            der = self._key.sign(data, ec.ECDSA(hashes.SHA256()))
        return Signature(
            SD=der.hex(), SA=self.algorithm, SE=SignatureEncoding.HEX, SM=SignatureMime.DER
        )


def check_signature(record: OcmfRecord, public_key: bytes | str) -> None:
    """Raise :class:`OcmfBadSignatureError` unless the record is signed by this key."""
    key = load_public_key(public_key)
    page = record.payload.page
    wanted = _CURVES.get(record.signature.SA)
    if wanted is None:
        raise OcmfBadSignatureError(
            f"Record {record.payload.PG} is signed with {record.signature.SA.value}, which "
            "this module cannot check.",
            field="SA",
            page=page,
        )
    if not isinstance(key.curve, wanted):
        raise OcmfBadSignatureError(
            f"Record {record.payload.PG} says it is signed with {record.signature.SA.value}, "
            f"but the key given is on {key.curve.name}: it was not signed by this key.",
            field="SA",
            page=page,
        )
    try:
        key.verify(
            signature_bytes(record.signature),
            record.payload_text.encode("utf-8"),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        raise OcmfBadSignatureError(
            f"The signature of record {record.payload.PG} does not match its payload under "
            "the given key: the payload was changed after signing, the signature was "
            "changed, or another key signed it.",
            field="SD",
            page=page,
        ) from None


def verify_record(text: str | bytes, public_key: bytes | str) -> OcmfRecord:
    """Parse a record and check its signature; the typed record, or a typed error."""
    record = parse_record(text)
    check_signature(record, public_key)
    return record
