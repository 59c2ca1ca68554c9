"""The cadence settings: exposure budgets both ways in [terms], the buyer's fee share
and its wait for payment in [limits], real-install defaults chosen by the storage
budget, and the routing fee limit the runner passes to the wallet."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import (
    AnySettings,
    BuyerSettings,
    SellerSettings,
    load_settings,
)
from gridnode.config.trade import REAL_INSTALL_PAYMENTS
from gridnode.money import Msat
from gridnode.node.runner import PaymentPolicy
from gridnode.trade.cadence import BYTES_PER_PAYMENT, Budgets, cadence, min_interval_ms
from gridnode.trade.evaluate import Acceptance, evaluate
from gridnode.trade.units import energy_at_power_mwh
from tests.support.node_config import BUYER, SELLER, example, write


def selling(settings: AnySettings) -> SellerSettings:
    assert isinstance(settings, SellerSettings)
    return settings


def buying(settings: AnySettings) -> BuyerSettings:
    assert isinstance(settings, BuyerSettings)
    return settings


PAYMENT_LINES = (
    "min_payment_msat",
    "max_payment_msat",
    "prepayment_msat",
    "prepayment_s",
    "deposit_msat",
)


def without_payment_terms(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(PAYMENT_LINES))


def test_terms_without_payment_fields_get_the_real_install_defaults(tmp_path: Path) -> None:
    settings = selling(load_settings(write(tmp_path, without_payment_terms(SELLER)), env={}))
    assert settings.selling.terms.payments == REAL_INSTALL_PAYMENTS


def test_the_unpaid_budget_is_read_in_msat_and_seconds(tmp_path: Path) -> None:
    text = SELLER.replace("[terms]\n", '[terms]\nunpaid_msat = 7_000\nunpaid_s = "2.5"\n')
    settings = selling(load_settings(write(tmp_path, text), env={}))
    assert settings.selling.terms.payments.unpaid == Msat(7_000)
    assert settings.selling.terms.payments.unpaid_ms == 2_500


def test_a_negative_unpaid_budget_is_refused_with_a_sentence(tmp_path: Path) -> None:
    text = SELLER.replace("[terms]\n", "[terms]\nunpaid_msat = -1\n")
    with pytest.raises(ConfigError, match="unpaid budget cannot be negative"):
        load_settings(write(tmp_path, text), env={})


def test_the_buyer_reads_its_fee_share_and_its_wait_for_payment(tmp_path: Path) -> None:
    text = BUYER.replace("[limits]\n", "[limits]\nmax_fee_ppm = 2_500\nmin_unpaid_s = 30\n")
    settings = buying(load_settings(write(tmp_path, text), env={}))
    assert settings.buying.limits.max_fee_ppm == 2_500
    assert settings.buying.limits.min_unpaid_ms == 30_000


def test_a_fee_share_above_the_whole_payment_is_refused(tmp_path: Path) -> None:
    text = BUYER.replace("[limits]\n", "[limits]\nmax_fee_ppm = 2_000_000\n")
    with pytest.raises(ConfigError, match="max_fee_ppm is a share in parts per million"):
        load_settings(write(tmp_path, text), env={})


@pytest.mark.parametrize(
    ("ppm", "amount", "limit"),
    [(10_000, 20_000, 200), (10_000, 999, 9), (0, 20_000, 0), (1_000_000, 5, 5)],
)
def test_the_fee_limit_is_the_share_of_the_payment_rounded_down(
    ppm: int, amount: int, limit: int
) -> None:
    assert PaymentPolicy(max_fee_ppm=ppm).fee_limit(Msat(amount)) == Msat(limit)


def test_the_example_buyer_accepts_the_example_sellers_terms(tmp_path: Path) -> None:
    seller = selling(load_settings(example(tmp_path / "s", "seller"), env={}))
    buyer = buying(load_settings(example(tmp_path / "b", "buyer"), env={}))
    limits = buyer.buying.limits
    offer = seller.selling.terms.offer(1_800_000_000_000, limits.expected_meter_id)
    assert isinstance(evaluate(offer, limits, 1_800_000_000_000), Acceptance)
    assert offer.payments == REAL_INSTALL_PAYMENTS  # the example shows the defaults


@pytest.mark.parametrize(("power_mw", "most_per_day"), [(2_000_000, 1_000), (300_000, 150)])
def test_the_real_install_defaults_keep_a_node_under_its_storage_budget(
    power_mw: int, most_per_day: int
) -> None:
    """At 300 sat/kWh and a 2 kW mean load: under 20 MB a day per node (raw LND growth
    per payment before compaction, plus the ledger), with a few cents exposed."""
    pay, price = REAL_INSTALL_PAYMENTS, Fraction(300_000)
    max_power = 7_360_000  # the example seller's 32 A at 230 V

    def window(cap: Msat, window_ms: int) -> Msat:
        energy = min(
            energy_at_power_mwh(power_mw, window_ms), energy_at_power_mwh(max_power, window_ms)
        )
        return min(cap, Msat(int(energy * price / 1_000_000)))

    budgets = Budgets(window(pay.prepayment, pay.prepayment_ms), window(pay.unpaid, pay.unpaid_ms))
    pace = cadence(
        power_mw=power_mw,
        price_msat_per_kwh=price,
        budgets=budgets,
        smallest=pay.min_payment,
        largest=pay.max_payment,
        min_interval_ms=min_interval_ms(20, BYTES_PER_PAYMENT),
    )
    assert pace.interval_ms is not None
    per_day = 86_400_000 // pace.interval_ms
    assert per_day <= most_per_day
    assert per_day * BYTES_PER_PAYMENT < 20_000_000
    assert pace.within_storage
    # a few cents at 100,000 USD/BTC (1 cent is 10 sat)
    assert pay.prepayment <= Msat(30_000)
    assert pay.unpaid <= Msat(20_000)
