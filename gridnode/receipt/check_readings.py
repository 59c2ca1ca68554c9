"""Check 3 of a receipt: each meter's signed OCMF series.

Each party's series must hold as a series (:func:`gridnode.ocmf.verify_series`:
signatures, gap-free pagination, one meter, Begin first and End last), be signed by that
party's key for this session, and the seller's must come from the meter the terms name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gridnode.ocmf import OcmfError, OcmfRecord, parse_record, verify_series
from gridnode.receipt.checking import PARTIES, Context, as_list
from gridnode.trade.signing import fingerprint


def check_readings(ctx: Context) -> None:
    """Check each party's series and keep its records in ``ctx.readings``."""
    readings = ctx.receipt.get("readings")
    if not isinstance(readings, Mapping):
        ctx.add("malformed", "readings", "The receipt has no readings.")
        return
    for party in PARTIES:
        records = [str(x) for x in as_list(readings.get(party))]
        ctx.readings[party] = records
        key = ctx.keys.get(party)
        # without a readable key the structure is still checked (the key's own
        # problem is reported already)
        for finding in verify_series(records, key):
            ctx.add(
                f"ocmf_{finding.code.value}",
                f"{party} reading {finding.record}",
                finding.message,
            )
        _series_belongs(ctx, party, records)


def pages(ctx: Context, party: str) -> dict[str, OcmfRecord]:
    """A party's readings by page (``T7``), the ones that parse."""
    by_page: dict[str, OcmfRecord] = {}
    for text in ctx.readings.get(party, []):
        try:
            record = parse_record(text)
        except OcmfError:
            continue
        by_page[record.payload.PG] = record
    return by_page


def _series_belongs(ctx: Context, party: str, records: Sequence[str]) -> None:
    """Each record names the party's key and this session; the seller's, the agreed meter."""
    key = ctx.keys.get(party)
    for record_text in records:
        try:
            record = parse_record(record_text)
        except OcmfError:
            continue  # reported by the series check
        where = f"{party} reading {record.payload.PG}"
        if key is not None and fingerprint(key) != record.payload.GS:
            ctx.add(
                "wrong_signer",
                where,
                f"names signer {record.payload.GS}, not the {party}'s key.",
            )
        if ctx.session_id != record.payload.ID:
            ctx.add(
                "wrong_session",
                where,
                f"belongs to session {record.payload.ID!r}, not {ctx.session_id}.",
            )
    if party == "seller" and ctx.offers and records:
        try:
            meter = parse_record(records[0]).payload.MS
        except OcmfError:
            return
        agreed = {o.meter_id for o in ctx.offers}
        if meter not in agreed:
            ctx.add(
                "wrong_meter",
                "seller readings",
                f"come from meter {meter!r}; the terms name {sorted(agreed)}.",
            )
