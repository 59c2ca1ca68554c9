"""Least-privilege macaroons: the permissions gridnode reads agree with LND's own
`lncli printmacaroon`, and each role's bake is enough for everything that role does."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gridnode.money import Msat
from gridnode.regtest.daemons import LndNode, bin_dir
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet import macaroon
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.lnd_connect import LndConnection
from gridnode.wallet.port import PaymentHash, PaymentStatus, WalletAuthError

pytestmark = pytest.mark.regtest


def lncli(node: LndNode, *args: str) -> dict[str, Any]:
    """What lncli printed: a JSON document."""
    out = subprocess.run(
        [str(bin_dir() / "lncli"), *node.lncli_args(), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


def bake(node: LndNode, role: str, path: Path) -> Path:
    permissions = sorted(macaroon.ROLE_PERMISSIONS[role])
    subprocess.run(
        [
            str(bin_dir() / "lncli"),
            *node.lncli_args(),
            "bakemacaroon",
            "--save_to",
            str(path),
            *permissions,
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return path


@pytest.mark.parametrize("name", ["admin", "invoice", "readonly"])
def test_permissions_read_from_lnd_macaroons_match_lncli(
    regtest_network: RegtestNetwork, name: str
) -> None:
    node = regtest_network.nodes[0]
    path = node.macaroon_dir / f"{name}.macaroon"
    printed = lncli(node, "printmacaroon", "--macaroon_file", str(path))
    assert macaroon.parse(path.read_bytes()).permissions == set(printed["permissions"])


def test_admin_macaroon_is_refused_for_either_role(regtest_network: RegtestNetwork) -> None:
    admin = macaroon.parse(regtest_network.nodes[0].admin_macaroon.read_bytes())
    for role in ("seller", "buyer"):
        with pytest.raises(macaroon.MacaroonError, match="more than a"):
            macaroon.check_role(admin, role)


async def test_each_roles_bake_does_its_whole_job_and_nothing_more(
    regtest_network: RegtestNetwork, tmp_path: Path
) -> None:
    seller_node, buyer_node = regtest_network.nodes
    seller_mac = bake(seller_node, "seller", tmp_path / "seller.macaroon")
    buyer_mac = bake(buyer_node, "buyer", tmp_path / "buyer.macaroon")
    macaroon.check_role(macaroon.parse(seller_mac.read_bytes()), "seller")
    macaroon.check_role(macaroon.parse(buyer_mac.read_bytes()), "buyer")
    regtest_network.expect_log_errors(r"permission denied")

    seller_conn = LndConnection.from_files(seller_node.grpc_host, seller_node.tls_cert, seller_mac)
    buyer_conn = LndConnection.from_files(buyer_node.grpc_host, buyer_node.tls_cert, buyer_mac)
    async with LndWallet(seller_conn) as seller, LndWallet(buyer_conn) as buyer:
        assert (await seller.node_info()).pubkey == seller_node.pubkey
        assert (await buyer.node_info()).pubkey == buyer_node.pubkey
        await seller.balances()
        # each sees the direct channel between them (the doctor, the liquidity watch)
        assert [c.remote_pubkey for c in await buyer.channels()] == [seller_node.pubkey]
        assert [c.remote_pubkey for c in await seller.channels()] == [buyer_node.pubkey]

        start = max(i.settle_index for i in await seller.list_invoices())
        invoice = await seller.create_invoice(Msat(9_000), "least privilege", 600)
        assert (await buyer.decode_invoice(invoice.bolt11)).amount == Msat(9_000)
        paid = await buyer.pay_invoice(invoice.bolt11, Msat(1_000), timeout_s=30)
        assert paid.status is PaymentStatus.SUCCEEDED
        assert (await buyer.track_payment(invoice.payment_hash, 5)).succeeded
        settled = await anext(seller.settled_invoices(start))
        assert settled.payment_hash == invoice.payment_hash
        assert await buyer.delete_payments([invoice.payment_hash]) == 1

        preimage = os.urandom(32)
        payment_hash = PaymentHash(hashlib.sha256(preimage).digest())
        await seller.create_hold_invoice(payment_hash, Msat(5_000), "deposit", 600, 40)
        await seller.cancel_invoice(payment_hash)
        await seller.delete_canceled_invoice(payment_hash)

        # unused credit goes back (issue 19): the buyer invoices it, the seller pays it
        refund = await buyer.create_invoice(Msat(2_000), "gridnode refund", 600)
        back = await seller.pay_invoice(refund.bolt11, Msat(1_000), timeout_s=30)
        assert back.status is PaymentStatus.SUCCEEDED
        assert (await seller.track_payment(refund.payment_hash, 5)).succeeded

        # ... and nothing more: the buyer cannot cancel an invoice nor read its channel
        # balances (no buyer code needs them), the seller cannot delete a payment.
        with pytest.raises(WalletAuthError):
            await buyer.cancel_invoice(refund.payment_hash)
        with pytest.raises(WalletAuthError):
            await buyer.balances()
        with pytest.raises(WalletAuthError):
            await seller.delete_payments([refund.payment_hash])


@pytest.mark.parametrize("role", ["seller", "buyer"])
@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "over-a-0644-file"])
def test_the_documented_bake_line_leaves_the_macaroon_to_its_user(
    regtest_network: RegtestNetwork, tmp_path: Path, role: str, existing: bool
) -> None:
    """The README's line, run by a shell as a person runs it (lncli pointed at the node),
    writes a macaroon of mode 0600 that the node accepts for the role: new, and over an
    old file lncli would otherwise keep at 0644."""
    node = regtest_network.nodes[0]
    lncli = " ".join(shlex.quote(a) for a in [str(bin_dir() / "lncli"), *node.lncli_args()])
    line = macaroon.BAKE_COMMANDS[role].replace("lncli ", f"{lncli} ", 1)
    path = tmp_path / f"{role}.macaroon"
    if existing:
        path.write_bytes(b"an old macaroon")
        path.chmod(0o644)
    subprocess.run(["sh", "-c", line], cwd=tmp_path, check=True, timeout=60)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    macaroon.check_role(macaroon.parse(path.read_bytes()), role)
