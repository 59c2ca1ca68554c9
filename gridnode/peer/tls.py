"""Mutually pinned TLS 1.3 contexts, and the explicit fingerprint check after a handshake.

No certificate authority is ever trusted. Each side loads only the pinned peers'
self-signed certificates as its trust store and sets CERT_REQUIRED, so a peer whose
certificate is not pinned fails the handshake; after the handshake the SPKI SHA-256
fingerprint of the certificate actually presented is compared with the configuration
(``check_peer``), so even a mistake in the trust store cannot let a stranger in.
Hostnames are not checked: a node is its key, not its address.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gridnode.identity import (
    IdentityError,
    NodeIdentity,
    fingerprint_of_certificate,
    fingerprint_of_der,
    load_certificate,
    normalize_fingerprint,
)
from gridnode.peer.errors import FingerprintMismatchError


@dataclass(frozen=True)
class PinnedPeer:
    """A peer this node talks to: a name for people, its fingerprint and certificate."""

    name: str
    fingerprint: str
    certificate: x509.Certificate

    @classmethod
    def from_files(cls, name: str, fingerprint: str, certificate_path: Path) -> PinnedPeer:
        """Pin a peer from its certificate file and the fingerprint compared aloud.

        The certificate may have come over email or a USB stick; the fingerprint, read
        aloud or scanned from the peer's screen, is what makes it trustworthy, so the two
        must agree.
        """
        expected = normalize_fingerprint(fingerprint, f"fingerprint of peer {name!r}")
        certificate = load_certificate(certificate_path)
        return cls.of(name, certificate, expected)

    @classmethod
    def of(
        cls, name: str, certificate: x509.Certificate, fingerprint: str | None = None
    ) -> PinnedPeer:
        actual = fingerprint_of_certificate(certificate)
        if fingerprint is not None and normalize_fingerprint(fingerprint) != actual:
            raise IdentityError(
                f"The certificate for peer {name!r} has fingerprint {actual}, but the "
                f"configuration pins {normalize_fingerprint(fingerprint)}. Ask the peer to "
                "run `gridnode fingerprint` and send its node.crt again."
            )
        return cls(name=name, fingerprint=actual, certificate=certificate)


def server_context(identity: NodeIdentity, pinned: Iterable[PinnedPeer]) -> ssl.SSLContext:
    """A seller's context: TLS 1.3 only, a client certificate required, pinned buyers only."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _common(ctx, identity, pinned)
    ctx.num_tickets = 0  # no resumption: TLS 1.3 would issue tickets despite OP_NO_TICKET
    return ctx


def client_context(identity: NodeIdentity, seller: PinnedPeer) -> ssl.SSLContext:
    """A buyer's context: TLS 1.3 only, the one pinned seller, no hostname check."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    _common(ctx, identity, [seller])
    return ctx


def probe_context() -> ssl.SSLContext:
    """For diagnostics only: fetch a refused peer's certificate to log its fingerprint.

    Never used to exchange protocol messages.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def peer_fingerprint(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> str | None:
    """The fingerprint of the certificate the peer presented, if any."""
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    return fingerprint_of_der(der) if der else None


def check_peer(
    ssl_object: ssl.SSLObject | ssl.SSLSocket | None, pinned: Mapping[str, PinnedPeer]
) -> PinnedPeer:
    """Return the pinned peer behind this TLS session, or raise naming both fingerprints."""
    presented = peer_fingerprint(ssl_object)
    peer = pinned.get(presented) if presented is not None else None
    if peer is None:
        raise FingerprintMismatchError(presented, sorted(pinned))
    version = ssl_object.version() if ssl_object is not None else None
    if version != "TLSv1.3":
        raise FingerprintMismatchError(presented, sorted(pinned), f"negotiated {version}")
    return peer


def _common(ctx: ssl.SSLContext, identity: NodeIdentity, pinned: Iterable[PinnedPeer]) -> None:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.options |= ssl.OP_NO_TICKET  # no resumption: every connection shows its certificate
    ctx.load_cert_chain(identity.certificate_path, identity.key_path)
    pems = "".join(p.certificate.public_bytes(serialization.Encoding.PEM).decode() for p in pinned)
    if pems:
        ctx.load_verify_locations(cadata=pems)
