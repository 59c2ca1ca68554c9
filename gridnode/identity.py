"""A node's identity: its ECDSA P-256 key, a self-signed certificate, and its fingerprint.

One key per node. It authenticates the node on the peer link (mutually pinned TLS 1.3,
see docs/peer-link.md) and later signs OCMF meter readings and trade messages, so it is
secp256r1, the OCMF default. There is no certificate authority: a peer is known by the
fingerprint of its public key, exchanged out of band and compared aloud.

The fingerprint is the SHA-256 of the certificate's SubjectPublicKeyInfo in DER, written
as 64 lowercase hex digits, so anyone can recompute it with openssl::

    openssl x509 -in node.crt -pubkey -noout | openssl pkey -pubin -outform der \\
        | openssl dgst -sha256

Files in an identity directory (the directory is 0700, every file 0600):

- ``node.key``: the private key, PKCS#8 PEM, unencrypted (the node must start unattended);
- ``node.crt``: the self-signed certificate, PEM, handed to peers with the fingerprint;
- ``gridnode.toml``: the configuration (``gridnode init`` writes a skeleton once and never
  overwrites it: :func:`gridnode.config.skeleton.init_node`);
- ``peers/``: the pinned peers' certificates.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gridnode.errors import UsageError

KEY_FILE = "node.key"
CERT_FILE = "node.crt"
CONFIG_FILE = "gridnode.toml"
PEERS_DIR = "peers"

# A pinned self-signed certificate has no useful expiry: trust rests on the key, and a Pi
# without a real-time clock may boot in 1970. RFC 5280 4.1.2.5: 99991231235959Z means
# "no well-defined expiration date".
_NOT_BEFORE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_NOT_AFTER = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Role(StrEnum):
    """What a node does on the peer link."""

    SELLER = "seller"  # owns the relay and the revenue meter; serves many buyers
    BUYER = "buyer"  # pays ahead of use; connects to one seller


class IdentityError(UsageError):
    """The identity directory is missing, unreadable, unsafe or inconsistent (exit 2)."""


@dataclass(frozen=True)
class NodeIdentity:
    """A loaded node identity. ``key`` is private: never log or send it."""

    directory: Path
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def key_path(self) -> Path:
        return self.directory / KEY_FILE

    @property
    def certificate_path(self) -> Path:
        return self.directory / CERT_FILE

    @property
    def config_path(self) -> Path:
        return self.directory / CONFIG_FILE

    @property
    def fingerprint(self) -> str:
        return fingerprint_of_certificate(self.certificate)

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def fingerprint_of_public_key(public_key: ec.EllipticCurvePublicKey) -> str:
    """SHA-256 of the SubjectPublicKeyInfo DER, as 64 lowercase hex digits."""
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def fingerprint_of_certificate(certificate: x509.Certificate) -> str:
    """The fingerprint of a certificate's public key (not of the whole certificate)."""
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise IdentityError(
            "The certificate does not hold an elliptic-curve key; gridnode nodes use "
            "ECDSA P-256 keys made by `gridnode init`."
        )
    return fingerprint_of_public_key(public_key)


def fingerprint_of_der(certificate_der: bytes) -> str:
    """The fingerprint of a DER certificate, as handed over by a TLS handshake."""
    return fingerprint_of_certificate(x509.load_der_x509_certificate(certificate_der))


def read_aloud(fingerprint: str) -> str:
    """Four lines of four groups of four hex digits, easy to compare over the phone."""
    fp = normalize_fingerprint(fingerprint)
    groups = [fp[i : i + 4] for i in range(0, 64, 4)]
    return "\n".join(" ".join(groups[i : i + 4]) for i in range(0, 16, 4))


def normalize_fingerprint(text: str, field: str = "fingerprint") -> str:
    """Accept a fingerprint as typed by a person (spaces, colons, any case)."""
    fp = re.sub(r"[\s:]", "", text).lower()
    if not _HEX64.fullmatch(fp):
        raise IdentityError(
            f"{field} must be 64 hex digits (the SHA-256 printed by `gridnode fingerprint` "
            f"on the other node), got {text!r}."
        )
    return fp


def create_identity(directory: Path, role: Role, *, force: bool = False) -> NodeIdentity:
    """Make a new key and self-signed certificate in ``directory``.

    Refuses to replace an existing identity unless ``force``: a new key breaks every
    pairing made with the old fingerprint. Only the key and the certificate are written
    (``gridnode init`` adds the configuration skeleton:
    :func:`gridnode.config.skeleton.init_node`).
    """
    key_path = directory / KEY_FILE
    if key_path.exists() and not force:
        try:
            existing = f" (fingerprint {load_identity(directory).fingerprint})"
        except IdentityError:
            existing = ""
        raise IdentityError(
            f"{directory} already holds a node identity{existing}. Pass --force to replace "
            "it; every peer that pinned the old fingerprint must then pin the new one."
        )
    _make_private_dir(directory)
    _make_private_dir(directory / PEERS_DIR)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _self_signed(key, role)
    write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    write_private(directory / CERT_FILE, certificate.public_bytes(serialization.Encoding.PEM))
    return NodeIdentity(directory=directory, key=key, certificate=certificate)


def load_identity(directory: Path) -> NodeIdentity:
    """Load and check the identity in ``directory`` (key private, key matches cert)."""
    key_path = directory / KEY_FILE
    cert_path = directory / CERT_FILE
    if not key_path.is_file() or not cert_path.is_file():
        raise IdentityError(
            f"No node identity in {directory}: run `gridnode init --role seller|buyer "
            f"--dir {directory}` first."
        )
    mode = stat.S_IMODE(key_path.stat().st_mode)
    if mode & 0o077:
        raise IdentityError(
            f"{key_path} is readable by other users (mode {mode:o}); run `chmod 600 {key_path}`."
        )
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (ValueError, TypeError) as exc:
        raise IdentityError(
            f"The identity in {directory} cannot be read ({exc}); restore it from a backup "
            "or make a new one with `gridnode init --force`."
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise IdentityError(
            f"{key_path} is not an ECDSA P-256 key; make one with `gridnode init --force`."
        )
    if fingerprint_of_public_key(key.public_key()) != fingerprint_of_certificate(certificate):
        raise IdentityError(
            f"{cert_path} does not belong to {key_path}; restore the pair from a backup or "
            "make a new one with `gridnode init --force`."
        )
    return NodeIdentity(directory=directory, key=key, certificate=certificate)


def load_certificate(path: Path) -> x509.Certificate:
    """Read a peer's PEM certificate, with a sentence when it cannot be read."""
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError as exc:
        raise IdentityError(
            f"{path} does not exist: copy the peer's node.crt there (its owner finds it "
            "with `gridnode fingerprint`)."
        ) from exc
    except ValueError as exc:
        raise IdentityError(f"{path} is not a PEM certificate ({exc}).") from exc


def _self_signed(key: ec.EllipticCurvePrivateKey, role: Role) -> x509.Certificate:
    public_key = key.public_key()
    # The subject must differ between nodes: OpenSSL finds a trust anchor by subject name,
    # and a seller's trust store holds every buyer's certificate. Two buyers with the same
    # subject would make the second one's handshake fail against the first one's key.
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME,
                f"gridnode {role.value} {fingerprint_of_public_key(public_key)[:16]}",
            ),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gridnode"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )


def _make_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600 from the first byte."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
