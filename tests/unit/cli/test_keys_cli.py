"""``gridnode keys curve``: writes a CurveZMQ pair that zmq and gridnode both read back,
the secret at mode 0600, never overwrites a key, and prints only the public key."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import zmq.auth
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.ratefeed.keys import is_z85_key, read_public, read_secret


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["keys", "curve", *args])
    return result.exit_code, result.stdout, result.stderr


def test_writes_the_pair_with_the_secret_at_0600_and_prints_the_public_key(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "keys"  # made if missing
    code, out, err = _run("--out", str(folder), "--name", "loads")
    assert code == 0, err
    public_path, secret_path = folder / "loads.key", folder / "loads.key_secret"
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    # stdout is the public key and nothing else: the secret stays in its file
    (line,) = out.splitlines()
    assert line.startswith("public-key = ")
    public = line.removeprefix("public-key = ")
    assert is_z85_key(public)
    assert "secret" not in out
    assert str(public_path) in err
    assert str(secret_path) in err
    # both files read back, by gridnode and by zmq's own certificate loader
    assert read_public(str(public_path), tmp_path, "test") == public
    pair = read_secret(str(secret_path), tmp_path, "test")
    assert pair.public == public
    assert zmq.auth.load_certificate(str(public_path)) == (public.encode(), None)
    assert zmq.auth.load_certificate(str(secret_path)) == (public.encode(), pair.secret.encode())
    assert zmq.curve_public(pair.secret.encode()) == public.encode()  # a matching pair


def test_refuses_to_overwrite_an_existing_key_and_leaves_it_alone(tmp_path: Path) -> None:
    assert _run("--out", str(tmp_path))[0] == 0  # the default name: feed
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(before) == {"feed.key", "feed.key_secret"}
    code, out, err = _run("--out", str(tmp_path))
    assert code == 2
    assert out == ""
    assert "feed.key exists; choose another --name or remove it first." in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_refuses_when_only_the_secret_is_left_over(tmp_path: Path) -> None:
    (tmp_path / "feed.key_secret").write_text("an older secret")
    code, _, err = _run("--out", str(tmp_path))
    assert code == 2
    assert "feed.key_secret exists" in err
    assert not (tmp_path / "feed.key").exists()  # nothing half-written
    assert (tmp_path / "feed.key_secret").read_text() == "an older secret"


def test_json_names_the_files_and_never_the_secret(tmp_path: Path) -> None:
    code, out, _ = _run("--out", str(tmp_path), "--name", "feed", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc == {
        "public_key": doc["public_key"],
        "public_key_file": str(tmp_path / "feed.key"),
        "secret_key_file": str(tmp_path / "feed.key_secret"),
    }
    assert read_public(doc["public_key_file"], tmp_path, "test") == doc["public_key"]


def test_without_out_the_pair_is_printed_and_no_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run("--json")
    assert code == 0
    assert list(tmp_path.iterdir()) == []
    doc = json.loads(out)
    assert set(doc) == {"public_key", "secret_key"}
    assert zmq.curve_public(doc["secret_key"].encode()).decode() == doc["public_key"]
