"""The receipt's ``faults``: the Suspend and Close messages that named an electrical or
metering fault (a cut by the seller's protection, a buyer's breach).

These messages are not signed (only binding messages are), so a fault entry proves what
one side's ledger holds, not who said it: the check is that each entry is exactly what
its frame says, for this session, and names a fault; a person reads them next to the
signed readings (a Suspended reading, S, is signed at the seller's cut).
"""

from __future__ import annotations

from typing import Any

from gridnode.receipt.checking import Context, as_list
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError
from gridnode.trade.messages import FAULT_CAUSES, Close, Suspend


def check_faults(ctx: Context) -> int:
    """Each fault entry against its own frame; returns how many there are."""
    faults = as_list(ctx.receipt.get("faults"))
    for n, item in enumerate(faults, start=1):
        where = f"fault #{n}"
        if not isinstance(item, dict):
            ctx.add("malformed", where, "is not a JSON object.")
            continue
        problem = _problem(ctx.session_id, item)
        if problem is not None:
            ctx.add(problem[0], where, problem[1])
    return len(faults)


def _problem(session_id: str, item: dict[str, Any]) -> tuple[str, str] | None:
    try:
        received = codec.decode(bytes.fromhex(str(item.get("frame", ""))))
    except (DecodeError, ValueError):
        return "malformed", "its frame does not decode as a trade message."
    body = received.envelope.body
    if received.envelope.session_id.hex() != session_id:
        return "wrong_session", "its frame belongs to another session."
    if not isinstance(body, Suspend | Close) or body.cause not in FAULT_CAUSES:
        return "fault_mismatch", "its frame is not a Suspend or Close naming a fault."
    said = (body.kind.value, body.cause.name.lower(), body.text, received.envelope.seq)
    stated = (item.get("message"), item.get("cause"), item.get("text"), item.get("seq"))
    if said != stated:
        return "fault_mismatch", (
            f"says {stated[0]} {stated[1]!r} ({stated[2]!r}), but its frame is {said[0]} "
            f"{said[1]!r} ({said[2]!r})."
        )
    return None
