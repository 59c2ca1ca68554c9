"""btcd's RPC client while btcd starts: its certificate file may exist and be empty (CI
once failed a test there with ssl.SSLError out of wait_ready)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.regtest.btcd import BtcdRpc
from gridnode.regtest.processes import RegtestError


def test_a_certificate_still_being_written_is_btcd_not_ready_yet(tmp_path: Path) -> None:
    cert = tmp_path / "rpc.cert"
    cert.write_text("")  # btcd created the file and has not written it yet
    rpc = BtcdRpc("127.0.0.1:1", "user", "pass", cert)
    with pytest.raises(RegtestError, match="not complete yet"):
        rpc.call("getblockcount")
    # so the wait goes on asking (until its own deadline) instead of failing at once
    with pytest.raises(RegtestError, match="not complete yet"):
        rpc.wait_ready(timeout_s=0.3)
