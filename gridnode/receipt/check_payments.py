"""Check 4 of a receipt: its invoices and payments.

Each BOLT11 is decoded and its signature checked by the ``bolt11`` package, and held to
the entry's payment hash and amount; invoices are payable to the Lightning node the
signed offer names (one payee for the whole session when an older offer names none);
each preimage hashes to its payment hash; each payment is backed by the seller's signed
reading its invoice carried (and the buyer's, when it sent one), and agrees with the
buyer's signed payment notice when the receipt has one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from gridnode.ocmf import OcmfRecord
from gridnode.receipt.check_readings import pages
from gridnode.receipt.checking import Context, as_list
from gridnode.trade.bolt11 import Bolt11Error, decode


def check_invoices(ctx: Context) -> str | None:
    """Check each invoice; the one Lightning node they are all payable to, if there is one."""
    payees: set[str] = set()
    seller = pages(ctx, "seller")
    begin = _first_energy(list(seller.values()))
    signed_payees = {o.payee_node_id for o in ctx.offers if o.payee_node_id}
    for index, entry in enumerate(as_list(ctx.receipt.get("invoices"))):
        if not isinstance(entry, Mapping):
            ctx.add("malformed", f"invoice #{index + 1}", "is not an object.")
            continue
        where = f"invoice #{index + 1} ({str(entry.get('payment_hash', ''))[:12]}…)"
        payee = _bolt11(ctx, where, entry)
        if payee:
            payees.add(payee)
        if payee and signed_payees and payee not in signed_payees:
            ctx.add(
                "payee_mismatch",
                where,
                f"is payable to Lightning node {payee}, not to the seller's "
                f"{', '.join(sorted(signed_payees))} named in its signed offer.",
            )
        if entry.get("preimage") is not None:
            _preimage(ctx, where, entry, str(entry.get("payment_hash", "")))
        reading = seller.get(str(entry.get("reading")))
        if reading is None:
            ctx.add(
                "unbacked",
                where,
                f"the seller's reading it names ({entry.get('reading')}) is not in the "
                "seller's signed series.",
            )
            continue
        energy = reading.payload.RD[-1].energy_mwh
        covers = entry.get("covers")
        start = covers.get("from_mwh") if isinstance(covers, Mapping) else None
        if energy is not None and begin is not None and start != energy - begin:
            ctx.add(
                "covers_mismatch",
                where,
                f"says it covers energy from {start} mWh, but its reading "
                f"{reading.payload.PG} was signed at {energy - begin} mWh into the session.",
            )
    if len(payees) > 1:
        ctx.add(
            "payee_mixed",
            "invoices",
            f"are payable to {len(payees)} different Lightning nodes; one session has one seller.",
        )
    return next(iter(payees)) if len(payees) == 1 else None


def check_payments(ctx: Context) -> None:
    """Check each payment against its BOLT11, its preimage, its invoice and its backing."""
    invoices = {
        str(e.get("payment_hash")): e
        for e in as_list(ctx.receipt.get("invoices"))
        if isinstance(e, Mapping)
    }
    seen: set[str] = set()
    buyer_pages = pages(ctx, "buyer")
    for index, entry in enumerate(as_list(ctx.receipt.get("payments"))):
        if not isinstance(entry, Mapping):
            ctx.add("malformed", f"payment #{index + 1}", "is not an object.")
            continue
        payment_hash = str(entry.get("payment_hash", ""))
        where = f"payment #{index + 1} ({payment_hash[:12]}…)"
        if payment_hash in seen:
            ctx.add("duplicate", where, "is listed twice.")
        seen.add(payment_hash)
        _bolt11(ctx, where, entry)
        _preimage(ctx, where, entry, payment_hash)
        invoice = invoices.get(payment_hash)
        if invoice is None:
            ctx.add("no_invoice", where, "pays no invoice of this session.")
        backed = entry.get("backed_by")
        backed = backed if isinstance(backed, Mapping) else {}
        unbacked = invoice is None or backed.get("seller") != invoice.get("reading")
        if entry.get("purpose") != "deposit" and unbacked:
            ctx.add(
                "unbacked",
                where,
                "is not backed by the seller's signed reading of its invoice.",
            )
        buyer_reading = backed.get("buyer")
        # a page is text: a list or an object here (fuzzing found it) backs nothing
        named = buyer_reading if isinstance(buyer_reading, str) else None
        if buyer_reading is not None and named not in buyer_pages:
            ctx.add(
                "unbacked",
                where,
                f"the buyer's reading it names ({buyer_reading}) is not in the buyer's "
                "signed series.",
            )
        _notice(ctx, where, entry, payment_hash)


def _bolt11(ctx: Context, where: str, entry: Mapping[str, Any]) -> str | None:
    """Check the BOLT11 against the entry; its payee, or None when unreadable."""
    try:
        decoded = decode(str(entry.get("bolt11", "")))
    except Bolt11Error as exc:
        ctx.add("bolt11_invalid", where, f"its BOLT11 does not decode or verify: {exc}.")
        return None
    if decoded.payment_hash.hex() != entry.get("payment_hash"):
        ctx.add(
            "bolt11_mismatch",
            where,
            f"its BOLT11 is for payment hash {decoded.payment_hash.hex()}, not "
            f"{entry.get('payment_hash')}.",
        )
    amount = decoded.amount_msat or None
    if amount != entry.get("amount_msat"):
        ctx.add(
            "bolt11_mismatch",
            where,
            f"its BOLT11 asks {amount} msat, but the receipt says {entry.get('amount_msat')}.",
        )
    return decoded.payee


def _notice(ctx: Context, where: str, entry: Mapping[str, Any], payment_hash: str) -> None:
    """The buyer's signed notice of the payment, when the receipt has one, must say
    the same: amount, preimage, and the buyer's reading it names."""
    notice = ctx.notices.get(payment_hash)
    if notice is None:
        return
    if notice.amount.msat != entry.get("amount_msat"):
        ctx.add(
            "amount_mismatch",
            where,
            f"the buyer's signed payment notice says {notice.amount.msat} msat, the "
            f"receipt {entry.get('amount_msat')}.",
        )
    if notice.preimage.hex() != entry.get("preimage"):
        ctx.add(
            "bad_preimage",
            where,
            "its preimage is not the one in the buyer's signed payment notice.",
        )
    backed = entry.get("backed_by")
    named = backed.get("buyer") if isinstance(backed, Mapping) else None
    signed = notice.buyer_reading.payload.PG if notice.buyer_reading is not None else None
    if named != signed:
        ctx.add(
            "unbacked",
            where,
            f"names buyer reading {named}, but the buyer's signed notice names {signed}.",
        )


def _preimage(ctx: Context, where: str, entry: Mapping[str, Any], payment_hash: str) -> None:
    try:
        preimage = bytes.fromhex(str(entry.get("preimage") or ""))
    except ValueError:
        preimage = b""
    if len(preimage) != 32:
        ctx.add("no_preimage", where, "has no 32-byte preimage: nothing proves it was paid.")
    elif hashlib.sha256(preimage).hexdigest() != payment_hash:
        ctx.add(
            "bad_preimage",
            where,
            "its preimage does not hash to its payment hash: it proves no payment.",
        )


def _first_energy(records: Sequence[OcmfRecord]) -> int | None:
    """The register at the series' first reading (its Begin)."""
    ordered = sorted(records, key=lambda r: r.page)
    return ordered[0].payload.RD[-1].energy_mwh if ordered else None
