"""``gridnode liquidity`` on a node that sells and buys: each peer on its side (inbound
from its buyers, outbound to its sellers), named in the line and the JSON, with the
last day's spending read per side from the one ledger (invoices paid to it, payments
it made)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gridnode.cli.liquidity import _line, outlooks
from gridnode.config.battery_node import BatterySettings
from gridnode.config.settings import load_settings
from gridnode.ledger import InvoicePurpose, LedgerStore
from gridnode.liquidity.outlook import DAY_MS, LiquidityState
from gridnode.money import Msat
from tests.support.battery_config import battery_text, write_node
from tests.support.doctor import BUYER_NODE, SELLER_NODE, channel
from tests.support.node_config import FPR, SELLER, seller_settings

SAT = Msat.from_sat
NOW = 10 * DAY_MS


def battery(folder: Path) -> BatterySettings:
    text = battery_text().replace(
        "coil = 0 }\n", f'coil = 0 }}\nlightning_node = "{BUYER_NODE}"\n', 1
    )
    text = text.replace(
        'certificate = "seller.pem"\n',
        f'certificate = "seller.pem"\nlightning_node = "{SELLER_NODE}"\n',
        1,
    )
    settings = load_settings(write_node(folder, text), env={})
    assert isinstance(settings, BatterySettings)
    return settings


def ledger(path: Path) -> LedgerStore:
    """A battery node's ledger (a seller's): a session it sold on, paid 60k sat by its
    buyer over the last day, and one it bought on, paying its seller 20k sat (and 1 sat
    of fees); both peers pin the same support key, so only the side tells them apart."""
    store = LedgerStore.open(path, "seller")
    store.sessions.open("sold", FPR, "tenant-1", NOW - 3_600_000)
    store.invoices.created(
        "sold", b"s" * 32, "lnbcrt1", SAT(60_000), InvoicePurpose.PREPAYMENT, False, NOW - 1000
    )
    store.invoices.settled(b"s" * 32, 1, SAT(60_000), None, NOW - 500)
    store.sessions.open("bought", FPR, "inverter", NOW - 3_600_000)
    store.payments.started("bought", b"b" * 32, "lnbcrt2", SAT(20_000), NOW - 1000)
    store.payments.succeeded(b"b" * 32, NOW - 900, b"p" * 32, SAT(1))
    return store


def test_each_peer_is_watched_on_its_side_with_its_sides_spending(tmp_path: Path) -> None:
    settings = battery(tmp_path)
    channels = [channel(BUYER_NODE), channel(SELLER_NODE, local=SAT(110_000))]
    with ledger(tmp_path / "ledger.sqlite") as store:
        peers = outlooks(settings, channels, store, NOW)
    buyer, seller = peers
    assert (buyer.peer, buyer.side, buyer.direction) == ("tenant-1", "seller", "inbound")
    assert buyer.spent_last_day == SAT(60_000)
    assert buyer.room == SAT(490_000)
    assert buyer.state is LiquidityState.OK  # 8.2 days
    assert (seller.peer, seller.side, seller.direction) == ("seller", "buyer", "outbound")
    assert seller.spent_last_day == SAT(20_001)
    assert seller.room == SAT(100_000)
    assert seller.state is LiquidityState.LOW  # 5 days, under 7
    assert buyer.to_json()["side"] == "seller"
    assert seller.to_json()["side"] == "buyer"
    assert _line(buyer).startswith("tenant-1 (buyer): inbound room")
    assert _line(seller).startswith("seller (seller): outbound room")
    assert "under liquidity_warn_days = 7" in _line(seller)


def test_before_the_first_run_nothing_is_spent(tmp_path: Path) -> None:
    settings = battery(tmp_path)
    peers = outlooks(settings, [channel(BUYER_NODE), channel(SELLER_NODE)], None, NOW)
    assert [p.side for p in peers] == ["seller", "buyer"]
    assert all(p.days_left is None and p.state is LiquidityState.OK for p in peers)


def test_a_seller_still_sees_its_buyers_alone(tmp_path: Path) -> None:
    settings = seller_settings(
        tmp_path, SELLER.replace("coil = 0 }\n", f'coil = 0 }}\nlightning_node = "{BUYER_NODE}"\n')
    )
    with ledger(tmp_path / "other.sqlite") as store:
        (peer,) = outlooks(settings, [channel(BUYER_NODE)], store, NOW)
    assert (peer.peer, peer.side, peer.spent_last_day) == ("tenant-1", "seller", SAT(60_000))


def test_the_command_reads_a_battery_file(tmp_path: Path) -> None:
    """It gets past the configuration to LND (no refusal of the role: a configuration
    error's exit code is 2): no LND answers here, so it says that."""
    from gridnode.cli.liquidity import liquidity

    path = write_node(tmp_path, battery_text())
    result = CliRunner().invoke(liquidity, ["--config", str(path), "--json"])
    assert result.exit_code != 2, result.output
    assert "not supported" not in result.output
