"""The node answers receipt requests from its own ledger (the dashboard asks it through
the status socket): a live session's receipt checked with both pinned fingerprints, in
virtual time over the real SQLite ledger of a trading pair."""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import InlineOffloader
from gridnode.node.receipts import ReceiptDesk
from tests.support.node import trading_pair


async def test_a_live_sessions_receipt_is_built_checked_and_rendered(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(30)
    ledger = tmp_path / "seller" / "ledger.sqlite"
    desk = ReceiptDesk(ledger, pair.seller.snapshot, InlineOffloader())
    live = pair.seller.snapshot().sessions[0]
    shown = await desk.receipt(live.session_id)
    assert shown.ok, shown.verdict
    assert shown.verdict == (
        "✔ verified: every signature, preimage and amount holds so far "
        "(the session is still running: no End reading yet)"
    )
    assert f"Receipt of session {live.session_id}" in shown.text
    assert pair.seller.snapshot().fingerprint in shown.text  # the seller's own key
    assert live.peer_fingerprint in shown.text  # and the buyer's, as pinned
    assert shown.command == (
        f"gridnode receipt {live.session_id} --ledger {ledger} --out receipt.json"
    )
    unknown = await desk.receipt("f" * 32)
    assert not unknown.ok
    assert "The ledger has no session" in unknown.verdict
    await desk.close()
    await pair.shutdown()
