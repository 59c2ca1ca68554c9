"""Pin on first contact: a buyer that knows only the seller's address and fingerprint.

The fingerprint is what two people compare aloud; the certificate file is only a
carrier for the key. So the buyer may fetch the certificate from the seller itself the
first time, and accept it only if its public key has the configured fingerprint. This
is safe on any network: TLS 1.3 makes the server sign the handshake with the key in the
certificate it presents (CertificateVerify), so only the holder of that key can complete
the fetch. The certificate is then saved (0600) and pinned like one handed over by hand.

The seller cannot do the same for its buyers: Python's ssl module only reveals a client
certificate that already passed verification, so a seller needs each buyer's file.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gridnode.identity import (
    NodeIdentity,
    fingerprint_of_certificate,
    normalize_fingerprint,
    write_private,
)
from gridnode.peer.errors import FingerprintMismatchError, PeerUnreachableError
from gridnode.peer.tls import PinnedPeer, probe_context

log = logging.getLogger("gridnode.peer")


async def fetch_certificate(
    host: str, port: int, timeout_s: float, identity: NodeIdentity | None = None
) -> x509.Certificate:
    """The certificate the peer at host:port presents, unverified: check it before use.

    With ``identity`` our own certificate is offered, so a seller that already pins us
    sees an ordinary connection rather than a refused one.
    """
    ctx = probe_context()
    if identity is not None:
        ctx.load_cert_chain(identity.certificate_path, identity.key_path)
    try:
        async with asyncio.timeout(timeout_s):
            _, writer = await asyncio.open_connection(host, port, ssl=ctx)
    except (OSError, TimeoutError) as exc:
        raise PeerUnreachableError(
            f"Could not fetch the certificate of {host}:{port} ({exc or type(exc).__name__}); "
            "check the address and that the seller is running."
        ) from exc
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.transport.abort()
    if not der:
        raise PeerUnreachableError(f"{host}:{port} presented no certificate.")
    return x509.load_der_x509_certificate(der)


async def pin_on_first_contact(
    name: str,
    host: str,
    port: int,
    fingerprint: str,
    save_to: Path,
    *,
    timeout_s: float = 10.0,
    identity: NodeIdentity | None = None,
) -> PinnedPeer:
    """Pin the peer at host:port by fingerprint alone, keeping its certificate in
    ``save_to``. Once saved, later calls read the file and touch no network."""
    expected = normalize_fingerprint(fingerprint, f"fingerprint of peer {name!r}")
    if await asyncio.to_thread(save_to.exists):
        return await asyncio.to_thread(PinnedPeer.from_files, name, expected, save_to)
    certificate = await fetch_certificate(host, port, timeout_s, identity)
    presented = fingerprint_of_certificate(certificate)
    if presented != expected:
        raise FingerprintMismatchError(presented, [expected], f"first contact with {host}:{port}")
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    await asyncio.to_thread(_save_private, save_to, pem)
    log.info(
        "peer %s: pinned on first contact; its certificate is saved in %s",
        name,
        save_to,
        extra={"peer": name},
    )
    return PinnedPeer(name=name, fingerprint=expected, certificate=certificate)


def _save_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(path, data)
