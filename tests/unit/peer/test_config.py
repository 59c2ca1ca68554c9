"""The link's part of gridnode.toml: pins load from files, every mistake names its field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gridnode.errors import UsageError
from gridnode.identity import CONFIG_FILE, Role, create_identity, read_aloud
from gridnode.peer.config import (
    BuyerPeerConfig,
    SellerPeerConfig,
    load_peer_config,
    parse_address,
)


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    seller = create_identity(tmp_path / "ana", Role.SELLER)
    buyer = create_identity(tmp_path / "ben", Role.BUYER)
    shutil.copy(buyer.certificate_path, seller.directory / "peers" / "ben.crt")
    shutil.copy(seller.certificate_path, buyer.directory / "peers" / "seller.crt")
    with (seller.directory / CONFIG_FILE).open("a") as f:
        # Written as read aloud: four lines joined with spaces.
        spoken = " ".join(read_aloud(buyer.fingerprint).splitlines())
        f.write(
            f'\n[[buyers]]\nname = "ben"\nfingerprint = "{spoken}"\n'
            'certificate = "peers/ben.crt"\nmeter = "sdm-1"  # the node\'s keys are ignored here\n'
        )
    text = (buyer.directory / CONFIG_FILE).read_text()
    text = text.replace('# address = "192.0.2.10:7878"', 'address = "192.0.2.10:7878"')
    text = text.replace(
        '# fingerprint = "<64 hex digits from `gridnode fingerprint` on the seller>"',
        f'fingerprint = "{seller.fingerprint.upper()}"',
    )
    text = text.replace('# certificate = "peers/seller.crt"', 'certificate = "peers/seller.crt"')
    (buyer.directory / CONFIG_FILE).write_text(text)
    return seller.directory, buyer.directory


def test_seller_and_buyer_configs_load(tmp_path: Path) -> None:
    ana, ben = _pair(tmp_path)
    seller = load_peer_config(ana)
    buyer = load_peer_config(ben)
    assert isinstance(seller, SellerPeerConfig)
    assert isinstance(buyer, BuyerPeerConfig)
    assert (seller.host, seller.port) == ("0.0.0.0", 7878)
    assert [b.name for b in seller.buyers] == ["ben"]
    assert (buyer.host, buyer.port) == ("192.0.2.10", 7878)
    assert buyer.seller.name == "seller"


def test_fresh_skeletons_load(tmp_path: Path) -> None:
    create_identity(tmp_path / "s", Role.SELLER)
    create_identity(tmp_path / "b", Role.BUYER)
    seller = load_peer_config(tmp_path / "s")
    assert isinstance(seller, SellerPeerConfig)
    assert seller.buyers == ()
    with pytest.raises(UsageError, match=r"seller\.address is missing"):
        load_peer_config(tmp_path / "b")


def test_certificate_that_does_not_match_the_fingerprint_is_refused(tmp_path: Path) -> None:
    ana, _ = _pair(tmp_path)
    other = create_identity(tmp_path / "mallory", Role.BUYER)
    shutil.copy(other.certificate_path, ana / "peers" / "ben.crt")
    with pytest.raises(UsageError, match="configuration pins") as caught:
        load_peer_config(ana)
    assert other.fingerprint in str(caught.value)


def test_the_same_buyer_twice_is_refused(tmp_path: Path) -> None:
    ana, _ = _pair(tmp_path)
    text = (ana / CONFIG_FILE).read_text()
    table = text[text.index("\n[[buyers]]") :]
    (ana / CONFIG_FILE).write_text(text + "\n" + table.replace('"ben"', '"ben2"'))
    with pytest.raises(UsageError, match="twice"):
        load_peer_config(ana)


def test_missing_certificate_file_says_where_to_put_it(tmp_path: Path) -> None:
    ana, _ = _pair(tmp_path)
    (ana / "peers" / "ben.crt").unlink()
    with pytest.raises(UsageError, match=r"copy the peer's node\.crt"):
        load_peer_config(ana)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("192.0.2.1:7878", ("192.0.2.1", 7878)), ("[2001:db8::1]:9", ("2001:db8::1", 9))],
)
def test_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_address(text, "listen") == expected


@pytest.mark.parametrize("text", ["7878", "host:", "host:70000", ":80", 42])
def test_bad_addresses_name_the_field(text: object) -> None:
    with pytest.raises(UsageError, match="listen"):
        parse_address(text, "listen")


def test_bad_role_names_the_field(tmp_path: Path) -> None:
    create_identity(tmp_path, Role.SELLER)
    (tmp_path / CONFIG_FILE).write_text('role = "landlord"\n')
    with pytest.raises(UsageError, match="role"):
        load_peer_config(tmp_path)
