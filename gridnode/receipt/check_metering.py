"""Which meters a receipt's session was billed by (issue 18 §5).

A buyer without a meter of its own pays against the seller's signed readings alone: the
seller's signed offer says so (``seller_metered``) and the buyer's signed acceptance
repeats it. Such a session is *single-metered*: its readings are still checked as a
series and the money against them, but there is no second meter to compare with (the
buyer's own series, when it signs one, mirrors the seller's). A session where the two
signed words disagree is reported, since then neither party can show what was agreed.
"""

from __future__ import annotations

from gridnode.receipt.checking import Context

SINGLE = "single"
DUAL = "dual"


def check_metering(ctx: Context) -> str:
    """``"single"`` (the seller's meter alone) or ``"dual"``; sets
    ``ctx.seller_metered`` for the money check and reports signed words that disagree."""
    offered = {offer.seller_metered for offer in ctx.offers}
    accepted = {acceptance.seller_metered for acceptance in ctx.acceptances}
    if len(offered | accepted) > 1:
        ctx.add(
            "metering_mismatch",
            "messages",
            "the signed offers and acceptances disagree on whether the session is metered "
            "by the seller alone: the terms of its billing are not agreed.",
        )
    ctx.seller_metered = offered == {True} and accepted <= {True}
    return SINGLE if ctx.seller_metered else DUAL
