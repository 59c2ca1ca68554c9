"""The pinned peers in a node's configuration: pins load from files at load, with the
fingerprint as read aloud; a certificate that is missing or does not match its
fingerprint is a mistake of the file, reported with every other one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gridnode.config.peers import parse_address
from gridnode.config.reader import ConfigError
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.config.skeleton import init_node
from gridnode.identity import CONFIG_FILE, Role, create_identity, read_aloud
from tests.support.macaroons import bake_for
from tests.support.node_config import BUYER, SELLER, peer_certificate_pem, write


def _lnd_files(folder: Path, role: str) -> None:
    """LND's certificate (any PEM certificate will do offline) and the role's macaroon."""
    (folder / "tls.cert").write_bytes(peer_certificate_pem())
    (folder / f"{role}.macaroon").write_bytes(bake_for(role))


def _fill(path: Path) -> None:
    path.write_text(path.read_text().replace("/home/gridnode/.lnd/tls.cert", "tls.cert"))


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two `gridnode init` folders, certificates swapped, pins written as read aloud."""
    seller = init_node(tmp_path / "ana", Role.SELLER)
    buyer = init_node(tmp_path / "ben", Role.BUYER)
    shutil.copy(buyer.certificate_path, seller.directory / "peers" / "ben.crt")
    shutil.copy(seller.certificate_path, buyer.directory / "peers" / "seller.crt")
    with (seller.directory / CONFIG_FILE).open("a") as f:
        # Written as read aloud: four lines joined with spaces.
        spoken = " ".join(read_aloud(buyer.fingerprint).splitlines())
        f.write(
            f'\n[[buyers]]\nname = "ben"\nfingerprint = "{spoken}"\n'
            'certificate = "peers/ben.crt"\nmeter = "flat-2"\n'
            'relay = { kind = "gpio", pin = 17 }\n'
        )
    text = (buyer.directory / CONFIG_FILE).read_text()
    text = text.replace('# address = "192.0.2.10:7878"', 'address = "192.0.2.10:7878"')
    text = text.replace(
        '# fingerprint = "<64 hex digits from `gridnode fingerprint` on the seller>"',
        f'fingerprint = "{seller.fingerprint.upper()}"',
    )
    text = text.replace('# certificate = "peers/seller.crt"', 'certificate = "peers/seller.crt"')
    (buyer.directory / CONFIG_FILE).write_text(text)
    for node, role in ((seller, "seller"), (buyer, "buyer")):
        _lnd_files(node.directory, role)
        _fill(node.directory / CONFIG_FILE)
    return seller.directory, buyer.directory


def test_seller_and_buyer_configs_load(tmp_path: Path) -> None:
    ana, ben = _pair(tmp_path)
    seller = load_settings(ana / CONFIG_FILE, env={})
    buyer = load_settings(ben / CONFIG_FILE, env={})
    assert isinstance(seller, SellerSettings)
    assert isinstance(buyer, BuyerSettings)
    assert parse_address(seller.selling.listen) == ("0.0.0.0", 7878)
    assert [b.name for b in seller.selling.buyers] == ["ben"]
    assert seller.selling.buyers[0].certificate == ana / "peers" / "ben.crt"
    (pinned,) = buyer.buying.sellers
    assert parse_address(pinned.address) == ("192.0.2.10", 7878)
    assert pinned.name == "seller"


def test_fresh_skeletons_say_what_the_pairing_still_needs(tmp_path: Path) -> None:
    for role in (Role.SELLER, Role.BUYER):
        init_node(tmp_path / role.value, role)
        _lnd_files(tmp_path / role.value, role.value)
        _fill(tmp_path / role.value / CONFIG_FILE)
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "seller" / CONFIG_FILE, env={})
    assert caught.value.problems == [
        "[[buyers]] is missing: a seller needs at least one buyer to sell to"
    ]
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "buyer" / CONFIG_FILE, env={})
    text = "\n".join(caught.value.problems)
    assert "seller.address is missing" in text
    assert "seller.fingerprint is missing" in text


