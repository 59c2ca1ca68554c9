"""Node configuration: a good file loads into typed settings; a bad one is refused with
one sentence per bad field; GRIDNODE_ variables override fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.money import Msat
from gridnode.node.config_reader import ConfigError
from gridnode.node.settings import load_settings
from gridnode.trade.profiles import DailyTableProfile, TimeOfUseProfile

FPR = "ab" * 32

SELLER = f"""
role = "seller"
listen = "0.0.0.0:7878"

[lnd]
host = "127.0.0.1:10009"
tls_cert = "tls.cert"
macaroon = "seller.macaroon"

[hardware.bus]
port = "/dev/gridnode-rs485"

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
tolerance_fixed_mwh = 50

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
max_tolerance_fixed_mwh = 100
max_period_cost_msat = 10_000_000_000

[limits.ceiling]
kind = "time_of_use"
default_msat_per_kwh = 45_000_000
blocks = [{{ days = "mon-fri", from = "17:00", to = "21:00", price_msat_per_kwh = 60_000_000 }}]
"""


def write(tmp_path: Path, text: str) -> Path:
    for name in ("tls.cert", "seller.macaroon", "buyer.macaroon"):
        (tmp_path / name).write_text("x")
    path = tmp_path / "node.toml"
    path.write_text(text)
    return path


def test_a_seller_configuration_loads_into_typed_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, SELLER), env={})
    assert settings.role == "seller"
    assert settings.ledger == tmp_path / "ledger.sqlite"
    assert settings.buyers[0].fingerprint == FPR
    assert settings.buyers[0].certificate == tmp_path / "tenant-1.pem"
    assert settings.terms is not None
    offer = settings.terms.offer(start_ms=1_000, meter_id="tenant-1")
    assert offer.period_ms == 3_600_000
    assert offer.payments.prepayment_ms == 5_000
    assert offer.electrical.voltage_nominal_mv == 230_000
    assert offer.electrical.current_max_ma == 16_000
    assert offer.tolerance.share_ppm == 15_000
    assert isinstance(offer.profile, DailyTableProfile)
    renewal = settings.terms.offer(start_ms=3_601_000, meter_id="tenant-1", renewal=True)
    assert renewal.payments.initial_deposit == Msat(0)


def test_a_buyer_configuration_loads_into_typed_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, BUYER), env={})
    assert settings.seller_fingerprint == FPR  # normalised
    assert settings.limits is not None
    assert settings.limits.max_prepayment_ms == 10_000
    assert isinstance(settings.limits.ceiling, TimeOfUseProfile)
    assert settings.limits.ceiling.blocks[0].weekday_mask == 0b0011111


def test_environment_overrides_fields(tmp_path: Path) -> None:
    env = {"GRIDNODE_LND__HOST": "10.0.0.2:10009", "GRIDNODE_TERMS__PERIOD_S": "60"}
    settings = load_settings(write(tmp_path, SELLER), env=env)
    assert settings.lnd.host == "10.0.0.2:10009"
    assert settings.terms is not None
    assert settings.terms.period_ms == 60_000


def test_every_bad_field_gets_its_own_sentence(tmp_path: Path) -> None:
    bad = (
        SELLER.replace('listen = "0.0.0.0:7878"\n', "")
        .replace("period_s = 3600", 'period_s = "an hour"')
        .replace(f'fingerprint = "{FPR}"', 'fingerprint = "abc"')
        .replace('current_max_a = "16"', 'current_max_a = "sixteen"')
        .replace('kind = "daily"', 'kind = "weekly"')
        .replace('macaroon = "seller.macaroon"', 'macaroon = "missing.macaroon"\ncolour = "red"')
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, bad), env={})
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "listen is missing" in text
    assert "terms.period_s must be a whole number" in text
    assert "buyers[0].fingerprint must be 64 hex digits" in text
    assert "terms.current_max_a must be a number" in text
    assert "terms.profile.kind must be one of constant, daily, sinusoid, time_of_use" in text
    assert "lnd.macaroon" in text
    assert "lnd.colour is not a setting gridnode knows" in text
    assert len(problems) >= 7
    assert caught.value.exit_code == 2


def test_inconsistent_terms_are_reported_by_the_engines_own_rule(tmp_path: Path) -> None:
    bad = SELLER.replace("prepayment_msat = 40_000", "prepayment_msat = 5_000")
    with pytest.raises(ConfigError, match="payment terms: prepayment"):
        load_settings(write(tmp_path, bad), env={})


def test_a_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="gridnode init"):
        load_settings(tmp_path / "nope.toml", env={})


def test_a_file_that_is_not_toml_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "node.toml"
    path.write_text("role = seller = buyer")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path, env={})


@pytest.mark.parametrize("role", ["seller", "buyer"])
def test_the_example_configurations_load(tmp_path: Path, role: str) -> None:
    from importlib import resources

    text = resources.files("gridnode.node.examples").joinpath(f"{role}.toml").read_text()
    (tmp_path / f"{role}.macaroon").write_text("x")
    tls = tmp_path / "tls.cert"
    tls.write_text("x")
    text = text.replace("/home/gridnode/.lnd/tls.cert", str(tls))
    path = tmp_path / f"{role}.toml"
    path.write_text(text)
    settings = load_settings(path, env={})
    assert settings.role == role


def test_gridnode_init_writes_the_whole_example_with_pairing_to_fill_in(tmp_path: Path) -> None:
    from gridnode.identity import Role, create_identity

    node = create_identity(tmp_path / "n", Role.BUYER)
    text = node.config_path.read_text()
    assert "[limits]" in text
    assert "[lnd]" in text
    assert '# fingerprint = "<64 hex digits' in text  # pairing left to fill in
    filled = (
        text.replace('# address = "192.0.2.10:7878"', 'address = "10.0.0.1:7878"')
        .replace(
            '# fingerprint = "<64 hex digits from `gridnode fingerprint` on the seller>"',
            f'fingerprint = "{FPR}"',
        )
        .replace('# certificate = "peers/seller.crt"', 'certificate = "peers/seller.crt"')
    )
    tls = tmp_path / "tls.cert"
    tls.write_text("x")
    (node.directory / "buyer.macaroon").write_text("x")
    node.config_path.write_text(filled.replace("/home/gridnode/.lnd/tls.cert", str(tls)))
    settings = load_settings(node.config_path, env={})
    assert settings.seller_fingerprint == FPR
