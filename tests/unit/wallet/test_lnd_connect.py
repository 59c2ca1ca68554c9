"""LND connection settings: files, lndconnect URIs, and clear errors for bad ones."""

from __future__ import annotations

import base64
import ssl
from pathlib import Path

import pytest

from gridnode.wallet.lnd_connect import LndConfigError, LndConnection, lndconnect_uri
from tests.support.node_config import peer_certificate_pem

PEM = """-----BEGIN CERTIFICATE-----
MIIBYjCCAQigAwIBAgIUCBnPH3AHq7yiv9PCzGh4ALTa8CQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAw
MDAwMFowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAE7qC6ZQ0JrZz5i3iMdtn8jHfCtE4m0d3v1b3m6bqY0sV9d2n3sK1tT0Kq
o5cJm7yM8m2kG8Yy4w7x8g1c3q3qQKM2MDQwEwYDVR0lBAwwCgYIKwYBBQUHAwEw
HQYDVR0OBBYEFJ6e4f5a5T3m0b6t6m1m4x9pC7mSMAoGCCqGSM49BAMCA0gAMEUC
IQDn5a6k0p3Q5y7d0x6Jx7q0vY8pQ3m0m9r3G7d0hP2n4QIgXl2cQ9tq3bK1b8K4
r8q4cW2H1o0l0Y5n3l3uM1mC0jk=
-----END CERTIFICATE-----
"""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_from_files(tmp_path: Path) -> None:
    (tmp_path / "tls.cert").write_text(PEM)
    (tmp_path / "m.macaroon").write_bytes(b"\x02\x01mac")
    conn = LndConnection.from_files(
        "127.0.0.1:10009", tmp_path / "tls.cert", tmp_path / "m.macaroon"
    )
    assert conn.macaroon_hex == "02016d6163"


def test_missing_macaroon_names_the_setting(tmp_path: Path) -> None:
    (tmp_path / "tls.cert").write_text(PEM)
    with pytest.raises(LndConfigError, match=r"^macaroon: cannot read"):
        LndConnection.from_files("127.0.0.1:10009", tmp_path / "tls.cert", tmp_path / "nope")


def test_a_host_without_port_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LndConfigError, match="needs a port"):
        LndConnection.build("localhost", PEM.encode(), b"m")


def test_a_certificate_that_is_not_pem_is_refused() -> None:
    with pytest.raises(LndConfigError, match="not a PEM certificate"):
        LndConnection.build("h:1", b"garbage", b"m")


def test_lndconnect_uri_round_trip() -> None:
    der = ssl.PEM_cert_to_DER_cert(PEM)
    uri = f"lndconnect://10.0.0.5:10009?cert={b64url(der)}&macaroon={b64url(b'mac')}"
    conn = LndConnection.from_lndconnect(uri)
    assert conn.host == "10.0.0.5:10009"
    assert conn.macaroon == b"mac"
    assert ssl.PEM_cert_to_DER_cert(conn.tls_cert_pem.decode()) == der


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("https://host:1?cert=a&macaroon=b", "expected lndconnect://"),
        ("lndconnect://host:1?cert=AAAA", "no macaroon"),
        ("lndconnect://host:1?macaroon=AAAA", "no cert parameter"),
        ("lndconnect://host:1?cert=***&macaroon=AAAA", "not base64url"),
    ],
)
def test_bad_lndconnect_uris(uri: str, message: str) -> None:
    with pytest.raises(LndConfigError, match=message):
        LndConnection.from_lndconnect(uri)


def test_an_lndconnect_uri_written_reads_back_the_same() -> None:
    pem = peer_certificate_pem()
    uri = lndconnect_uri("10.0.0.5:10009", pem, b"\x02\x01macaroon bytes")
    assert "=" not in uri.split("?", 1)[1].replace("cert=", "").replace("&macaroon=", "")
    back = LndConnection.from_lndconnect(uri)
    assert back.host == "10.0.0.5:10009"
    assert back.macaroon == b"\x02\x01macaroon bytes"
    assert back.tls_cert_pem.replace(b"\n", b"") == pem.replace(b"\n", b"")
