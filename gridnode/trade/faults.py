"""What a session does when an effect fails or the wallet goes out of reach: it is
journalled and shown, never dropped.

The runtime retries what it can (a deposit to settle or release, an invoice watch) and
tells the session each failure as an event; the session records it (the receipt shows
why a deposit came back late) and notes it for a person (the dashboard's notes). Whatever
the failure stops from happening (an invoice, a payment) the session's own rules already
handle: credit runs out and the relay opens; a payment in flight is followed, never repeated.
"""

from __future__ import annotations

from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.events import EffectFailed, WalletReachability


def fault_actions(event: EffectFailed | WalletReachability, now_ms: int) -> list[Action]:
    text = event.describe()
    payment_hash = event.payment_hash if isinstance(event, EffectFailed) else b""
    return [Record(LedgerKind.FAULT, now_ms, text, payment_hash=payment_hash), Notify(text)]
