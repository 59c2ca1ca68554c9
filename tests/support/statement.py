"""A node folder whose ledger gave its one session to ``gridnode ledger prune``'s
archive: the demo's real receipt (tests/unit/receipt/data), so a statement is made from
signed readings and real payments."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gridnode.ledger import LedgerStore

DATA = Path(__file__).resolve().parents[1] / "unit" / "receipt" / "data"
RECEIPT = DATA / "demo-receipt.json"
#: The demo session's parties, its month, and what its receipt says.
FINGERPRINTS: dict[str, str] = json.loads((DATA / "fingerprints.json").read_text())
MONTH = "2026-12"
SESSION_ID = "e240ab273ab9c0ccf99e3507d5dcf59a"
ENERGY_SELLER_MWH, ENERGY_BUYER_MWH = 31_448, 31_456
PAID_MSAT, DEPOSIT_MSAT = 7_800, 50_000


def archived_ledger(folder: Path, role: str = "seller") -> Path:
    """``folder/ledger.sqlite`` (empty) and ``folder/ledger-archive/`` holding the demo
    session's receipt as the prune names it; returns the ledger's path."""
    folder.mkdir(parents=True, exist_ok=True)
    ledger = folder / "ledger.sqlite"
    LedgerStore.open(ledger, role).close()
    archive = folder / "ledger-archive"
    archive.mkdir(exist_ok=True)
    shutil.copy(RECEIPT, archive / f"receipt-{SESSION_ID}.json")
    return ledger
