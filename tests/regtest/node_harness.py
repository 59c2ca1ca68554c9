"""Helpers for the node's end-to-end tests: run the demo's parts, read their ledgers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gridnode.demo.run import DemoHarness, DemoOptions
from tests.regtest.conftest import lndgrpc


def harness(tmp_path: Path, **options: Any) -> DemoHarness:
    """The demo's parts; the regtest network stays up after ``stop()`` so the ledgers
    can be compared with LND; ``finish()`` takes it down."""
    return DemoHarness(
        DemoOptions(root=tmp_path / "demo", keep_network=True, **options), lambda m: None
    )


def finish(demo: DemoHarness) -> None:
    """Stop the nodes and the circuit (closing sessions cleanly), keep the network."""
    demo.stop()


def network_down(demo: DemoHarness) -> None:
    if demo.parts is not None:
        demo.parts.network.down()


def run_for(demo: DemoHarness, seconds: float) -> None:
    asyncio.run(demo.watch(seconds))


def rows(ledger: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        return list(db.execute(sql).fetchall())
    finally:
        db.close()


def pause(demo: DemoHarness, name: str) -> None:
    """SIGSTOP a node: it holds its sockets but does nothing (a stalled peer)."""
    assert demo.parts is not None
    demo.parts.paused[name] = True
    os.kill(demo.parts.processes[name].pid, signal.SIGSTOP)


def resume(demo: DemoHarness, name: str) -> None:
    assert demo.parts is not None
    os.kill(demo.parts.processes[name].pid, signal.SIGCONT)
    demo.parts.paused[name] = False


def circuit_state(demo: DemoHarness) -> dict[str, Any]:
    state = json.loads((demo.root / "circuit.json").read_text())
    assert isinstance(state, dict)
    return state


def assert_ledgers_match_wallets(demo: DemoHarness) -> None:
    """Every payment and settlement in the ledgers is what LND says, and nothing twice."""
    assert demo.parts is not None
    network, seller = demo.parts.network, demo.parts.seller
    lnd_invoices = {i["payment_hash"]: i for i in lndgrpc("invoices", network.nodes[0])}
    settled = rows(
        seller.ledger,
        "SELECT hex(payment_hash), amount_paid_msat FROM invoices WHERE state = 'settled'",
    )
    for payment_hash, amount in settled:
        lnd = lnd_invoices[payment_hash.lower()]
        assert lnd["state"] == "SETTLED"
        assert lnd["amt_paid_msat"] == amount
    lnd_settled = {h for h, i in lnd_invoices.items() if i["state"] == "SETTLED"}
    ours = {h.lower() for (h,) in rows(seller.ledger, "SELECT hex(payment_hash) FROM invoices")}
    assert lnd_settled & ours == {h.lower() for h, _ in settled}  # none missed
    for index, buyer in enumerate(demo.parts.buyers, start=1):
        lnd_payments = {p["payment_hash"]: p for p in lndgrpc("payments", network.nodes[index])}
        paid = rows(
            buyer.ledger,
            "SELECT hex(payment_hash), amount_msat, hex(preimage), pruned FROM payments"
            " WHERE status = 'succeeded'",
        )
        for payment_hash, amount, preimage, pruned in paid:
            if pruned:  # LND's record was deleted once the ledger held the proof
                assert payment_hash.lower() not in lnd_payments
                assert payment_hash.lower() in lnd_settled  # the payee still shows it
                continue
            lnd = lnd_payments[payment_hash.lower()]
            assert lnd["status"] == "SUCCEEDED"
            assert lnd["value_msat"] == amount
            assert lnd["preimage"] == preimage.lower()
            assert payment_hash.lower() in {h for h in lnd_settled}
        attempts = rows(buyer.ledger, "SELECT payment_hash FROM payments")
        assert len(attempts) == len({a for (a,) in attempts})  # never the same hash twice


def wait_until(demo: DemoHarness, what: str, check: Callable[[], bool], timeout_s: float) -> float:
    """Run the demo until ``check()`` holds; returns the seconds it took."""
    waited = 0.0
    while not check():
        if waited >= timeout_s:
            raise AssertionError(f"{what}: not within {timeout_s} s")
        run_for(demo, 1.0)
        waited += 1.0
    return waited


def relay_on(demo: DemoHarness, index: int = 0) -> bool:
    return bool(circuit_state(demo)["circuits"][index]["relay_on"])
