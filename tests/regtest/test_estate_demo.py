"""The estate market end to end on regtest (issue 21 §4): two seller nodes, two buyers
that pin both, seller 1 (the cheaper) stopped while it supplies them. Every session's
receipt verifies on its own with its own seller's fingerprint; the multi-feed circuit
never saw two feeds of one circuit closed at once; and each buyer fails over within one
session start of the trigger: the first session it starts afterwards is seller 2's, and
its sessions never overlap in time."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridnode.demo.estate import EstateHarness, EstateOptions
from gridnode.ledger import LedgerStore
from gridnode.receipt.export import build_receipt, receipt_sessions
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from tests.support.regtest.node_harness import circuit_state, network_down, run_for, wait_until

pytestmark = pytest.mark.regtest


@pytest.fixture
def estate_demo(tmp_path: Path) -> Iterator[EstateHarness]:
    options = EstateOptions(root=tmp_path / "demo", keep_network=True, buyers=2, sellers=2)
    demo = EstateHarness(options, lambda _m: None)
    yield demo
    network_down(demo)


def _all_on(demo: EstateHarness, feed: str) -> bool:
    circuits = circuit_state(demo)["circuits"]
    return all(c["feeds"] == {f: f == feed for f in c["feeds"]} for c in circuits)


@pytest.mark.timeout(420)  # two sellers' network, ~90 s of trading, a clean stop
def test_two_sellers_fail_over_break_before_make_with_every_receipt_verifying(
    estate_demo: EstateHarness,
) -> None:
    demo = estate_demo
    demo.start()
    try:
        wait_until(demo, "both buyers supplied by seller-1", lambda: _all_on(demo, "seller-1"), 120)
        run_for(demo, 20)  # trading with seller-1
        trigger_ms = int(time.time() * 1000)
        demo.fail_seller(1)
        wait_until(demo, "both buyers failed over", lambda: _all_on(demo, "seller-2"), 90)
        run_for(demo, 20)  # trading with seller-2
    finally:
        demo.stop()
    summary: dict[str, Any] = demo.summary()
    assert demo.parts is not None
    sellers = {f.identity.fingerprint: f.name for f in demo.parts.sellers}
    # the circuit's own invariant, by its count and its log
    assert summary["feed_overlaps"] == 0
    assert "two feeds closed at once" not in (demo.root / "circuit.log").read_text()
    for buyer in demo.parts.buyers:
        with LedgerStore.open_readonly(buyer.ledger) as store:
            rows = {row.session_id: row for row in store.sessions.find()}
        # every receipt verifies on its own, against its own seller's fingerprint
        verified = []
        for name, _protocol_id in receipt_sessions(buyer.ledger):
            seller_fpr = rows[name].peer_fingerprint
            options = VerifyOptions(seller_fpr=seller_fpr, buyer_fpr=buyer.identity.fingerprint)
            report = verify_receipt(build_receipt(buyer.ledger, name), options)
            problems = {p.code for p in report.problems}
            assert not problems, (sellers[seller_fpr], name, [str(p) for p in report.problems])
            verified.append(sellers[seller_fpr])
        assert {"seller-1", "seller-2"} <= set(verified)
        # failover within one session start: the first session after the trigger is
        # seller-2's, and seller-1 starts none
        after = sorted((r.opened_at_ms, sellers[r.peer_fingerprint]) for r in rows.values())
        after = [(at, seller) for at, seller in after if at >= trigger_ms]
        assert after, f"{buyer.name} started no session after seller-1 stopped"
        assert after[0][1] == "seller-2"
        assert "seller-1" not in {seller for _, seller in after}
        # one supply at a time: each session closed before the next one opened
        spans = sorted((r.opened_at_ms, r.closed_at_ms) for r in rows.values())
        for (_, closed), (opened, _) in itertools.pairwise(spans):
            assert closed is not None
            assert closed <= opened
        market = summary["buyers"][buyer.name]["market"]
        assert market["sessions_by_seller"]["seller-2"] >= 1
        assert market["switches"] >= 1
        assert market["regret_msat"] >= 0
