"""Three-phase terms and limits, and CT meters, in a node's configuration: the keys load
into the trade engine's types, and every mistake is one sentence naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.hardware.profile import load_profile
from tests.support.node_config import BUYER, SELLER, write

THREE_PHASE_TERMS = """phases = 3
phase_current_max_a = ["16", "16", "10"]
imbalance_max_a = "10"
neutral_current_max_a = "12.5"
frequency_min_hz = "49.5"
frequency_max_hz = "50.5"
grace_s = "1.5"
"""

THREE_PHASE_LIMITS = """phases = 3
phase_current_needed_a = ["10", "10", "6"]
imbalance_needed_a = "8"
neutral_needed_a = "8"
frequency_min_hz = 49
frequency_max_hz = 51
"""


def _seller(tmp_path: Path, terms: str) -> SellerSettings:
    text = SELLER.replace("[terms]\n", "[terms]\n" + terms, 1)
    settings = load_settings(write(tmp_path, text), env={})
    assert isinstance(settings, SellerSettings)
    return settings


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    return caught.value.problems


def test_three_phase_terms_load_into_the_electrical_guarantees(tmp_path: Path) -> None:
    electrical = _seller(tmp_path, THREE_PHASE_TERMS).selling.terms.electrical
    assert electrical.phases == 3
    assert electrical.phase_current_max_ma == (16_000, 16_000, 10_000)
    assert (electrical.imbalance_max_ma, electrical.neutral_current_max_ma) == (10_000, 12_500)
    assert (electrical.frequency_min_mhz, electrical.frequency_max_mhz) == (49_500, 50_500)
    assert electrical.grace_ms == 1_500


def test_without_the_new_keys_the_terms_limit_nothing_more(tmp_path: Path) -> None:
    electrical = _seller(tmp_path, "").selling.terms.electrical
    assert electrical.phase_current_max_ma == ()
    assert (electrical.imbalance_max_ma, electrical.neutral_current_max_ma) == (0, 0)
    assert not electrical.guarantees_frequency
    assert electrical.grace_ms == 1_000  # a poll and a tick under the buyer's 2 s


def test_three_phase_limits_load_into_the_buyer_limits(tmp_path: Path) -> None:
    text = BUYER.replace("[limits]\n", "[limits]\n" + THREE_PHASE_LIMITS, 1)
    settings = load_settings(write(tmp_path, text), env={})
    assert isinstance(settings, BuyerSettings)
    limits = settings.buying.limits
    assert limits.phases == 3
    assert limits.phase_current_needed_ma == (10_000, 10_000, 6_000)
    assert (limits.imbalance_needed_ma, limits.neutral_needed_ma) == (8_000, 8_000)
    assert (limits.frequency_min_mhz, limits.frequency_max_mhz) == (49_000, 51_000)


@pytest.mark.parametrize(
    ("terms", "sentence"),
    [
        (
            'phases = 3\nphase_current_max_a = ["16", "16"]\n',
            "terms.phase_current_max_a names 2 current(s); with phases = 3 it needs one per "
            "phase, L1 first",
        ),
        (
            'phases = 3\nphase_current_max_a = ["16", "20", "10"]\n',
            "terms.phase_current_max_a[1] (L2) is 20 A; it must be above 0 A and at most "
            "current_max_a (16 A)",
        ),
        ('imbalance_max_a = "-1"\n', "terms.imbalance_max_a cannot be negative, not -1 A"),
        ('frequency_min_hz = "49.5"\n', "terms.frequency_max_hz is missing"),
        (
            'frequency_min_hz = "51"\nfrequency_max_hz = "49"\n',
            "terms.frequency_min_hz and frequency_max_hz must be above 0 Hz with the minimum "
            "at most the maximum, not 51 and 49 Hz",
        ),
        ("grace_s = -1\n", "terms.grace_s"),
    ],
)
def test_each_mistake_is_one_sentence_naming_the_key(
    tmp_path: Path, terms: str, sentence: str
) -> None:
    problems = _problems(tmp_path, SELLER.replace("[terms]\n", "[terms]\n" + terms, 1))
    assert any(p.startswith(sentence) for p in problems), problems


def test_a_ct_meter_takes_its_transformers_ratio_both_or_neither(tmp_path: Path) -> None:
    ct = 'model = "sdm630mct"\naddress = 1\nct_primary_a = 200\nct_secondary_a = 5\n'
    text = SELLER.replace('model = "sdm120"\naddress = 1\n', ct, 1)
    settings = load_settings(write(tmp_path, text), env={})
    (meter,) = settings.hardware.meters
    assert meter.ct == (200, 5)
    assert meter.profile_of(load_profile(meter.model)).ct_ratio == 40
    half = SELLER.replace(
        'model = "sdm120"\naddress = 1\n',
        'model = "sdm630mct"\naddress = 1\nct_primary_a = 200\n',
        1,
    )
    assert any(
        p.startswith("hardware.meters[0].ct_secondary_a is missing")
        for p in _problems(tmp_path, half)
    )
