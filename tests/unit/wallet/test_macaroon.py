"""Reading an LND macaroon's permissions from its bytes, and the least-privilege check."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.wallet.macaroon import (
    BUYER_PERMISSIONS,
    SELLER_PERMISSIONS,
    MacaroonError,
    check_role,
    parse,
)
from tests.support.macaroons import bake


def test_reads_entity_and_uri_permissions() -> None:
    macaroon = parse(bake(["invoices:read", "uri:/lnrpc.Lightning/GetInfo"], [b"ipaddr 1.2.3.4"]))
    assert macaroon.permissions == {"invoices:read", "uri:/lnrpc.Lightning/GetInfo"}
    assert macaroon.caveats == (b"ipaddr 1.2.3.4",)


def test_the_seller_and_buyer_bakes_pass_their_own_role() -> None:
    check_role(parse(bake(sorted(SELLER_PERMISSIONS))), "seller")
    check_role(parse(bake(sorted(BUYER_PERMISSIONS))), "buyer")


def test_a_broader_macaroon_is_refused_naming_the_excess_and_the_bake() -> None:
    broad = parse(bake([*SELLER_PERMISSIONS, "onchain:write", "offchain:write"]))
    with pytest.raises(MacaroonError, match="also allows offchain:write, onchain:write") as caught:
        check_role(broad, "seller")
    assert "lncli bakemacaroon" in str(caught.value)
    # the advice names the real setting (there is no --allow-broad-macaroon option)
    assert "set allow_broad_macaroon = true in [lnd]" in str(caught.value)
    assert "--allow-broad-macaroon" not in str(caught.value)
    check_role(broad, "seller", allow_excess=True)  # told to accept it


def test_a_narrower_macaroon_is_refused_naming_what_is_missing() -> None:
    with pytest.raises(MacaroonError, match=r"lacks .*uri:/routerrpc\.Router/SendPaymentV2"):
        check_role(parse(bake(["uri:/lnrpc.Lightning/GetInfo"])), "buyer")


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01abc", b"0201", bytes.fromhex("0201036c6e64"), bake(["info:read"])[:-10]],
)
def test_unreadable_macaroons_are_a_sentence_not_a_crash(data: bytes) -> None:
    with pytest.raises(MacaroonError, match=r"^macaroon: "):
        parse(data)


@given(st.binary(max_size=200))
def test_any_bytes_either_parse_or_raise_macaroon_error(data: bytes) -> None:
    with contextlib.suppress(MacaroonError):
        parse(data)


def test_coarse_permissions_cover_the_buyers_methods_but_count_as_excess() -> None:
    coarse = parse(bake(["offchain:read", "offchain:write", "info:read", "invoices:write"]))
    assert coarse.missing_for("buyer") == []
    assert coarse.excess_for("buyer") == [
        "info:read",
        "invoices:write",
        "offchain:read",
        "offchain:write",
    ]


def test_paying_credit_back_adds_only_the_refunds_own_methods() -> None:
    """Issue 19: the buyer invoices its refund (AddInvoice, nothing else of invoices), the
    seller pays it (SendPaymentV2, followed with TrackPaymentV2), nothing more."""
    assert BUYER_PERMISSIONS & {"invoices:write", "invoices:read"} == set()
    assert "uri:/lnrpc.Lightning/AddInvoice" in BUYER_PERMISSIONS
    assert SELLER_PERMISSIONS - {
        "invoices:read",
        "invoices:write",
        "info:read",
        "offchain:read",
    } == {
        "uri:/routerrpc.Router/SendPaymentV2",
        "uri:/routerrpc.Router/TrackPaymentV2",
    }
    older_seller = parse(bake(["invoices:read", "invoices:write", "info:read", "offchain:read"]))
    with pytest.raises(MacaroonError, match=r"lacks uri:/routerrpc\.Router/SendPaymentV2"):
        check_role(older_seller, "seller")


def test_the_buyer_bake_leaves_out_channel_balance_and_an_older_bake_is_refused() -> None:
    # no buyer code reads the wallet's balances, so the buyer's macaroon may not either
    channel_balance = "uri:/lnrpc.Lightning/ChannelBalance"
    assert channel_balance not in BUYER_PERMISSIONS
    older = parse(bake([*sorted(BUYER_PERMISSIONS), channel_balance]))
    with pytest.raises(MacaroonError, match=r"also allows uri:/lnrpc\.Lightning/ChannelBalance"):
        check_role(older, "buyer")


def test_the_buyer_may_list_its_channels_and_offchain_read_covers_it() -> None:
    # the doctor's channel check and the liquidity watch read the buyer's channel to
    # its seller: ListChannels, not ChannelBalance (all channels' sums, not the seller's)
    assert "uri:/lnrpc.Lightning/ListChannels" in BUYER_PERMISSIONS
    without = parse(bake(sorted(BUYER_PERMISSIONS - {"uri:/lnrpc.Lightning/ListChannels"})))
    assert without.missing_for("buyer") == ["uri:/lnrpc.Lightning/ListChannels"]
    # (with invoices:write for the refund invoice, issue 19)
    coarse = parse(bake(["offchain:read", "offchain:write", "info:read", "invoices:write"]))
    assert coarse.missing_for("buyer") == []
