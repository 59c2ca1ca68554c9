"""Every check that needs no network runs when the settings load, before the node connects
to anything, and every mistake of a file comes in one ConfigError (exit code 2), one
sentence each, naming the keys the person wrote and the options that exist."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from gridnode.cli.main import cli
from gridnode.config.reader import ConfigError
from gridnode.config.settings import SellerSettings, load_settings
from gridnode.identity import KEY_FILE, Role, create_identity
from gridnode.wallet.macaroon import SELLER_PERMISSIONS
from tests.support.macaroons import bake, bake_for
from tests.support.node_config import BUYER, SELLER, peer_certificate_pem, write

#: The trade engine's own field names: a message about a configuration never uses them.
ENGINE_NAMES = re.compile(
    r"\b(prepayment_ms|initial_deposit|min_payment|max_payment|unpaid_ms|voltage_\w+_mv"
    r"|current_max_ma|share_ppm|min_off_ms|reading_max_age_ms|renewal_lead_ms|min_period_ms"
    r"|max_period_ms|max_prepayment_ms|minute_of_day|start_minute|stop_minute"
    r"|weekday_mask|cutoff|warn|restore)\b"
)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.exit_code == 2
    return caught.value.problems


def test_mistakes_in_settings_hardware_and_a_certificate_come_in_one_error(
    tmp_path: Path,
) -> None:
    text = (
        SELLER.replace("period_s = 3600", "period_s = 0")  # settings
        .replace('port = "/dev/gridnode-rs485"', 'port = "/dev/gridnode-rs485"\ngapms = 20')
        .replace("address = 1\n", "address = 1\nslave = 2\n")  # hardware typos
        .replace('meter = "tenant-1"', 'meter = "tenant-9"')  # a meter nobody configured
    )
    folder = tmp_path / "node"
    path = write(folder, text)
    # the buyer's certificate is someone else's: it does not match the pinned fingerprint
    other = create_identity(tmp_path / "mallory", Role.BUYER)
    (folder / "tenant-1.pem").write_bytes(other.certificate_pem())
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    problems = caught.value.problems
    assert [p.split(" ")[0] for p in problems] == [
        "hardware.bus.gapms",
        "hardware.meters[0].slave",
        "buyers[0].certificate:",
        "terms.period_s",
    ], problems
    assert "configuration pins" in problems[2]
    assert str(caught.value).startswith(f"{path} has 4 problem(s):")


def test_the_meter_check_reports_even_when_the_certificate_is_fine(tmp_path: Path) -> None:
    problems = _problems(tmp_path, SELLER.replace('meter = "tenant-1"', 'meter = "tenant-9"'))
    assert problems == [
        "buyers[0].meter names meter 'tenant-9', which is not in [[hardware.meters]]; add it "
        "there or fix the name"
    ]


@pytest.mark.parametrize(
    ("old", "new", "sentence"),
    [
        (
            "prepayment_s = 5",
            "prepayment_s = 0",
            "terms.prepayment_s must be above 0 seconds, not 0",
        ),
        (
            "deposit_msat = 100_000",
            "deposit_msat = -1",
            "terms.deposit_msat must be 0 or more, not -1",
        ),
        (
            "[terms]\n",
            "[terms]\nunpaid_s = -2\n",
            "terms.unpaid_s must be 0 or more, not -2: the unpaid budget cannot be negative",
        ),
        (
            "min_payment_msat = 1_000",
            "min_payment_msat = 30_000",
            "terms.min_payment_msat (30000) must be at most terms.max_payment_msat (20000)",
        ),
        (
            'voltage_min_v = "207"',
            'voltage_min_v = "240"',
            "terms.voltage_min_v, voltage_nominal_v and voltage_max_v must be above 0 V and in "
            "that order (min <= nominal <= max), not 240, 230 and 253 V",
        ),
        ('current_max_a = "16"', 'current_max_a = "0"', "terms.current_max_a must be above 0 A"),
        (
            'tolerance_percent = "1.5"',
            'tolerance_percent = "25"',
            "terms.tolerance_percent must be from 0 to 20",
        ),
        ("[terms]\n", "[terms]\nphases = 2\n", "terms.phases must be 1 or 3, not 2"),
        (
            "[terms]\n",
            "[terms.policy]\nwarn_msat = 5\nrestore_msat = 5\n\n[terms]\n",
            "terms.policy.cutoff_msat (0), warn_msat (5) and restore_msat (5) must rise in that "
            "order: cutoff_msat <= warn_msat < restore_msat",
        ),
        (
            "[terms]\n",
            "[terms.policy]\nmin_off_s = 0\n\n[terms]\n",
            "terms.policy.min_off_s must be above 0 seconds, not 0",
        ),
        (
            '["18:00", 40_000_000]',
            '["05:00", 40_000_000]',
            "terms.profile.knots must be in increasing time of day, each time once: '05:00' does "
            "not come after '06:00'",
        ),
        (
            'zone = "Europe/Berlin"',
            'zone = "Europe/Atlantis"',
            "terms.profile.zone: 'Europe/Atlantis' is not an IANA time zone",
        ),
    ],
)
def test_each_terms_mistake_names_the_key_written(
    tmp_path: Path, old: str, new: str, sentence: str
) -> None:
    assert old in SELLER
    (problem,) = _problems(tmp_path, SELLER.replace(old, new, 1))
    assert problem.startswith(sentence), problem
    assert not ENGINE_NAMES.search(problem), problem


@pytest.mark.parametrize(
    ("old", "new", "sentence"),
    [
        (
            "min_period_s = 60",
            "min_period_s = 100_000",
            "limits.min_period_s and max_period_s must be in that order",
        ),
        (
            "desired_payment_msat = 10_000",
            "desired_payment_msat = 90_000",
            "limits.min_payment_msat, desired_payment_msat and max_payment_msat must be in that "
            "order (each at most the next), not 1000, 90000 and 50000",
        ),
        (
            "voltage_min_v = 200",
            "voltage_min_v = 270",
            "limits.voltage_min_v and voltage_max_v must be in that order (each at most the "
            "next), not 270 and 260 V",
        ),
        (
            "max_prepayment_s = 10",
            "max_prepayment_s = 0",
            "limits.max_prepayment_s must be above 0",
        ),
        ("[limits]\n", "[limits]\nmax_fee_ppm = -1\n", "limits.max_fee_ppm is a share in parts"),
    ],
)
def test_each_limits_mistake_names_the_key_written(
    tmp_path: Path, old: str, new: str, sentence: str
) -> None:
    assert old in BUYER
    (problem,) = _problems(tmp_path, BUYER.replace(old, new, 1))
    assert problem.startswith(sentence), problem
    assert not ENGINE_NAMES.search(problem), problem


# -- LND, offline -------------------------------------------------------------------------------
def test_a_broad_macaroon_is_refused_at_load_naming_the_real_setting(tmp_path: Path) -> None:
    path = write(tmp_path, SELLER)
    (tmp_path / "seller.macaroon").write_bytes(bake([*SELLER_PERMISSIONS, "onchain:write"]))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    (problem,) = caught.value.problems
    assert problem.startswith("lnd.macaroon: the seller's macaroon also allows onchain:write")
    assert "set allow_broad_macaroon = true in [lnd]" in problem
    assert "--allow-broad-macaroon" not in problem
    # the setting it names is real: with it, the same macaroon is accepted
    env = {"GRIDNODE_LND__ALLOW_BROAD_MACAROON": "true"}
    assert load_settings(path, env=env).lnd.allow_broad_macaroon


def test_a_macaroon_of_the_other_role_or_not_a_macaroon_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, SELLER)
    (tmp_path / "seller.macaroon").write_bytes(bake_for("buyer"))
    with pytest.raises(ConfigError, match=r"lnd\.macaroon: the seller's macaroon lacks"):
        load_settings(path, env={})
    (tmp_path / "seller.macaroon").write_text("x")
    with pytest.raises(ConfigError, match=r"lnd\.macaroon: not a binary version-2 macaroon"):
        load_settings(path, env={})


def test_lnds_certificate_must_be_a_pem_certificate(tmp_path: Path) -> None:
    path = write(tmp_path, BUYER)
    (tmp_path / "tls.cert").write_text("not a certificate")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.problems == [
        "lnd.tls_cert: the file is not a PEM certificate (LND's tls.cert)"
    ]


def test_an_lndconnect_uri_is_checked_offline_too(tmp_path: Path) -> None:
    der = x509.load_pem_x509_certificate(peer_certificate_pem()).public_bytes(Encoding.DER)

    def uri(macaroon: bytes) -> str:
        return f"lndconnect://10.0.0.5:10009?cert={b64url(der)}&macaroon={b64url(macaroon)}"

    lnd = '[lnd]\nhost = "127.0.0.1:10009"\ntls_cert = "tls.cert"\nmacaroon = "seller.macaroon"\n'
    good = SELLER.replace(lnd, f'[lnd]\nlndconnect = "{uri(bake_for("seller"))}"\n')
    assert good != SELLER
    settings = load_settings(write(tmp_path / "a", good), env={})
    assert settings.lnd.lndconnect is not None
    broad = SELLER.replace(lnd, f'[lnd]\nlndconnect = "{uri(bake(["offchain:write"]))}"\n')
    problems = _problems(tmp_path / "b", broad)
    assert len(problems) == 1
    assert problems[0].startswith("lnd.lndconnect: macaroon: the seller's macaroon lacks")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# -- identity, meters, relays -------------------------------------------------------------------
def test_the_nodes_own_identity_must_be_there(tmp_path: Path) -> None:
    path = write(tmp_path, SELLER)
    (tmp_path / KEY_FILE).unlink()
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    (problem,) = caught.value.problems
    assert problem.startswith(f"identity_dir: No node identity in {tmp_path}: run `gridnode init")


def test_a_buyer_reads_exactly_one_meter(tmp_path: Path) -> None:
    text = BUYER.replace(
        "[seller]\n",
        '[[hardware.meters]]\nid = "other"\nmodel = "sdm120"\naddress = 2\n\n[seller]\n',
    )
    assert _problems(tmp_path, text) == [
        "hardware.meters: a buyer reads exactly one meter (its own); 2 are configured"
    ]


def test_two_buyers_on_one_meter_or_one_coil_are_refused(tmp_path: Path) -> None:
    other = create_identity(tmp_path / "other", Role.BUYER)
    second = (
        f'\n[[buyers]]\nname = "tenant-2"\nfingerprint = "{other.fingerprint}"\n'
        f'certificate = "{other.certificate_path}"\nmeter = "tenant-1"\n'
        'relay = { kind = "modbus", address = 10, coil = 0 }\n'
    )
    text = SELLER.replace("\n[terms]\n", second + "\n[terms]\n")
    assert _problems(tmp_path / "node", text) == [
        "buyers[1].meter: meter 'tenant-1' already measures buyer 'tenant-1'; each buyer needs "
        "a meter of its own",
        "buyers[1].relay and buyers[0].relay both use coil 0 of the relay board at address 10; "
        "give each its own",
    ]


def test_a_relay_board_on_a_meters_address_or_the_watchdogs_pin_is_refused(
    tmp_path: Path,
) -> None:
    text = SELLER.replace("address = 10, coil = 0", "address = 1, coil = 0")
    assert _problems(tmp_path / "a", text) == [
        "buyers[0].relay.address is 1, the slave address of meter 'tenant-1'; give the relay "
        "board its own address"
    ]
    text = SELLER.replace('kind = "modbus", address = 10, coil = 0', 'kind = "gpio", pin = 27')
    assert _problems(tmp_path / "b", text) == [
        "hardware.watchdog and buyers[0].relay both use GPIO pin 27; give each its own"
    ]


# -- through the command line -------------------------------------------------------------------
def test_gridnode_sell_exits_2_with_every_sentence_before_connecting(tmp_path: Path) -> None:
    text = SELLER.replace("period_s = 3600", "period_s = 0").replace(
        "[hardware.bus]\n", "[hardware.bus]\nslave = 1\n"
    )
    path = write(tmp_path, text)
    result = CliRunner().invoke(cli, ["sell", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert "has 2 problem(s)" in result.output
    assert "hardware.bus.slave is not a setting gridnode knows" in result.output
    assert "terms.period_s must be above 0" in result.output


def test_a_good_seller_file_loads_into_seller_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, SELLER), env={})
    assert isinstance(settings, SellerSettings)
    assert settings.hardware.meters[0].id == settings.selling.buyers[0].meter
