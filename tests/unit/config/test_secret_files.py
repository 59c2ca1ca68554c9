"""A secret the node reads that others on the machine can read is a warning naming the
file and the fix (issue 16): the macaroon (a buyer's pays from its LND), the rate feed's
CurveZMQ secret key, the load agent's. The node starts (nothing is wrong with the
configuration itself), logs the sentence and lists it in its status snapshot. LND's
tls.cert is public by design; the node's own key readable by others is refused."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from gridnode.config.loads import load_loads_settings
from gridnode.config.reader import ConfigError
from gridnode.config.settings import load_settings
from gridnode.identity import KEY_FILE
from gridnode.ratefeed.keys import new_pair, write_pair
from tests.support.node import trading_pair
from tests.support.node_config import BUYER, SELLER, write

#: A load agent's configuration without curve keys (a test adds them).
LOADS = """
zone = "Europe/Berlin"

[feed]
endpoint = "tcp://127.0.0.1:5556"
silence_s = 30

[[loads]]
name = "water heater"
relay = { kind = "gpio", pin = 17 }
on_below_msat_per_kwh = 150000
off_above_msat_per_kwh = 200000
power_w = 3000
"""


def _mode(path: Path, mode: int) -> None:
    path.chmod(mode)
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.parametrize(("text", "name"), [(SELLER, "seller"), (BUYER, "buyer")])
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_macaroon_others_can_read_is_named_with_the_fix(
    tmp_path: Path, text: str, name: str, mode: int
) -> None:
    config = write(tmp_path, text)
    macaroon = tmp_path / f"{name}.macaroon"
    _mode(macaroon, mode)
    _mode(tmp_path / "tls.cert", 0o644)  # public by design: never a warning
    warnings = load_settings(config, env={}).warnings
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"lnd.macaroon: {macaroon} is readable by other users")
    assert f"(mode {mode:03o})" in warnings[0]
    assert warnings[0].endswith(f"chmod 600 {macaroon}")


def test_a_macaroon_only_the_node_reads_is_no_warning(tmp_path: Path) -> None:
    config = write(tmp_path, SELLER)
    _mode(tmp_path / "seller.macaroon", 0o600)
    assert load_settings(config, env={}).warnings == ()


def test_the_rate_feeds_secret_key_others_can_read_is_named(tmp_path: Path) -> None:
    write_pair(new_pair(), tmp_path, "feed")
    write_pair(new_pair(), tmp_path, "loads")
    curve = '[rate_feed_curve]\nsecret_key = "feed.key_secret"\nallowed_clients = ["loads.key"]\n'
    text = BUYER + "\n" + curve
    config = write(tmp_path, text)
    _mode(tmp_path / "buyer.macaroon", 0o600)
    secret = tmp_path / "feed.key_secret"
    assert load_settings(config, env={}).warnings == ()  # written 0600 by 'keys curve'
    _mode(secret, 0o644)
    (warning,) = load_settings(config, env={}).warnings
    assert warning.startswith(f"rate_feed_curve.secret_key: {secret} is readable by other users")
    assert warning.endswith(f"chmod 600 {secret}")


def test_the_load_agents_secret_key_others_can_read_is_named(tmp_path: Path) -> None:
    write_pair(new_pair(), tmp_path, "feed")
    write_pair(new_pair(), tmp_path, "loads")
    secret = tmp_path / "loads.key_secret"
    _mode(secret, 0o640)
    text = LOADS.replace(
        "silence_s = 30",
        'silence_s = 30\nserver_key = "feed.key"\nsecret_key = "loads.key_secret"',
    )
    config = tmp_path / "loads.toml"
    config.write_text(text)
    (warning,) = load_loads_settings(config, env={}).warnings
    assert warning.startswith(f"feed.secret_key: {secret} is readable by other users")


def test_the_nodes_own_key_readable_by_others_is_refused_not_warned(tmp_path: Path) -> None:
    config = write(tmp_path, SELLER)
    _mode(tmp_path / KEY_FILE, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_settings(config, env={})


async def test_the_node_logs_them_at_start_and_lists_them_in_its_status(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warning = "lnd.macaroon: /x/seller.macaroon is readable by other users (mode 644), ..."
    pair = await trading_pair(tmp_path)
    pair.seller.config_warnings = (warning,)  # what build_runtime passes from the settings
    with caplog.at_level(logging.WARNING, logger="gridnode.node"):
        await pair.start()
    assert warning in caplog.messages
    assert warning in pair.seller.snapshot().warnings
    assert warning not in pair.buyer.snapshot().warnings
    await pair.shutdown()
