"""Node configurations that load: the files a real node folder holds, made for a test.

:func:`gridnode.config.settings.load_settings` reads every file a configuration names
before the node connects to anything (the node's identity, the pinned peers'
certificates, LND's certificate, the macaroon, whose permissions must fit the role), so
a test's configuration needs those files too. :func:`write` puts a configuration text in
a folder together with them; :data:`SELLER` and :data:`BUYER` are small complete
configurations, :func:`example` the shipped examples filled in as a person would.

The pinned peer has a fixed key, so its fingerprint :data:`FPR` is a constant tests can
write into configurations and compare with.
"""

from __future__ import annotations

import datetime
import functools
import shutil
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gridnode.config.examples import example as example_text
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.identity import KEY_FILE, Role, create_identity, fingerprint_of_public_key
from tests.support.macaroons import bake_for

#: The pinned peer's private scalar: a fixed key, so its fingerprint is a constant.
_PEER_SECRET = 0x6772_6964_6E6F_6465_2074_6573_7420_7065_6572
#: The fingerprint of the pinned peer's key (the buyer's for a seller, and the other way).
FPR = fingerprint_of_public_key(ec.derive_private_key(_PEER_SECRET, ec.SECP256R1()).public_key())
#: The fingerprint the shipped examples hold until a person pairs the nodes.
EXAMPLE_FPR = "0" * 64
#: Where the shipped examples point LND's certificate (a Pi's LND folder).
EXAMPLE_TLS_CERT = "/home/gridnode/.lnd/tls.cert"
#: The files a configuration of this module names for the pinned peer's certificate.
PEER_CERTIFICATES = ("tenant-1.pem", "seller.pem", "peers/flat-2.crt", "peers/seller.crt")

SELLER = f"""
role = "seller"
listen = "0.0.0.0:7878"

[lnd]
host = "127.0.0.1:10009"
tls_cert = "tls.cert"
macaroon = "seller.macaroon"

[hardware.bus]
port = "/dev/gridnode-rs485"

[hardware.watchdog]
kind = "gpio"
pin = 27

[[hardware.meters]]
id = "tenant-1"
model = "sdm120"
address = 1

[[buyers]]
name = "tenant-1"
fingerprint = "{FPR}"
certificate = "tenant-1.pem"
meter = "tenant-1"
relay = {{ kind = "modbus", address = 10, coil = 0 }}

[terms]
period_s = 3600
min_payment_msat = 1_000
max_payment_msat = 20_000
prepayment_msat = 40_000
prepayment_s = 5
deposit_msat = 100_000
voltage_min_v = "207"
voltage_nominal_v = "230"
voltage_max_v = "253"
current_max_a = "16"
tolerance_percent = "1.5"
tolerance_fixed_mwh = 10_000  # at least one register step (10 Wh)

[terms.profile]
kind = "daily"
zone = "Europe/Berlin"
knots = [["06:00", 25_000_000], ["18:00", 40_000_000]]
"""

BUYER = f"""
role = "buyer"

[lnd]
host = "127.0.0.1:10010"
tls_cert = "tls.cert"
macaroon = "buyer.macaroon"

[hardware.bus]
port = "/dev/gridnode-rs485"

[[hardware.meters]]
id = "house"
model = "sdm120"
address = 1

[seller]
address = "192.168.1.10:9735"
fingerprint = "{FPR.upper()}"
certificate = "seller.pem"

[limits]
min_period_s = 60
max_period_s = 86_400
min_payment_msat = 1_000
max_payment_msat = 50_000
desired_payment_msat = 10_000
max_prepayment_msat = 100_000
max_prepayment_s = 10
max_deposit_msat = 200_000
voltage_min_v = 200
voltage_max_v = 260
nominal_min_v = 220
nominal_max_v = 240
current_needed_a = 10
seller_meter_id = "tenant-1"
own_tolerance_percent = 1
max_tolerance_percent = 2
own_tolerance_fixed_mwh = 10_000
max_tolerance_fixed_mwh = 20_000
max_period_cost_msat = 10_000_000_000

[limits.ceiling]
kind = "time_of_use"
default_msat_per_kwh = 45_000_000
blocks = [{{ days = "mon-fri", from = "17:00", to = "21:00", price_msat_per_kwh = 60_000_000 }}]
"""


#: The single [seller] table of :data:`BUYER`, as written there.
SINGLE_SELLER = BUYER[BUYER.index("[seller]") : BUYER.index("[limits]")]


def two_sellers(folder: Path, head: str = "") -> str:
    """The support buyer with two [[sellers]]: the support peer ("roof") and a second
    pinned seller ("grid") with its own key in ``folder``."""
    other = create_identity(folder / "grid-identity", Role.SELLER)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(other.certificate_path, folder / "grid.crt")
    sellers = (
        "[[sellers]]\n"
        'name = "roof"\n'
        'address = "192.168.1.10:7878"\n'
        f'fingerprint = "{FPR}"\n'
        'certificate = "seller.pem"\n'
        "premium_msat_per_kwh = 2000\n"
        'feed = "roof-feed"\n'
        'seller_meter_id = "roof-meter"\n'
        "\n"
        "[[sellers]]\n"
        'name = "grid"\n'
        'address = "192.168.1.11:7878"\n'
        f'fingerprint = "{other.fingerprint}"\n'
        'certificate = "grid.crt"\n'
        "priority = 5\n\n"
    )
    return head + BUYER.replace(SINGLE_SELLER, sellers)


@functools.cache
def peer_certificate_pem() -> bytes:
    """The pinned peer's self-signed certificate (PEM), for the key of :data:`FPR`."""
    key = ec.derive_private_key(_PEER_SECRET, ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gridnode test peer")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def prepare(folder: Path, role: Role) -> None:
    """Everything a configuration here names: the node's identity (if it has none), the
    pinned peer's certificate under each name this module uses, LND's certificate as
    ``tls.cert``, and each role's least-privilege macaroon."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / KEY_FILE).exists():
        create_identity(folder, role)
    for name in PEER_CERTIFICATES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(peer_certificate_pem())
    (folder / "tls.cert").write_bytes(peer_certificate_pem())  # any PEM certificate
    for mac_role in ("seller", "buyer"):
        (folder / f"{mac_role}.macaroon").write_bytes(bake_for(mac_role))


def write(folder: Path, text: str, name: str = "node.toml") -> Path:
    """``text`` as ``folder/name``, with every file it names (:func:`prepare`)."""
    prepare(folder, Role.BUYER if 'role = "buyer"' in text else Role.SELLER)
    path = folder / name
    path.write_text(text)
    return path


def filled_example(role: str) -> str:
    """The shipped example for ``role`` as a person fills it in: the pairing's
    fingerprint is the peer's, and LND's certificate is the folder's ``tls.cert``."""
    return example_text(role).replace(EXAMPLE_FPR, FPR).replace(EXAMPLE_TLS_CERT, "tls.cert")


def example(folder: Path, role: str) -> Path:
    """The shipped example for ``role`` in ``folder``, ready to load."""
    return write(folder, filled_example(role), f"{role}.toml")


def seller_settings(folder: Path, text: str = SELLER) -> SellerSettings:
    """A seller's settings, loaded from ``text`` written in ``folder``."""
    settings = load_settings(write(folder, text), env={})
    assert isinstance(settings, SellerSettings)
    return settings


def buyer_settings(folder: Path, text: str = BUYER) -> BuyerSettings:
    """A buyer's settings, loaded from ``text`` written in ``folder``."""
    settings = load_settings(write(folder, text), env={})
    assert isinstance(settings, BuyerSettings)
    return settings
