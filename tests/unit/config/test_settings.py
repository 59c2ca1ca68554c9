"""Node configuration: a good file loads into typed settings; a bad one is refused with
one sentence per bad field; GRIDNODE_ variables override fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.money import Msat
from gridnode.peer.settings import LinkSettings
from gridnode.trade.profiles import DailyTableProfile, TimeOfUseProfile
from tests.support.node_config import BUYER, FPR, SELLER, example, write


def test_a_seller_configuration_loads_into_typed_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, SELLER), env={})
    assert isinstance(settings, SellerSettings)
    assert settings.role == "seller"
    assert settings.ledger == tmp_path / "ledger.sqlite"
    buyer = settings.selling.buyers[0]
    assert buyer.fingerprint == FPR
    assert buyer.certificate == tmp_path / "tenant-1.pem"
    assert (buyer.relay.kind, buyer.relay.address, buyer.relay.coil) == ("modbus", 10, 0)
    assert [m.id for m in settings.hardware.meters] == ["tenant-1"]
    assert settings.hardware.watchdog.pin == 27
    offer = settings.selling.terms.offer(start_ms=1_000, meter_id="tenant-1")
    assert offer.period_ms == 3_600_000
    assert offer.payments.prepayment_ms == 5_000
    assert offer.electrical.voltage_nominal_mv == 230_000
    assert offer.electrical.current_max_ma == 16_000
    assert offer.tolerance.share_ppm == 15_000
    assert isinstance(offer.profile, DailyTableProfile)
    renewal = settings.selling.terms.offer(start_ms=3_601_000, meter_id="tenant-1", renewal=True)
    assert renewal.payments.initial_deposit == Msat(0)


def test_a_buyer_configuration_loads_into_typed_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, BUYER), env={})
    assert isinstance(settings, BuyerSettings)
    (seller,) = settings.buying.sellers
    assert seller.fingerprint == FPR  # normalised
    assert seller.address == "192.168.1.10:9735"
    limits = settings.buying.limits
    assert limits.max_prepayment_ms == 10_000
    assert isinstance(limits.ceiling, TimeOfUseProfile)
    assert limits.ceiling.blocks[0].weekday_mask == 0b0011111
    assert settings.buying.breach_hold_ms == 3_600_000


def test_environment_overrides_fields(tmp_path: Path) -> None:
    env = {"GRIDNODE_LND__HOST": "10.0.0.2:10009", "GRIDNODE_TERMS__PERIOD_S": "60"}
    settings = load_settings(write(tmp_path, SELLER), env=env)
    assert isinstance(settings, SellerSettings)
    assert settings.lnd.host == "10.0.0.2:10009"
    assert settings.selling.terms.period_ms == 60_000


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


def test_inconsistent_terms_are_reported_under_the_keys_written(tmp_path: Path) -> None:
    bad = SELLER.replace("prepayment_msat = 40_000", "prepayment_msat = 5_000")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, bad), env={})
    assert caught.value.problems == [
        "terms.prepayment_msat (5000) must be at least terms.max_payment_msat (20000), "
        "or no invoice could ever be paid"
    ]


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
    settings = load_settings(example(tmp_path, role), env={})
    assert settings.role == role


def test_gridnode_init_writes_the_whole_example_with_pairing_to_fill_in(tmp_path: Path) -> None:
    from gridnode.config.skeleton import init_node
    from gridnode.identity import Role
    from tests.support.node_config import prepare

    node = init_node(tmp_path / "n", Role.BUYER)
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
    prepare(node.directory, Role.BUYER)  # the seller's certificate, LND's, the macaroon
    node.config_path.write_text(filled.replace("/home/gridnode/.lnd/tls.cert", "tls.cert"))
    settings = load_settings(node.config_path, env={})
    assert isinstance(settings, BuyerSettings)
    assert settings.buying.sellers[0].fingerprint == FPR


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
