"""Tariffs changed live (issue 18 §1), end to end on regtest: a seller process with two
buyers reads its configuration again on SIGHUP. A file with a mistake changes nothing
(the next renewals keep the old tariff, the seller's status says why, both keep
trading); once fixed, each buyer's next renewal carries its new tariff: a named
``[tariffs.night]`` for one, the changed default ``[terms]`` for the other. Then one
buyer is removed from the file: its session ends with its period and the seller pays
its unused credit back, while the other trades on."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridnode.demo.configs import DemoTerms
from gridnode.demo.run import DemoHarness
from gridnode.status.client import subscribe
from gridnode.trade import codec
from gridnode.trade.messages import RenewalMessage
from gridnode.trade.profiles import ConstantProfile, RateProfile
from tests.support.regtest.node_harness import (
    harness,
    network_down,
    now_ms,
    relay_on,
    rows,
    wait_until,
)

pytestmark = pytest.mark.regtest

PERIOD_S = 20
NIGHT, DEFAULT = 120_000, 180_000


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoHarness]:
    made = harness(tmp_path, buyers=2, terms=DemoTerms(period_s=PERIOD_S))
    try:
        yield made
    finally:
        made.stop()
        network_down(made)


def renewals_since(ledger: Path, since_ms: int) -> list[tuple[int, RateProfile]]:
    """(received at, rate profile) of every renewal a buyer received since ``since_ms``."""
    found = []
    sql = f"SELECT at_ms, data FROM journal WHERE kind = 'frame_received' AND at_ms > {since_ms}"
    for at_ms, data in rows(ledger, sql):
        body = codec.decode(bytes(data)).envelope.body
        if isinstance(body, RenewalMessage):
            found.append((at_ms, body.offer.profile))
    return found


def seller_warnings(demo: DemoHarness) -> list[str]:
    assert demo.parts is not None

    async def first() -> list[str]:
        async for status in subscribe(demo.parts.seller.status_socket):  # type: ignore[union-attr]
            return list(status.warnings)
        return []

    return asyncio.run(first())


def with_tariffs(text: str) -> str:
    """The demo's seller file with a [tariffs.night] for buyer-1 and a constant default."""
    head, terms = text.split("[terms]\n", 1)
    terms_keys, profile = terms.split("[terms.profile]\n", 1)
    rest = profile.split("\n\n", 1)[1] if "\n\n" in profile else ""
    constant = 'kind = "constant"\nzone = "UTC"\nprice_msat_per_kwh = {}\n'
    head = head.replace('name = "buyer-1"\n', 'name = "buyer-1"\ntariff = "night"\n')
    night_keys = terms_keys.replace("[terms.policy]", "[tariffs.night.policy]")
    return (
        f"{head}[terms]\n{terms_keys}[terms.profile]\n{constant.format(DEFAULT)}\n"
        f"[tariffs.night]\n{night_keys}[tariffs.night.profile]\n{constant.format(NIGHT)}\n"
        f"{rest}"
    )


def without_buyer(text: str, name: str) -> str:
    """The seller's file without the [[buyers]] table of ``name``."""
    head, found, rest = text.partition(f'[[buyers]]\nname = "{name}"\n')
    assert found
    return head + rest.split("\n\n", 1)[1]


def test_a_tariff_change_by_sighup_reaches_each_buyer_at_its_next_renewal(
    demo: DemoHarness,
) -> None:
    parts = demo.start()
    seller_pid = parts.processes["seller"].pid
    wait_until(demo, "both relays on", lambda: relay_on(demo, 0) and relay_on(demo, 1), 120)
    config = parts.seller.config
    original = config.read_text()
    good = with_tariffs(original)

    # a file with a mistake: nothing changes, and the seller says why
    config.write_text(good.replace('tariff = "night"', 'tariff = "nite"'))
    broken_at = now_ms()
    os.kill(seller_pid, signal.SIGHUP)
    wait_until(
        demo,
        "the seller reports the broken file",
        lambda: any("changed nothing" in w and "nite" in w for w in seller_warnings(demo)),
        30,
    )
    for buyer in parts.buyers:

        def renewed(ledger: Path = buyer.ledger) -> bool:
            return bool(renewals_since(ledger, broken_at))

        wait_until(demo, f"{buyer.name} renews", renewed, 2 * PERIOD_S)
        for _, profile in renewals_since(buyer.ledger, broken_at):
            assert not isinstance(profile, ConstantProfile)  # still the daily table
    assert parts.processes["seller"].is_running()  # it runs on

    # fixed: each buyer's next renewal carries its new tariff
    config.write_text(good)
    fixed_at = now_ms()
    os.kill(seller_pid, signal.SIGHUP)
    wait_until(
        demo,
        "the warning clears",
        lambda: not any("changed nothing" in w for w in seller_warnings(demo)),
        30,
    )
    expected = {"buyer-1": NIGHT, "buyer-2": DEFAULT}
    for buyer in parts.buyers:

        def renewed_on_the_new_tariff(ledger: Path = buyer.ledger) -> bool:
            return any(isinstance(p, ConstantProfile) for _, p in renewals_since(ledger, fixed_at))

        wait_until(
            demo, f"{buyer.name} renews on its tariff", renewed_on_the_new_tariff, 2 * PERIOD_S + 10
        )
        prices = [
            int(p.price_msat_per_kwh)
            for _, p in renewals_since(buyer.ledger, fixed_at)
            if isinstance(p, ConstantProfile)
        ]
        assert set(prices) == {expected[buyer.name]}
    # both kept trading throughout: the renewals were accepted, the supply stays on
    assert relay_on(demo, 0)
    assert relay_on(demo, 1)

    # buyer-2 removed: closed at the end of its period, its credit paid back
    config.write_text(without_buyer(good, "buyer-2"))
    removed_at = now_ms()
    os.kill(seller_pid, signal.SIGHUP)
    gone = parts.buyers[1]
    paid = (
        "SELECT credit_msat, hex(preimage) FROM credit_notes WHERE state = 'paid'"
        f" AND credit_msat > 0 AND noted_at_ms > {removed_at}"
    )
    wait_until(
        demo, "buyer-2 is paid back", lambda: bool(rows(gone.ledger, paid)), 2 * PERIOD_S + 20
    )
    [(credit, preimage)] = rows(gone.ledger, paid)
    assert (credit, preimage) in rows(parts.seller.ledger, paid)  # both books agree
    closed = rows(
        gone.ledger,
        f"SELECT text FROM journal WHERE kind = 'state' AND at_ms > {removed_at}"
        " AND text LIKE 'closed:%removed%'",
    )
    assert closed
    assert not relay_on(demo, 1)
    assert relay_on(demo, 0)  # the other buyer trades on
