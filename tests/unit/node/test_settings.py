"""Node configuration: a good file loads into typed settings; a bad one is refused with
one sentence per bad field; GRIDNODE_ variables override fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.money import Msat
from gridnode.node.config_reader import ConfigError
from gridnode.node.settings import load_settings
from gridnode.peer.settings import LinkSettings
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


def test_without_a_link_table_the_link_keeps_its_defaults_and_clock_sync_is_required(
    tmp_path: Path,
) -> None:
    settings = load_settings(write(tmp_path, BUYER), env={})
    assert settings.link == LinkSettings()
    assert settings.require_clock_sync is True


def test_a_link_table_sets_the_link_settings(tmp_path: Path) -> None:
    link = (
        "\n[link]\nheartbeat_interval_s = 2\nidle_timeout_s = 7.5\nmax_clock_skew_s = 1\n"
        'session_expiry_s = 120\noutbox_synchronous = "FULL"\n'
    )
    text = "require_clock_sync = false\n" + SELLER + link
    settings = load_settings(write(tmp_path, text), env={})
    assert settings.require_clock_sync is False
    assert settings.link.heartbeat_interval_s == 2.0
    assert settings.link.idle_timeout_s == 7.5
    assert settings.link.max_clock_skew_s == 1.0
    assert settings.link.session_expiry_s == 120.0
    assert settings.link.outbox_synchronous == "FULL"
    assert settings.link.read_timeout_s == LinkSettings().read_timeout_s  # not set: default


def test_link_settings_are_overridable_from_the_environment(tmp_path: Path) -> None:
    env = {"GRIDNODE_LINK__MAX_CLOCK_SKEW_S": "2", "GRIDNODE_REQUIRE_CLOCK_SYNC": "false"}
    settings = load_settings(write(tmp_path, BUYER), env=env)
    assert settings.link.max_clock_skew_s == 2.0
    assert settings.require_clock_sync is False


@pytest.mark.parametrize(
    ("lines", "sentence"),
    [
        (
            "heartbeat_interval_s = 0",
            "link.heartbeat_interval_s must be from 1 to 300 seconds, not 0",
        ),
        ("idle_timeout_s = -5", "link.idle_timeout_s must be from 2 to 900 seconds, not -5"),
        (
            "handshake_timeout_s = 600",
            "link.handshake_timeout_s must be from 1 to 120 seconds, not 600",
        ),
        ("read_timeout_s = 0.5", "link.read_timeout_s must be from 1 to 300 seconds, not 0.5"),
        ("drain_timeout_s = 1000", "link.drain_timeout_s must be from 1 to 300 seconds"),
        ("max_clock_skew_s = 0", "link.max_clock_skew_s must be from 0.5 to 300 seconds"),
        ("session_expiry_s = 5", "link.session_expiry_s must be from 10 to 86400 seconds"),
        ("reconnect_initial_s = 0", "link.reconnect_initial_s must be from 0.1 to 60 seconds"),
        ("reconnect_max_s = 7200", "link.reconnect_max_s must be from 1 to 3600 seconds"),
        ("max_clock_skew_s = nan", "link.max_clock_skew_s must be from 0.5 to 300 seconds"),
        ('heartbeat_interval_s = "5s"', "link.heartbeat_interval_s must be a number, not '5s'"),
        ("idle_timeout_s = true", "link.idle_timeout_s must be a number, not True"),
        ('outbox_synchronous = "OFF"', "link.outbox_synchronous must be one of NORMAL, FULL"),
        ("heartbeat_timeout_s = 5", "link.heartbeat_timeout_s is not a setting gridnode knows"),
        (
            "heartbeat_interval_s = 10\nidle_timeout_s = 15",
            "link.idle_timeout_s (15 s) must be at least twice link.heartbeat_interval_s (10 s)",
        ),
        (
            "heartbeat_interval_s = 20",  # the default idle timeout (15 s) is now too short
            "link.idle_timeout_s (15 s) must be at least twice link.heartbeat_interval_s (20 s)",
        ),
        (
            "reconnect_initial_s = 10\nreconnect_max_s = 5",
            "link.reconnect_max_s (5 s) must be at least link.reconnect_initial_s (10 s)",
        ),
        (
            "reconnect_max_s = 600\nsession_expiry_s = 300",
            "link.reconnect_max_s (600 s) must be below link.session_expiry_s (300 s)",
        ),
    ],
)
def test_each_bad_link_setting_is_refused_with_a_sentence_naming_key_and_range(
    tmp_path: Path, lines: str, sentence: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, BUYER + "\n[link]\n" + lines + "\n"), env={})
    assert any(sentence in p for p in caught.value.problems), caught.value.problems
    assert len(caught.value.problems) == 1, caught.value.problems
    assert caught.value.exit_code == 2


def test_link_must_be_a_table_and_require_clock_sync_a_boolean(tmp_path: Path) -> None:
    text = 'require_clock_sync = "yes"\nlink = 5\n' + BUYER
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    text = "\n".join(caught.value.problems)
    assert "require_clock_sync must be true or false, not 'yes'" in text
    assert "link must be a table, not 5" in text
