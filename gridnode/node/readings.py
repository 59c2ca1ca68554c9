"""The node's side of signed readings: where each meter's OCMF series goes on.

The trade core signs OCMF records but does no I/O; the node tells it how far the series
for a meter has got (rebuilt from the last record in the ledger) and whether the system
clock is synchronised (:mod:`gridnode.node.clock_gate`), and stores the records the
sessions emit.
"""

from __future__ import annotations

import logging

from gridnode.ledger import Ledger, ReadingRow, ReadingSide
from gridnode.ocmf import ClockStatus, OcmfError, SeriesState, parse_record
from gridnode.trade.readings import OwnSeries
from gridnode.trade.signing import Signer, fingerprint

log = logging.getLogger("gridnode.node")


async def series_state(
    ledger: Ledger, signer: Signer, meter_id: str, clock: ClockStatus, now_ms: int
) -> SeriesState | None:
    """Where this node's OCMF series for ``meter_id`` goes on, from its last own record.

    A transaction an earlier session left open (the node stopped before its End) is
    ended here as aborted (A), stored with that session, so a new session begins
    cleanly. None for a new series (no record yet, or one signed by another key).
    """
    last = await ledger.evidence.last_reading(ReadingSide.OWN, meter_id)
    if last is None:
        return None
    session_id = last.session_id
    try:
        state = SeriesState.following(parse_record(last.record))
    except OcmfError as exc:
        log.error("the last OCMF record of meter %s cannot be continued: %s", meter_id, exc)
        raise
    if state.key_fingerprint != fingerprint(signer.public_key_der):
        return None  # another key: its own series
    own = OwnSeries(signer, meter_id, state, clock)
    aborted = own.abort(now_ms)
    if aborted is not None:
        at_ms = aborted.payload.RD[-1].TM.unix_ms
        await ledger.evidence.reading(
            ReadingRow(session_id, ReadingSide.OWN, meter_id, aborted.page, at_ms, aborted.text)
        )
        log.info(
            "meter %s: session %s left its readings open; ended as aborted", meter_id, session_id
        )
    return own.state
