"""The flags a regtest btcd starts with (gridnode.regtest.daemons.btcd_argv)."""

from __future__ import annotations

from pathlib import Path

from gridnode.regtest.daemons import btcd_argv


def test_neither_btcd_bans_its_peer(tmp_path: Path) -> None:
    """The backend and the miner are each other's only peer. The full drill saw the
    miner ban the backend for 24 h ("10 transactions not found", announced and then no
    longer held), after which no transaction reached the miner and mining timed out."""
    backend = btcd_argv("btcd", tmp_path / "btcd", 18_334, "127.0.0.1:18444", [])
    miner = btcd_argv("btcd", tmp_path / "miner", 18_335, "", ["--connect=127.0.0.1:18444"])
    assert "--nobanning" in backend
    assert "--nobanning" in miner


def test_the_miner_listens_for_no_peer_and_connects_to_the_backend(tmp_path: Path) -> None:
    backend = btcd_argv("btcd", tmp_path / "btcd", 18_334, "127.0.0.1:18444", [])
    miner = btcd_argv("btcd", tmp_path / "miner", 18_335, "", ["--connect=127.0.0.1:18444"])
    assert "--listen=127.0.0.1:18444" in backend
    assert not any(flag.startswith("--listen") for flag in miner)
    assert miner[-1] == "--connect=127.0.0.1:18444"
