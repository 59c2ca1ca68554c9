"""Helpers for the node's end-to-end tests: run the demo's parts, read their ledgers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.demo.run import DemoHarness, DemoOptions
from gridnode.demo.tenants import payer_of
from gridnode.node.context import RuntimeTimings
from gridnode.trade.terms import BuyerLimits, OfferTemplate
from tests.support.regtest.lnd import lndgrpc


def harness(tmp_path: Path, **options: Any) -> DemoHarness:
    """The demo's parts; the regtest network stays up after ``stop()`` so the ledgers
    can be compared with LND; ``finish()`` takes it down, and a killed test run takes
    it with it (tied)."""
    return DemoHarness(
        DemoOptions(root=tmp_path / "demo", keep_network=True, tie_network=True, **options),
        lambda m: None,
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
    buyers = demo.parts.buyers
    payers = min(demo.options.payers or len(buyers), len(buyers))  # shared payer LNDs
    for index, buyer in enumerate(buyers, start=1):
        payer = network.nodes[payer_of(index, payers)]
        lnd_payments = {p["payment_hash"]: p for p in lndgrpc("payments", payer)}
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


#: How often the circuit rewrites its state file (gridnode.demo.circuit.serve_estate).
STATE_WRITE_S = 0.5


def fresh_circuit_state(demo: DemoHarness) -> dict[str, Any]:
    """The circuit's state as written after this call: the file can be up to one write
    old, and a seller cuts the relay and pays a refund within that (the tariff test
    once read the relay of a buyer already paid back as on, from the write before)."""
    asked = time.time()
    deadline = time.monotonic() + STATE_WRITE_S + SCHEDULING_MARGIN_S
    while (state := circuit_state(demo))["at"] < asked:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the circuit wrote no state within {STATE_WRITE_S + SCHEDULING_MARGIN_S} s"
            )
        time.sleep(0.05)
    return state


def relay_on(demo: DemoHarness, index: int = 0) -> bool:
    """Whether circuit ``index``'s relay is on now (a state written after the call)."""
    return bool(fresh_circuit_state(demo)["circuits"][index]["relay_on"])


#: The nodes' control tick: the demo starts them with the node's default.
TICK_S: float = RuntimeTimings().tick_ms / 1000

#: Headroom for process scheduling on a loaded 2-core CI machine: the seller, the buyers,
#: the circuit, two or four LNDs, btcd and the test itself share two cores, so a process
#: can wait a second or two for its turn. Every timing bound below adds this once.
SCHEDULING_MARGIN_S = 2.5

#: Headroom for comparing timestamps taken by different processes on one clock (the
#: /proc start time is in kernel ticks, a ledger's in ms).
CLOCK_MARGIN_S = 0.25


def buyer_limits(demo: DemoHarness, index: int = 0) -> BuyerLimits:
    """A buyer's limits as it reads them from the configuration the demo wrote."""
    assert demo.parts is not None
    settings = load_settings(demo.parts.buyers[index].config)
    assert isinstance(settings, BuyerSettings)
    return settings.buying.limits


def seller_terms(demo: DemoHarness) -> OfferTemplate:
    """The seller's terms as it reads them from the configuration the demo wrote."""
    assert demo.parts is not None
    settings = load_settings(demo.parts.seller.config)
    assert isinstance(settings, SellerSettings)
    return settings.selling.terms


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def payments_after(
    ledger: Path, at_ms: int, session_id: str | None = None
) -> list[tuple[int, int]]:
    """The succeeded payments (attempted_at_ms, resolved_at_ms) that resolved after
    ``at_ms``, optionally in one session only, oldest first."""
    where = "" if session_id is None else f" AND session_id = '{session_id}'"
    found = rows(
        ledger,
        "SELECT attempted_at_ms, resolved_at_ms FROM payments WHERE status = 'succeeded'"
        f" AND resolved_at_ms > {int(at_ms)}{where} ORDER BY resolved_at_ms",
    )
    return [(int(a), int(r)) for a, r in found]


def breaches(ledger: Path) -> list[tuple[str, str, int]]:
    """(session_id, text, at_ms) of every breach in a ledger, oldest first."""
    return [
        (str(s), str(t), int(a))
        for s, t, a in rows(ledger, "SELECT session_id, text, at_ms FROM breaches ORDER BY id")
    ]


def faults(ledger: Path) -> list[tuple[str, str, int]]:
    """(session_id, text, at_ms) of every fault journalled in a ledger, oldest first: the
    seller's protection cuts, a buyer's own draw over the terms, failed wallet effects."""
    return [
        (str(s), str(t), int(a))
        for s, t, a in rows(
            ledger, "SELECT session_id, text, at_ms FROM journal WHERE kind = 'fault' ORDER BY id"
        )
    ]


def relay_switches(ledger: Path, peer_fingerprint: str | None = None) -> list[tuple[bool, int]]:
    """(on, at_ms) of a seller's relay switches, in order; only the sessions with one
    buyer when ``peer_fingerprint`` is given."""
    sql = "SELECT r.relay_on, r.at_ms FROM relay_switches r"
    if peer_fingerprint is not None:
        sql += (
            " JOIN sessions s ON s.session_id = r.session_id"
            f" WHERE s.peer_fingerprint = '{peer_fingerprint}'"
        )
    return [(bool(on), int(at)) for on, at in rows(ledger, sql + " ORDER BY r.id")]


def process_started_at(pid: int) -> float:
    """When a process started (seconds since the epoch), from /proc, to a kernel tick."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    started_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
    uptime_s = float(Path("/proc/uptime").read_text().split()[0])
    booted = time.time() - uptime_s
    return booted + started_ticks / os.sysconf("SC_CLK_TCK")
