"""Every table of a node's configuration refuses a key it does not know: a typo is a
sentence naming it, never a setting silently left at its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridnode.config.reader import ConfigError
from gridnode.config.settings import load_settings
from tests.support.node_config import BUYER, SELLER, write

#: (configuration, the line after which the typo goes, the typo's dotted name)
TABLES = [
    (SELLER, "[hardware.bus]\n", "hardware.bus.gapms"),
    (SELLER, "[[hardware.meters]]\n", "hardware.meters[0].slave"),
    (SELLER, "[hardware.watchdog]\n", "hardware.watchdog.timeout_ms"),
    (SELLER, "[lnd]\n", "lnd.hots"),
    (SELLER, "[[buyers]]\n", "buyers[0].relays"),
    (SELLER, "[terms]\n", "terms.deposit_sat"),
    (SELLER, "[terms.profile]\n", "terms.profile.price"),
    (SELLER, "[terms]\n", "terms.policy.cutoff", "[terms.policy]\ncutoff = 1\n"),
    (SELLER, "[terms]\n", "link.heartbeat_s", "[link]\nheartbeat_s = 1\n"),
    (BUYER, 'role = "buyer"\n', "require_clocksync"),
    (BUYER, "[seller]\n", "seller.adress"),
    (BUYER, "[limits]\n", "limits.max_deposit"),
    (BUYER, "[limits.ceiling]\n", "limits.ceiling.prize"),
    (BUYER, 'role = "buyer"\n', "rate_feed_curve.secret", "[rate_feed_curve]\nsecret = 1\n"),
    (BUYER, 'role = "buyer"\n', "mqtt.retian", '[mqtt]\nurl = "mqtt://b"\nretian = 1\n'),
]


@pytest.mark.parametrize("case", TABLES, ids=[case[2] for case in TABLES])
def test_a_typo_in_any_table_is_one_sentence_naming_it(
    tmp_path: Path, case: tuple[str, ...]
) -> None:
    text, after, name = case[:3]
    table = case[3] if len(case) > 3 else None
    key = name.rsplit(".", 1)[-1]
    if table is None:
        changed = text.replace(after, f"{after}{key} = 1\n", 1)
    else:
        changed = text + "\n" + table  # a table of its own, at the end of the file
    assert changed != text
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, changed), env={})
    expected = re.escape(name) + r" is not a setting (gridnode knows|of )"
    assert [p for p in caught.value.problems if re.match(expected, p)], caught.value.problems


def test_a_typo_in_a_buyers_relay_and_a_time_of_use_block_is_reported(tmp_path: Path) -> None:
    text = SELLER.replace("coil = 0 }", "coil = 0, slave = 3 }")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.problems == [
        'buyers[0].relay.slave is not a setting of a "modbus" relay (kind, address, coil)'
    ]
    text = BUYER.replace("price_msat_per_kwh = 60_000_000 }", "price_msat_per_kwh = 1, day = 1 }")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.problems == [
        "limits.ceiling.blocks[0].day is not a setting gridnode knows (a typo?)"
    ]


def test_the_other_roles_settings_are_named_as_such(tmp_path: Path) -> None:
    text = 'rate_feed = "tcp://127.0.0.1:5556"\n' + SELLER
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.problems == [
        "rate_feed is a buyer's setting, but this file has role = 'seller'"
    ]


def test_a_buyers_modbus_relay_without_a_coil_is_a_mistake(tmp_path: Path) -> None:
    text = SELLER.replace(", coil = 0 }", " }")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert caught.value.problems == [
        "buyers[0].relay.coil is missing (the relay board's coil that switches it, from 0)"
    ]
