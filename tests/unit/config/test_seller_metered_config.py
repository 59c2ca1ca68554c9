"""A tenant without a meter of its own (issue 18 §5): ``metering = "seller"`` on the
buyer needs no [hardware] (no serial port, no meter) and may reach its LND by an
lndconnect URI; ``metering = "seller"`` in the seller's [[buyers]] entry makes the offers
to that buyer say so."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from gridnode.config.reader import ConfigError
from gridnode.config.settings import NO_HARDWARE, load_settings
from tests.support.macaroons import bake_for
from tests.support.node_config import (
    BUYER,
    SELLER,
    buyer_settings,
    peer_certificate_pem,
    seller_settings,
    two_sellers,
    write,
)

HARDWARE = """[hardware.bus]
port = "/dev/gridnode-rs485"

[[hardware.meters]]
id = "house"
model = "sdm120"
address = 1
"""
LND = '[lnd]\nhost = "127.0.0.1:10010"\ntls_cert = "tls.cert"\nmacaroon = "buyer.macaroon"\n'


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _lndconnect() -> str:
    der = x509.load_pem_x509_certificate(peer_certificate_pem()).public_bytes(Encoding.DER)
    mac = _b64url(bake_for("buyer"))
    return f"lndconnect://10.0.0.5:10009?cert={_b64url(der)}&macaroon={mac}"


def test_a_buyer_metered_by_the_seller_needs_no_hardware_and_takes_an_lndconnect_uri(
    tmp_path: Path,
) -> None:
    assert HARDWARE in BUYER
    assert LND in BUYER
    text = BUYER.replace(HARDWARE, "").replace(LND, f'[lnd]\nlndconnect = "{_lndconnect()}"\n')
    text = text.replace('role = "buyer"', 'role = "buyer"\nmetering = "seller"')
    settings = buyer_settings(tmp_path, text)
    assert settings.buying.limits.seller_metered
    assert settings.hardware == NO_HARDWARE
    connection = settings.lnd.connection()
    assert connection.host == "10.0.0.5:10009"
    assert b"BEGIN CERTIFICATE" in connection.tls_cert_pem
    assert connection.macaroon == bake_for("buyer")
    assert not settings.warnings


def test_a_dual_metered_buyer_still_needs_its_meter(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, BUYER.replace(HARDWARE, "")), env={})
    assert any(p.startswith("hardware") for p in caught.value.problems)
    assert not buyer_settings(tmp_path / "b").buying.limits.seller_metered


def test_a_hardware_table_a_seller_metered_buyer_does_not_use_is_a_warning(
    tmp_path: Path,
) -> None:
    text = BUYER.replace('role = "buyer"', 'role = "buyer"\nmetering = "seller"')
    settings = buyer_settings(tmp_path, text)
    assert settings.hardware == NO_HARDWARE
    assert any("[hardware] table is not used" in w for w in settings.warnings)


def test_metering_is_dual_or_seller(tmp_path: Path) -> None:
    text = BUYER.replace('role = "buyer"', 'role = "buyer"\nmetering = "none"')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert [p for p in caught.value.problems if "metering" in p], caught.value.problems


def test_a_sellers_buyer_entry_may_be_metered_by_the_seller_alone(tmp_path: Path) -> None:
    assert not seller_settings(tmp_path / "a").selling.buyers[0].seller_metered
    marked = 'meter = "tenant-1"\nmetering = "seller"'
    assert SELLER.count('meter = "tenant-1"') == 1
    settings = seller_settings(tmp_path / "b", SELLER.replace('meter = "tenant-1"', marked))
    assert settings.selling.buyers[0].seller_metered


def test_the_estate_market_needs_the_buyers_own_meter(tmp_path: Path) -> None:
    text = two_sellers(tmp_path).replace('role = "buyer"', 'role = "buyer"\nmetering = "seller"')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert any("the estate market needs the buyer's own meter" in p for p in caught.value.problems)
