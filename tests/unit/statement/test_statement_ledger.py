"""A statement from a live ledger (a trading pair in virtual time over real SQLite): the
line is the session's receipt, named by the file `gridnode receipt` would write and the
SHA-256 of exactly those bytes, from the seller's side and from the buyer's."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from gridnode.receipt.export import build_receipt
from gridnode.receipt.model import dumps
from gridnode.statement.collect import collect
from gridnode.statement.model import DepositState, Month
from tests.support.node import trading_pair


async def test_a_ledgers_sessions_are_on_the_statement_of_their_month(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(60)
    live = pair.seller.snapshot().sessions[0]
    names = {live.peer_fingerprint: live.peer_name}
    await pair.shutdown()

    ledger = tmp_path / "seller" / "ledger.sqlite"
    receipt = build_receipt(ledger, live.session_id)
    opened = datetime.fromisoformat(receipt["exported"]["opened"].replace("Z", "+00:00"))
    month = Month(opened.astimezone(UTC).year, opened.astimezone(UTC).month)
    statement = collect(ledger, month, names=names)
    (tenant,) = statement.tenants
    assert tenant.name == live.peer_name
    (line,) = tenant.lines
    assert line.source == "ledger"
    assert line.receipt_file == f"receipt-{receipt['session_id']}.json"
    assert line.receipt_sha256 == hashlib.sha256(dumps(receipt).encode()).hexdigest()
    totals = receipt["totals"]
    assert line.energy_seller_mwh == totals["energy_mwh"]["seller"] > 0
    assert line.energy_buyer_mwh == totals["energy_mwh"]["buyer"]
    assert line.paid_msat == totals["paid_msat"] > 0  # no deposit was taken
    assert line.deposit_state is DepositState.RELEASED  # a clean close refunds it

    buyer = collect(tmp_path / "buyer" / "ledger.sqlite", month)
    (own,) = buyer.tenants
    (bought,) = own.lines
    assert buyer.role == "buyer"
    assert (bought.energy_seller_mwh, bought.paid_msat) == (line.energy_seller_mwh, line.paid_msat)
