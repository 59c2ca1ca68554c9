"""The node's storage hygiene task: LND records of proven payments only, the raw window
at most hourly, a storage sample each round; one failing step never stops the others."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import load_settings
from gridnode.ledger import JournalEntry, Ledger
from gridnode.money import Msat
from gridnode.node.pruning import Pruner
from gridnode.node.storage import DAY_MS, MB, StorageWatch
from gridnode.wallet.port import PaymentHash, WalletError
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.node_config import BUYER, write
from tests.support.wallet import FakeLightning, FakeWallet


class BrokenWallet(FakeWallet):
    async def delete_payments(self, payment_hashes: Sequence[PaymentHash]) -> int:
        raise WalletError("LND is restarting")


async def _paid(ledger: Ledger, seller: FakeWallet, buyer: FakeWallet, n: int) -> bytes:
    invoice = await seller.create_invoice(Msat(100 + n), "step", 600)
    h = invoice.payment_hash.value
    await ledger.payments.started("s", h, invoice.bolt11, Msat(100 + n), n)
    result = await buyer.pay_invoice(invoice.bolt11, Msat(0), 5)
    assert result.preimage is not None
    await ledger.payments.succeeded(h, n, result.preimage.value, result.fee)
    return h


async def test_a_payment_lnd_holds_but_the_ledger_does_not_is_never_deleted(
    tmp_path: Path,
) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s", "f" * 64, "m", 0)
    ours = await _paid(ledger, seller, buyer, 1)
    outside = await seller.create_invoice(Msat(7), "paid by hand with lncli", 600)
    await buyer.pay_invoice(outside.bolt11, Msat(0), 5)  # not in the ledger
    await Pruner(ledger, buyer).once()
    assert set(buyer.payments) == {outside.payment_hash.value}
    assert ours not in buyer.payments
    await ledger.close()


async def test_the_raw_window_runs_hourly_and_a_broken_wallet_does_not_stop_it(
    tmp_path: Path,
) -> None:
    lightning = FakeLightning()
    seller, buyer = FakeWallet(lightning, "seller"), BrokenWallet(lightning, "buyer")
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s", "f" * 64, "m", 0)
    await _paid(ledger, seller, buyer, 1)
    clock = VirtualClock(start_ms=10 * DAY_MS)
    sizes = [(0, 10**12)]

    def measure(paths: Sequence[Path]) -> tuple[int, int]:
        return sizes[-1]

    watch = StorageWatch([ledger.path], 20, clock.now_ms, measure=measure)
    pruner = Pruner(ledger, buyer, raw_window_days=7, storage=watch, clock=clock)
    await heartbeat(ledger, 2 * DAY_MS, 2)
    await heartbeat(ledger, 9 * DAY_MS, 3)
    await pruner.once()
    assert pruner.raw_deleted == 1  # the one older than a week
    # LND could not delete: it stays to retry
    assert await ledger.payments.unpruned(10) != []
    await heartbeat(ledger, 2 * DAY_MS, 4)
    await clock.advance(60)
    sizes.append((200 * MB, 10**12))  # 200 MB in a minute
    await pruner.once()
    assert pruner.raw_deleted == 1  # not again within the hour
    await clock.advance(3600)
    await pruner.once()
    assert pruner.raw_deleted == 2
    assert pruner.warnings
    assert "above the budget" in pruner.warnings[0]
    await ledger.close()


async def heartbeat(ledger: Ledger, at_ms: int, seq: int) -> None:
    await ledger.sessions.journal(JournalEntry("s", "frame_sent", at_ms, f"sent heartbeat #{seq}"))


async def test_the_node_pruner_measures_the_ledger_and_lnd_with_the_configured_budget(
    tmp_path: Path,
) -> None:
    storage = 'storage_budget_mb_per_day = 5\nledger_raw_window_days = 3\nlnd_data_dir = "lnd"\n'
    settings = load_settings(write(tmp_path, storage + BUYER), env={})
    ledger = await open_ledger(tmp_path / "ledger.sqlite", "buyer")
    pruner = Pruner.for_node(settings, ledger, FakeWallet(FakeLightning(), "buyer"))
    assert pruner.raw_window_days == 3
    assert pruner.storage is not None
    assert pruner.storage.paths == (tmp_path / "ledger.sqlite", tmp_path / "lnd")
    assert pruner.storage.trend.budget_bytes_per_day == 5 * MB
    await ledger.close()


def test_storage_settings_default_to_20_mb_a_day_and_a_week_of_raw_entries(
    tmp_path: Path,
) -> None:
    settings = load_settings(write(tmp_path, BUYER), env={})
    assert settings.storage_budget_mb_per_day == 20
    assert settings.ledger_raw_window_days == 7
    assert settings.lnd_data_dir is None


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("storage_budget_mb_per_day = 0", "storage_budget_mb_per_day"),
        ('storage_budget_mb_per_day = "lots"', "storage_budget_mb_per_day"),
        ("ledger_raw_window_days = -1", "ledger_raw_window_days"),
        ("lnd_data_dir = 3", "lnd_data_dir"),
    ],
)
def test_a_bad_storage_setting_is_a_sentence_naming_it(
    tmp_path: Path, line: str, problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        load_settings(write(tmp_path, line + "\n" + BUYER), env={})
    assert caught.value.exit_code == 2
