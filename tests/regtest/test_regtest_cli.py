"""`gridnode regtest up|status|down` as a person or a script uses them, beside the
session's own network, and a payment between the two nodes made with lncli by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gridnode.regtest.network import RegtestNetwork

pytestmark = pytest.mark.regtest


def gridnode(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def lncli(node: dict[str, object], *args: str) -> dict[str, object]:
    argv = node["lncli"]
    assert isinstance(argv, list)
    out = subprocess.run([*argv, *args], capture_output=True, text=True, check=True, timeout=60)
    doc = json.loads(out.stdout)
    assert isinstance(doc, dict)
    return doc


def test_up_json_then_lncli_payment_then_down_beside_another_network(
    regtest_network: RegtestNetwork, tmp_path: Path
) -> None:
    root = tmp_path / "net"
    up = gridnode("regtest", "up", "--dir", str(root), "--json")
    assert up.returncode == 0, up.stderr
    doc = json.loads(up.stdout)  # stdout is exactly one JSON document
    try:
        assert len(doc["nodes"]) == 2
        for node in doc["nodes"]:
            for key in ("name", "grpc", "tls_cert", "admin_macaroon", "invoice_macaroon", "pubkey"):
                assert node[key], key
            assert node["grpc"].startswith("127.0.0.1:")
            assert Path(node["admin_macaroon"]).exists()
        assert doc["btcd"]["rpc"].startswith("127.0.0.1:")

        invoice = lncli(doc["nodes"][0], "addinvoice", "--amt", "1234")
        paid = lncli(
            doc["nodes"][1], "payinvoice", "--force", "--json", str(invoice["payment_request"])
        )
        assert paid["status"] == "SUCCEEDED"
        looked_up = lncli(doc["nodes"][0], "lookupinvoice", str(invoice["r_hash"]))
        assert looked_up["state"] == "SETTLED"
        assert looked_up["amt_paid_sat"] == "1234"

        status = gridnode("regtest", "status", "--dir", str(root), "--json")
        assert status.returncode == 0, status.stderr
        assert all(json.loads(status.stdout)["running"].values())
    finally:
        down = gridnode("regtest", "down", "--dir", str(root), "--json")
    assert down.returncode == 0, down.stderr
    assert sorted(json.loads(down.stdout)["stopped"]) == ["btcd", "miner", "node0", "node1"]
    # exactly those processes: the session's own network still runs
    assert not RegtestNetwork.load(root).any_running()
    assert all(d.is_running() for d in regtest_network.daemons())


def test_status_of_a_directory_without_a_network_says_so(tmp_path: Path) -> None:
    result = gridnode("regtest", "status", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert "no regtest network is recorded" in result.stderr
