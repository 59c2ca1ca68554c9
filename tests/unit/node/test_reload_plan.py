"""What a reload may change in a running seller (issue 18), decided before anything
changes (:func:`gridnode.node.reload.plan_reload`): tariffs and buyers are applied, a
buyer's meter, relay or key is not (a restart), a new buyer needs a meter the node reads
and may not take what a leaving buyer still uses, and what only a restart applies is
named."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.settings import SellerSettings, load_settings
from gridnode.identity import Role, create_identity
from gridnode.node.reload import ReloadRefusedError, plan_reload
from tests.support.node_config import BUYER, SELLER, buyer_settings, write

METERS = {"tenant-1", "tenant-2"}

SECOND_METER = """
[[hardware.meters]]
id = "tenant-2"
model = "sdm120"
address = 2
"""


#: The running node's file: two meters on its bus, one buyer.
BASE = SELLER.replace("[[buyers]]", SECOND_METER + "\n[[buyers]]", 1)


def _with_second_buyer(folder: Path, text: str = BASE) -> str:
    identity = create_identity(folder / "tenant-2", Role.BUYER)
    buyer = f"""
[[buyers]]
name = "tenant-2"
fingerprint = "{identity.fingerprint}"
certificate = "{identity.certificate_path}"
meter = "tenant-2"
relay = {{ kind = "modbus", address = 10, coil = 1 }}
"""
    head, terms = text.split("[terms]\n", 1)
    return head + buyer + "\n[terms]\n" + terms


def _settings(folder: Path, text: str, name: str = "node.toml") -> SellerSettings:
    """A configuration of the one node folder ``folder`` (as the file was, as it is)."""
    settings = load_settings(write(folder, text, name), env={})
    assert isinstance(settings, SellerSettings)
    return settings


def test_a_new_price_and_an_added_buyer_are_applied(tmp_path: Path) -> None:
    running = _settings(tmp_path, BASE)
    text = _with_second_buyer(tmp_path, BASE.replace("25_000_000", "26_000_000"))
    new = _settings(tmp_path, text, "new.toml")
    plan = plan_reload(running, new, meters=METERS)
    assert [b.name for b in plan.added] == ["tenant-2"]
    assert plan.removed == ()
    assert plan.terms is new.selling.terms
    assert plan.buyer_terms == {"tenant-1": None, "tenant-2": None}
    assert plan.restart_only == ()
    assert "added tenant-2" in plan.describe()


def test_a_removed_buyer_is_planned_as_removed(tmp_path: Path) -> None:
    text = _with_second_buyer(tmp_path)
    running = _settings(tmp_path, text)
    new = _settings(tmp_path, BASE, "new.toml")
    plan = plan_reload(running, new, meters=METERS)
    assert [b.name for b in plan.removed] == ["tenant-2"]
    assert "removed tenant-2 (closed at the end of the period)" in plan.describe()


def test_a_buyers_meter_relay_or_key_does_not_change_while_it_is_sold_to(
    tmp_path: Path,
) -> None:
    running = _settings(tmp_path, BASE)
    moved = BASE.replace("coil = 0", "coil = 3")
    with pytest.raises(ReloadRefusedError) as refused:
        plan_reload(running, _settings(tmp_path, moved, "new.toml"), meters=METERS)
    [problem] = refused.value.problems
    assert "buyers[0] (tenant-1): its relay changed, which needs a restart" in problem


def test_a_new_buyer_needs_a_meter_the_running_node_reads(tmp_path: Path) -> None:
    running = _settings(tmp_path, BASE)
    new = _settings(tmp_path, _with_second_buyer(tmp_path), "new.toml")
    with pytest.raises(ReloadRefusedError) as refused:
        plan_reload(running, new, meters={"tenant-1"})
    [problem] = refused.value.problems
    assert "buyers[1] (tenant-2).meter 'tenant-2' is not a meter the running node reads" in (
        problem
    )


def test_a_new_buyer_may_not_take_what_a_leaving_buyer_still_uses(tmp_path: Path) -> None:
    text = _with_second_buyer(tmp_path)
    running = _settings(tmp_path, text)
    leaving = running.selling.buyers[1]
    without = _settings(tmp_path, BASE, "new.toml")
    # tenant-2 was removed and still leaves; a newcomer on its meter waits for it
    newcomer = _with_second_buyer(tmp_path / "c").replace('name = "tenant-2"', 'name = "bob"')
    new = _settings(tmp_path, newcomer, "newer.toml")
    with pytest.raises(ReloadRefusedError) as refused:
        plan_reload(without, new, meters=METERS, leaving=[leaving])
    [problem] = refused.value.problems
    assert "the removed buyer tenant-2 still uses its meter or relay" in problem
    assert "'tenant-2 let go'" in problem


def test_what_only_a_restart_applies_is_named_and_a_role_change_is_refused(
    tmp_path: Path,
) -> None:
    running = _settings(tmp_path, BASE)
    moved = BASE.replace('listen = "0.0.0.0:7878"', 'listen = "0.0.0.0:7879"').replace(
        'host = "127.0.0.1:10009"', 'host = "127.0.0.1:10011"'
    )
    plan = plan_reload(running, _settings(tmp_path, moved, "new.toml"), meters=METERS)
    assert set(plan.restart_only) == {"lnd", "listen"}
    assert "lnd, listen changed and take effect at the next restart" in plan.describe()
    with pytest.raises(ReloadRefusedError) as refused:
        plan_reload(running, buyer_settings(tmp_path / "c", BUYER), meters=METERS)
    assert "a running seller stays a seller" in str(refused.value)
