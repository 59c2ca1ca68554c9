"""How to reach an LND node: host, TLS certificate and macaroon, or an lndconnect URI."""

from __future__ import annotations

import base64
import ssl
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from gridnode.errors import UsageError


class LndConfigError(UsageError):
    """The LND connection settings are unusable; the message names the setting."""


@dataclass(frozen=True, slots=True)
class LndConnection:
    """Everything needed to open a gRPC channel to one LND node."""

    host: str  # "127.0.0.1:10009"
    tls_cert_pem: bytes
    macaroon: bytes

    @classmethod
    def from_files(cls, host: str, tls_cert: Path | str, macaroon: Path | str) -> LndConnection:
        cert_path, mac_path = Path(tls_cert), Path(macaroon)
        try:
            cert = cert_path.read_bytes()
        except OSError as exc:
            raise LndConfigError(
                f"tls_cert: cannot read LND's TLS certificate at {cert_path} ({exc.strerror}); "
                "it is tls.cert in LND's directory."
            ) from exc
        try:
            mac = mac_path.read_bytes()
        except OSError as exc:
            raise LndConfigError(
                f"macaroon: cannot read the macaroon at {mac_path} ({exc.strerror}); bake one "
                "with 'lncli bakemacaroon' (see the README for each role's permissions)."
            ) from exc
        return cls.build(host, cert, mac)

    @classmethod
    def build(cls, host: str, tls_cert_pem: bytes, macaroon: bytes) -> LndConnection:
        if ":" not in host:
            raise LndConfigError(f"host: '{host}' needs a port, for example 127.0.0.1:10009.")
        if b"BEGIN CERTIFICATE" not in tls_cert_pem:
            raise LndConfigError("tls_cert: the file is not a PEM certificate (LND's tls.cert).")
        if not macaroon:
            raise LndConfigError("macaroon: the macaroon file is empty.")
        return cls(host=host, tls_cert_pem=tls_cert_pem, macaroon=macaroon)

    @classmethod
    def from_lndconnect(cls, uri: str) -> LndConnection:
        """Parse ``lndconnect://host:port?cert=<base64url DER>&macaroon=<base64url>``."""
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme != "lndconnect" or not parts.hostname:
            raise LndConfigError(
                "lndconnect: expected lndconnect://host:port?cert=...&macaroon=... "
                "(as printed by 'lndconnect --url')."
            )
        query = urllib.parse.parse_qs(parts.query)
        port = parts.port or 10009
        host = parts.hostname
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        if "macaroon" not in query:
            raise LndConfigError("lndconnect: the URI has no macaroon parameter.")
        if "cert" not in query:
            raise LndConfigError(
                "lndconnect: the URI has no cert parameter; gridnode pins LND's own "
                "certificate and never trusts a certificate authority for it."
            )
        try:
            macaroon = _b64url(query["macaroon"][0])
            cert_der = _b64url(query["cert"][0])
            cert_pem = ssl.DER_cert_to_PEM_cert(cert_der).encode()
        except ValueError as exc:
            raise LndConfigError(f"lndconnect: cert or macaroon is not base64url ({exc}).") from exc
        return cls.build(f"{host}:{port}", cert_pem, macaroon)

    @property
    def macaroon_hex(self) -> str:
        return self.macaroon.hex()


def lndconnect_uri(host: str, tls_cert_pem: bytes, macaroon: bytes) -> str:
    """``lndconnect://host:port?cert=...&macaroon=...`` for a certificate (PEM) and a
    macaroon: the certificate as base64url DER, the macaroon as base64url, both unpadded
    (the lndconnect spec); :meth:`LndConnection.from_lndconnect` reads it back."""
    der = ssl.PEM_cert_to_DER_cert(tls_cert_pem.decode())
    cert = base64.urlsafe_b64encode(der).decode().rstrip("=")
    mac = base64.urlsafe_b64encode(macaroon).decode().rstrip("=")
    return f"lndconnect://{host}?cert={cert}&macaroon={mac}"


def _b64url(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded, altchars=b"-_", validate=True)