def test_certificate_that_does_not_match_the_fingerprint_is_refused(tmp_path: Path) -> None:
    ana, _ = _pair(tmp_path)
    other = create_identity(tmp_path / "mallory", Role.BUYER)
    shutil.copy(other.certificate_path, ana / "peers" / "ben.crt")
    with pytest.raises(ConfigError) as caught:
        load_settings(ana / CONFIG_FILE, env={})
    (problem,) = caught.value.problems
    assert problem.startswith("buyers[0].certificate: The certificate for peer 'ben'")
    assert "configuration pins" in problem
    assert other.fingerprint in problem


def test_the_same_buyer_twice_is_refused(tmp_path: Path) -> None:
    ana, _ = _pair(tmp_path)
    text = (ana / CONFIG_FILE).read_text()
    table = text[text.index("\n[[buyers]]") :]
    second = table.replace('"ben"', '"ben2"').replace('meter = "flat-2"', 'meter = "flat-3"')
    second = second.replace("pin = 17", "pin = 18")
    meter = '\n[[hardware.meters]]\nid = "flat-3"\nmodel = "sdm120"\naddress = 3\n'
    (ana / CONFIG_FILE).write_text(text + "\n" + second + meter)
    with pytest.raises(ConfigError) as caught:
        load_settings(ana / CONFIG_FILE, env={})
    (problem,) = caught.value.problems
    assert "is listed twice" in problem
    assert problem.startswith("buyers: the fingerprint")


def test_missing_certificate_file_says_where_to_put_it(tmp_path: Path) -> None:
    ana, _ = _pair(tmp_path)
    (ana / "peers" / "ben.crt").unlink()
    with pytest.raises(ConfigError, match=r"copy the peer's node\.crt"):
        load_settings(ana / CONFIG_FILE, env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("192.0.2.1:7878", ("192.0.2.1", 7878)), ("[2001:db8::1]:9", ("2001:db8::1", 9))],
)
def test_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["7878", "host:", "host:70000", ":80", 42])
def test_bad_addresses_say_the_form(text: object) -> None:
    with pytest.raises(ValueError, match="host:port"):
        parse_address(text)


@pytest.mark.parametrize("listen", ['"7878"', '"0.0.0.0:99999"'])
def test_a_bad_listen_address_names_the_field(tmp_path: Path, listen: str) -> None:
    text = SELLER.replace('listen = "0.0.0.0:7878"', f"listen = {listen}")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    (problem,) = caught.value.problems
    assert problem.startswith('listen must be "host:port"')


def test_bad_role_names_the_field(tmp_path: Path) -> None:
    text = SELLER.replace('role = "seller"', 'role = "landlord"')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert (
        "role must be one of seller, buyer, battery, prosumer, not 'landlord'"
        in caught.value.problems
    )


SELLER_NODE = "02" + "ab" * 32


def test_a_peers_lightning_node_is_read_and_a_bad_one_named(tmp_path: Path) -> None:
    # the doctor and the liquidity watch find the direct channel by the peer's node id
    buyer_text = BUYER.replace(
        'certificate = "seller.pem"\n',
        f'certificate = "seller.pem"\nlightning_node = "{SELLER_NODE.upper()}"\n',
    )
    settings = load_settings(write(tmp_path / "b", buyer_text), env={})
    assert isinstance(settings, BuyerSettings)
    assert settings.buying.sellers[0].lightning_node == SELLER_NODE
    seller_text = SELLER.replace("coil = 0 }\n", 'coil = 0 }\nlightning_node = "04abc"\n', 1)
    with pytest.raises(ConfigError, match=r"buyers\[0\]\.lightning_node must be a Lightning node"):
        load_settings(write(tmp_path / "s", seller_text), env={})
    plain = load_settings(write(tmp_path / "p", SELLER), env={})
    assert isinstance(plain, SellerSettings)
    assert plain.selling.buyers[0].lightning_node == ""
