"""Named tariffs (issue 18): ``[tariffs.NAME]`` tables, each a full terms table, and a
buyer's ``tariff = NAME``; the unnamed ``[terms]`` stays the default. A buyer naming a
tariff the file lacks, and a broken tariff, are refused with sentences naming the keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import SellerSettings, load_settings
from gridnode.money import Msat
from gridnode.trade.profiles import ConstantProfile
from tests.support.node_config import SELLER, example, filled_example, seller_settings, write

NIGHT = """
[tariffs.night]
period_s = 1800
max_payment_msat = 10_000
prepayment_msat = 20_000
prepayment_s = 5
deposit_msat = 50_000
voltage_min_v = "207"
voltage_nominal_v = "230"
voltage_max_v = "253"
current_max_a = "10"
tolerance_percent = "1.5"
tolerance_fixed_mwh = 10_000

[tariffs.night.profile]
kind = "constant"
zone = "Europe/Berlin"
price_msat_per_kwh = 200_000
"""

ON_NIGHT = SELLER.replace('meter = "tenant-1"\n', 'meter = "tenant-1"\ntariff = "night"\n')


def test_a_buyer_naming_a_tariff_is_sold_on_it_and_the_default_stays_terms(
    tmp_path: Path,
) -> None:
    settings = seller_settings(tmp_path, ON_NIGHT + NIGHT)
    selling = settings.selling
    [buyer] = selling.buyers
    assert buyer.tariff == "night"
    night = selling.terms_for(buyer)
    assert night is selling.tariffs["night"]
    assert night.period_ms == 1_800_000
    assert night.payments.initial_deposit == Msat(50_000)
    assert isinstance(night.profile, ConstantProfile)
    assert selling.terms.period_ms == 3_600_000  # [terms] unchanged: the default


def test_without_a_tariff_a_buyer_is_sold_on_terms(tmp_path: Path) -> None:
    selling = seller_settings(tmp_path, SELLER + NIGHT).selling
    [buyer] = selling.buyers
    assert buyer.tariff == ""
    assert selling.terms_for(buyer) is selling.terms
    assert set(selling.tariffs) == {"night"}


def test_a_buyer_naming_an_unknown_tariff_is_a_mistake_naming_the_tariffs(
    tmp_path: Path,
) -> None:
    text = ON_NIGHT.replace('tariff = "night"', 'tariff = "nite"') + NIGHT
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    [problem] = caught.value.problems
    assert "buyers[0].tariff names 'nite', which is not a tariff of this file" in problem
    assert "(its tariffs: night)" in problem
    assert "[tariffs.nite]" in problem


def test_a_broken_tariff_is_refused_with_its_own_keys(tmp_path: Path) -> None:
    broken = (
        NIGHT.replace("period_s = 1800", 'period_s = "half an hour"')
        .replace('current_max_a = "10"', 'current_max_a = "10"\ncolour = "blue"')
        .replace('kind = "constant"', 'kind = "hourly"')
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, ON_NIGHT + broken), env={})
    text = "\n".join(caught.value.problems)
    assert "tariffs.night.period_s must be a whole number" in text
    assert "tariffs.night.colour is not a setting gridnode knows" in text
    assert "tariffs.night.profile.kind must be one of" in text
    assert "buyers[0].tariff" not in text  # the tariff exists; its own keys are the fault


def test_a_tariff_that_is_not_a_table_is_a_mistake(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, SELLER + "\n[tariffs]\nnight = 3\n"), env={})
    assert any("tariffs.night must be a table of terms" in p for p in caught.value.problems)


def test_tariffs_is_a_sellers_setting(tmp_path: Path) -> None:
    from tests.support.node_config import BUYER

    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, BUYER + NIGHT), env={})
    assert any("tariffs is a seller's setting" in p for p in caught.value.problems)


def test_the_examples_commented_tariff_loads_once_uncommented(tmp_path: Path) -> None:
    lines, inside = [], False
    for line in filled_example("seller").splitlines():
        inside = (inside and bool(line)) or line.startswith("# [tariffs.night]")
        if inside or line.startswith("# tariff = "):
            line = line.removeprefix("# ")
        lines.append(line)
    text = "\n".join(lines)
    assert "\n[tariffs.night]\n" in text
    assert '\ntariff = "night"' in text
    path = example(tmp_path, "seller")
    path.write_text(text)
    settings = load_settings(path, env={})
    assert isinstance(settings, SellerSettings)
    [buyer] = settings.selling.buyers
    assert settings.selling.terms_for(buyer) is settings.selling.tariffs["night"]
