"""Unused credit goes back to the buyer (issue 19), end to end on regtest: what LND's own
records say (the second client, not gridnode's adapter), after a clean demo and after a
seller killed between its closing statement and the refund."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridnode.demo.run import DemoHarness
from tests.support.regtest.credit_check import Books, check_credit
from tests.support.regtest.node_harness import (
    assert_ledgers_match_wallets,
    harness,
    network_down,
    pause,
    relay_on,
    rows,
    run_for,
    wait_until,
)

pytestmark = pytest.mark.regtest


@pytest.fixture
def make_demo(tmp_path: Path) -> Iterator[Any]:
    made: list[DemoHarness] = []

    def make(**options: Any) -> DemoHarness:
        demo = harness(tmp_path, **options)
        made.append(demo)
        return demo

    yield make
    for demo in made:
        network_down(demo)


def assert_lnd_shows_paid_less_refunded_is_the_energy(demo: DemoHarness) -> dict[str, int]:
    """For each buyer, by LND's records: what it paid the seller less what the seller paid
    back equals the energy delivered at the agreed price (the seller's signed readings,
    each session's receipt verified), within one msat of rounding per payment
    (:func:`~tests.support.regtest.credit_check.check_credit`, which
    scripts/check_credit.py runs on a 90 s ``gridnode demo``). Returns what each buyer
    got back."""
    assert demo.parts is not None
    parts = demo.parts
    seller = Books("seller", parts.seller.ledger, parts.seller.identity.fingerprint)
    buyers = [Books(b.name, b.ledger, b.identity.fingerprint) for b in parts.buyers]
    report = check_credit(parts.network.nodes[0], seller, buyers)
    assert report["ok"], report["problems"]
    return {name: books["refunded_msat"] for name, books in report["buyers"].items()}


@pytest.mark.timeout(300)  # a demo on a loaded 2-core machine
def test_a_demo_pays_every_buyers_unused_credit_back_as_lnd_records_it(make_demo: Any) -> None:
    demo = make_demo()
    demo.start()
    try:
        run_for(demo, 40)
    finally:
        demo.stop()
    summary: dict[str, Any] = demo.summary()
    returned = assert_lnd_shows_paid_less_refunded_is_the_energy(demo)
    assert summary["credit_returned_msat"] == returned
    assert_ledgers_match_wallets(demo)


@pytest.mark.timeout(400)  # two restarts, and the leaving buyer's wait for its refund
def test_a_seller_killed_between_its_statement_and_the_refund_pays_it_once_after_restart(
    make_demo: Any,
) -> None:
    demo = make_demo()
    demo.start()
    assert demo.parts is not None
    demo.parts.network.expect_log_errors(".")  # this test kills the seller mid-refund
    seller_ledger = demo.parts.seller.ledger
    buyer = demo.parts.buyers[0]
    try:
        wait_until(demo, "power on", lambda: relay_on(demo), 30)
        run_for(demo, 10)
        # the buyer leaves; the moment its ledger holds the seller's closing statement
        # (the closing message was sent and received), the seller is frozen, then killed:
        # the refund was asked for, or under way, or not yet asked
        demo.parts.paused[buyer.name] = True
        leaving = demo.parts.processes[buyer.name]
        os.kill(leaving.pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while not rows(buyer.ledger, "SELECT count(*) FROM credit_notes")[0][0]:
            assert time.monotonic() < deadline, "no closing statement"
            time.sleep(0.005)
        pause(demo, "seller")
        demo.parts.processes["seller"].kill()
        deadline = time.monotonic() + 60  # it waits a moment for the refund, then exits
        while leaving.is_running():
            assert time.monotonic() < deadline, "the buyer did not stop"
            time.sleep(0.2)
        [(state,)] = rows(seller_ledger, "SELECT state FROM credit_notes")
        assert state != "paid"  # killed before the refund was done
        # both come back: the refund is finished (or its credit carried), once
        demo.parts.paused["seller"] = False
        demo.restart("seller")
        demo.parts.paused[buyer.name] = False
        demo.restart(buyer.name)
        wait_until(demo, "power on after the restarts", lambda: relay_on(demo), 60)
        first = "SELECT hex(note_id), state FROM credit_notes ORDER BY noted_at_ms LIMIT 1"

        def settled() -> bool:
            # the seller's note is paid back or carried into the next session; the buyer
            # agrees if the statement reached it before the seller was frozen (if it did
            # not, the buyer never held that note, and the money check below decides)
            theirs = rows(seller_ledger, first)
            if not theirs or theirs[0][1] not in ("paid", "carried"):
                return False
            note_hex, state = theirs[0]
            ours = rows(
                buyer.ledger, f"SELECT state FROM credit_notes WHERE hex(note_id) = '{note_hex}'"
            )
            return not ours or ours[0][0] == state

        wait_until(demo, "the first note settled on both sides", settled, 60)
        run_for(demo, 5)
    finally:
        demo.stop()
    assert_lnd_shows_paid_less_refunded_is_the_energy(demo)
    assert_ledgers_match_wallets(demo)
