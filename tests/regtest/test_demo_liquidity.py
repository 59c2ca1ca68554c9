"""Liquidity on real LND: a demo seller whose deposit its buyer's channel cannot carry
starts no session and says why (in its status, as a refusal, not as a failed payment);
`gridnode liquidity` reads each node's direct channel through its least-privilege
macaroon (the buyer's ListChannels permission included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gridnode.demo.configs import DemoTerms
from tests.support.regtest.node_harness import harness, network_down, run_for

pytestmark = pytest.mark.regtest

#: More than the seller's inbound on its regtest channel (10,000,000 sat, half pushed to
#: the seller): the channel cannot carry even the deposit.
DEPOSIT_MSAT = 6_000_000_000


def liquidity(config: Path) -> tuple[int, list[dict[str, Any]]]:
    done = subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", "liquidity", "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    doc = json.loads(done.stdout)
    assert isinstance(doc, dict), done.stderr
    peers = doc["peers"]
    assert isinstance(peers, list)
    return done.returncode, peers


def test_a_channel_that_cannot_carry_the_period_gets_no_session(tmp_path: Path) -> None:
    demo = harness(tmp_path, buyers=1, terms=DemoTerms(deposit_msat=DEPOSIT_MSAT))
    try:
        parts = demo.start()
        try:
            run_for(demo, 15)
            seller = demo.latest["seller"]
            refused = [w for w in seller.warnings if "cannot carry this period" in w]
            assert len(refused) == 1, list(seller.warnings)
            assert "no session with buyer-1" in refused[0]
            assert all(not s.session_id for s in seller.sessions)
            assert not any(s.relay_on for s in seller.sessions)

            code, peers = liquidity(parts.seller.config)
            (peer,) = peers
            assert peer["peer"] == "buyer-1"
            assert peer["direction"] == "inbound"
            assert 0 < peer["room_msat"] < DEPOSIT_MSAT
            assert peer["state"] == "ok"  # nothing spent: no days to run out in
            assert code == 0

            code, peers = liquidity(parts.buyers[0].config)
            (peer,) = peers
            assert peer["direction"] == "outbound"
            assert peer["room_msat"] > 0
            assert code == 0
        finally:
            demo.stop()
    finally:
        network_down(demo)
