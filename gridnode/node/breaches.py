"""The hold after a breach: a buyer holds off the seller that breached for
``breach_hold_s`` ([limits]), read from the ledger's breaches so a restart does not
clear it."""

from __future__ import annotations

from gridnode.ledger import Ledger
from gridnode.trade.evaluate import BreachHold


async def latest_breach(ledger: Ledger) -> tuple[int, str] | None:
    """(at_ms, text) of the buyer's latest breach in the ledger. Every breach a buyer
    records is its seller's: the buyer detects it and stops paying."""
    found = await ledger.evidence.breaches()
    if not found:
        return None
    latest = max(found, key=lambda row: row.at_ms)
    return latest.at_ms, latest.text


def breach_hold(breach: tuple[int, str] | None, hold_ms: int) -> BreachHold | None:
    """The hold after ``breach`` (at_ms, text): until at_ms + ``hold_ms``; None when
    there was no breach or holding off is off (``hold_ms`` 0)."""
    if breach is None or hold_ms <= 0:
        return None
    at_ms, text = breach
    return BreachHold(until_ms=at_ms + hold_ms, cause=text)
