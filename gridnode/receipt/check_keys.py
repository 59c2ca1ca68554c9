"""Checks 1 and 2 of a receipt: the parties' keys and the signed messages.

Each party's key is held to the fingerprint given out of band (without one, the key is
reported as unauthenticated unless the caller trusts it). Each signed message (offer,
acceptance, renewal, payment notice) must decode, be of this session and be signed under
its sender's key; the terms a person reads must be the ones signed and accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridnode.ocmf import OcmfError, load_public_key, public_key_der
from gridnode.receipt.checking import PARTIES, Context, as_list
from gridnode.receipt.model import SIGNER_OF_KIND, offer_json
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.messages import (
    AcceptanceMessage,
    ClosingStatement,
    OfferMessage,
    PaymentNotice,
    Received,
    RenewalMessage,
)
from gridnode.trade.signing import fingerprint
from gridnode.trade.terms import Offer


def normalize_fpr(text: str) -> str:
    """A fingerprint as given by a person: colons, spaces and case do not matter."""
    return "".join(c for c in text.lower() if c in "0123456789abcdef")


def check_keys(ctx: Context, given: Mapping[str, str | None], trust_embedded: bool) -> None:
    """Read each party's key into ``ctx.keys`` and hold it to the fingerprint ``given``
    for that party (or accept it unchecked when ``trust_embedded``)."""
    keys = ctx.receipt.get("public_keys")
    if not isinstance(keys, Mapping):
        ctx.add("malformed", "public_keys", "The receipt has no public keys.")
        return
    stated = {
        str(p.get("role")): str(p.get("fingerprint", ""))
        for p in as_list(ctx.receipt.get("parties"))
        if isinstance(p, Mapping)
    }
    for party in PARTIES:
        where = f"{party}'s public key"
        try:
            der = public_key_der(load_public_key(str(keys.get(party, ""))))
        except (OcmfError, ValueError) as exc:
            ctx.add("malformed", where, f"cannot be read: {exc}")
            continue
        fpr = fingerprint(der)
        ctx.keys[party] = der
        if stated.get(party) not in (None, fpr):
            ctx.add(
                "key_mismatch",
                where,
                f"its fingerprint is {fpr}, but the parties list says {stated[party]}.",
            )
        wanted = given.get(party)
        if wanted is not None:
            if normalize_fpr(wanted) != fpr:
                ctx.add(
                    "key_mismatch",
                    where,
                    f"its fingerprint is {fpr}, not the {normalize_fpr(wanted)} given: the "
                    f"receipt was not signed by the {party} you know.",
                )
        elif not trust_embedded:
            ctx.add(
                "unauthenticated_key",
                where,
                f"no fingerprint was given to check it against (its fingerprint is {fpr}); "
                f"pass --{party}-fpr, or --trust-embedded-keys to accept it as it is.",
            )


def check_messages(ctx: Context) -> None:
    """Verify each signed message; collect the accepted offers into ``ctx.offers`` and the
    payment notices into ``ctx.notices``; hold the terms shown to the signed ones."""
    offers: dict[bytes, Offer] = {}
    for index, item in enumerate(as_list(ctx.receipt.get("messages"))):
        where = f"message #{index + 1}"
        if not isinstance(item, Mapping):
            ctx.add("malformed", where, "is not an object.")
            continue
        received = _signed(ctx, item, where)
        if received is None:
            continue
        body = received.envelope.body
        if isinstance(body, OfferMessage | RenewalMessage):
            offers[codec.digest(received)] = body.offer
        elif isinstance(body, ClosingStatement):
            ctx.statements.append(body)
        elif isinstance(body, AcceptanceMessage):
            ctx.acceptances.append(body)
            offer = offers.get(body.offer_digest)
            if offer is None:
                ctx.add(
                    "acceptance_unmatched",
                    where,
                    "accepts an offer that is not in the receipt (its digest matches none).",
                )
            else:
                ctx.offers.append(offer)
        elif isinstance(body, PaymentNotice):
            ctx.notices[body.payment_hash.hex()] = body
    if not ctx.offers:
        ctx.add("no_terms", "messages", "No signed offer with its signed acceptance.")
        return
    terms = as_list(ctx.receipt.get("terms"))
    signed = [offer_json(o) for o in ctx.offers]
    if len(terms) != len(signed) or not all(map(_shows, terms, signed)):
        ctx.add(
            "terms_mismatch",
            "terms",
            "The terms shown differ from the offers the seller signed and the buyer "
            "accepted; the signed ones are what counts.",
        )


def _signed(ctx: Context, item: Mapping[str, Any], where: str) -> Received | None:
    """The message of ``item`` when it decodes and its sender's key verifies it."""
    kind = str(item.get("kind"))
    signer = SIGNER_OF_KIND.get(kind)
    if signer is None:
        ctx.add("malformed", where, f"has kind {kind!r}, which is not a signed message.")
        return None
    try:
        received = codec.decode(bytes.fromhex(str(item.get("frame", ""))))
    except (DecodeError, ValueError) as exc:
        ctx.add("malformed", where, f"({kind}) does not decode: {exc}")
        return None
    if received.envelope.body.kind.value != kind:
        ctx.add(
            "malformed",
            where,
            f"says {kind} but holds a {received.envelope.body.kind.value} message.",
        )
        return None
    where = f"{where} ({kind} #{received.envelope.seq})"
    if received.envelope.session_id.hex() != ctx.session_id:
        ctx.add(
            "wrong_session",
            where,
            f"belongs to session {received.envelope.session_id.hex()}, not this one.",
        )
    verifier = ctx.verifier(signer)
    if verifier is None:
        return None
    try:
        codec.verify(received, verifier)
    except SignatureError:
        ctx.add("bad_signature", where, f"is not signed by the {signer}'s key.")
        return None
    return received


def _shows(shown: object, signed: object) -> bool:
    """Everything ``shown`` says, ``signed`` says too (a receipt from an older gridnode
    shows fewer fields of the terms; none may differ)."""
    if isinstance(shown, Mapping) and isinstance(signed, Mapping):
        return all(k in signed and _shows(v, signed[k]) for k, v in shown.items())
    if isinstance(shown, list) and isinstance(signed, list):
        return len(shown) == len(signed) and all(map(_shows, shown, signed))
    return shown == signed
