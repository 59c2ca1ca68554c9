"""Node identity: P-256 keys, private files, the SPKI fingerprint openssl would print."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.cli.main import cli
from gridnode.config.skeleton import init_node
from gridnode.identity import (
    CERT_FILE,
    CONFIG_FILE,
    KEY_FILE,
    IdentityError,
    Role,
    create_identity,
    load_identity,
    normalize_fingerprint,
    read_aloud,
)


def test_new_identity_is_p256_with_private_files(tmp_path: Path) -> None:
    node = init_node(tmp_path / "n", Role.SELLER)
    assert node.key.curve.name == "secp256r1"
    for name in (KEY_FILE, CERT_FILE, CONFIG_FILE):
        assert stat.S_IMODE((tmp_path / "n" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "n").stat().st_mode) == 0o700
    assert 'role = "seller"' in (tmp_path / "n" / CONFIG_FILE).read_text()
    assert load_identity(tmp_path / "n").fingerprint == node.fingerprint


def test_fingerprint_is_sha256_of_spki_der(tmp_path: Path) -> None:
    node = create_identity(tmp_path, Role.BUYER)
    spki = node.certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert node.fingerprint == hashlib.sha256(spki).hexdigest()
    assert len(node.fingerprint) == 64


def test_fingerprint_matches_openssl(tmp_path: Path) -> None:
    assert shutil.which("openssl"), "openssl is missing: run scripts/setup_system (make setup)"
    node = create_identity(tmp_path, Role.BUYER)
    pubkey = subprocess.run(
        ["openssl", "x509", "-in", str(node.certificate_path), "-pubkey", "-noout"],
        check=True,
        capture_output=True,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=pubkey,
        check=True,
        capture_output=True,
    ).stdout
    assert hashlib.sha256(der).hexdigest() == node.fingerprint


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    first = create_identity(tmp_path, Role.SELLER)
    with pytest.raises(IdentityError, match="--force") as caught:
        create_identity(tmp_path, Role.SELLER)
    assert first.fingerprint in str(caught.value)
    (tmp_path / CONFIG_FILE).write_text("# my pins\n")
    second = init_node(tmp_path, Role.SELLER, force=True)
    assert second.fingerprint != first.fingerprint
    assert (tmp_path / CONFIG_FILE).read_text() == "# my pins\n"  # force never loses pins


def test_load_refuses_a_key_others_can_read(tmp_path: Path) -> None:
    create_identity(tmp_path, Role.SELLER)
    (tmp_path / KEY_FILE).chmod(0o644)
    with pytest.raises(IdentityError, match="chmod 600"):
        load_identity(tmp_path)


def test_load_refuses_a_certificate_of_another_key(tmp_path: Path) -> None:
    create_identity(tmp_path / "a", Role.SELLER)
    create_identity(tmp_path / "b", Role.SELLER)
    shutil.copy(tmp_path / "b" / CERT_FILE, tmp_path / "a" / CERT_FILE)
    with pytest.raises(IdentityError, match="does not belong"):
        load_identity(tmp_path / "a")


def test_load_names_the_fix_when_missing(tmp_path: Path) -> None:
    with pytest.raises(IdentityError, match="gridnode init"):
        load_identity(tmp_path)


def test_load_refuses_a_non_p256_key(tmp_path: Path) -> None:
    create_identity(tmp_path, Role.SELLER)
    other = ec.generate_private_key(ec.SECP384R1())
    (tmp_path / KEY_FILE).write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(IdentityError, match="P-256"):
        load_identity(tmp_path)


def test_read_aloud_form_round_trips() -> None:
    fp = "0123456789abcdef" * 4
    spoken = read_aloud(fp)
    assert spoken.splitlines()[0] == "0123 4567 89ab cdef"
    assert len(spoken.splitlines()) == 4
    assert normalize_fingerprint(spoken.upper()) == fp
    assert normalize_fingerprint(":".join(fp[i : i + 2] for i in range(0, 64, 2))) == fp


def test_normalize_rejects_short_fingerprint() -> None:
    with pytest.raises(IdentityError, match="64 hex digits"):
        normalize_fingerprint("abcd")


def test_cli_init_then_fingerprint_json(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["init", "--role", "buyer", "--dir", str(tmp_path), "--json"])
    assert made.exit_code == 0, made.output
    doc = json.loads(made.stdout)
    shown = runner.invoke(cli, ["fingerprint", "--dir", str(tmp_path), "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout) == {
        "fingerprint": doc["fingerprint"],
        "certificate": str(tmp_path / CERT_FILE),
    }
    again = runner.invoke(cli, ["init", "--role", "buyer", "--dir", str(tmp_path)])
    assert again.exit_code == 2
    assert "--force" in again.stderr


def test_cli_fingerprint_read_aloud_on_stdout(tmp_path: Path) -> None:
    node = create_identity(tmp_path, Role.SELLER)
    shown = CliRunner().invoke(cli, ["fingerprint", "--dir", str(tmp_path)])
    assert shown.exit_code == 0
    assert shown.stdout.strip() == read_aloud(node.fingerprint)


def test_cli_fingerprint_without_identity_exits_2(tmp_path: Path) -> None:
    shown = CliRunner().invoke(cli, ["fingerprint", "--dir", str(tmp_path / "none")])
    assert shown.exit_code == 2
    assert "gridnode init" in shown.stderr


def test_every_node_has_its_own_subject(tmp_path: Path) -> None:
    # A seller's trust store holds all its buyers' certificates; OpenSSL picks a trust
    # anchor by subject, so two buyers sharing one would lock the second one out.
    a = create_identity(tmp_path / "a", Role.BUYER)
    b = create_identity(tmp_path / "b", Role.BUYER)
    assert a.certificate.subject != b.certificate.subject


def test_tls_contexts_are_13_only_with_required_client_certificates(tmp_path: Path) -> None:
    import ssl

    from gridnode.peer.tls import PinnedPeer, client_context, server_context

    seller = create_identity(tmp_path / "s", Role.SELLER)
    buyer = create_identity(tmp_path / "b", Role.BUYER)
    server = server_context(seller, [PinnedPeer.of("b", buyer.certificate)])
    client = client_context(buyer, PinnedPeer.of("s", seller.certificate))
    for ctx in (server, client):
        assert ctx.minimum_version is ssl.TLSVersion.TLSv1_3
        assert ctx.maximum_version is ssl.TLSVersion.TLSv1_3
        assert ctx.verify_mode is ssl.CERT_REQUIRED
        # The trust store is exactly the pinned peer: no CA bundle, no system store.
        assert ctx.cert_store_stats() == {"x509": 1, "crl": 0, "x509_ca": 0}
    assert client.check_hostname is False


def test_cli_fingerprint_of_a_peers_certificate_file(tmp_path: Path) -> None:
    peer = create_identity(tmp_path / "peer", Role.BUYER)
    copy = tmp_path / "ben.crt"
    shutil.copy(peer.certificate_path, copy)
    shown = CliRunner().invoke(cli, ["fingerprint", "--certificate", str(copy), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == {"fingerprint": peer.fingerprint, "certificate": str(copy)}
    missing = CliRunner().invoke(cli, ["fingerprint", "--certificate", str(tmp_path / "no.crt")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
