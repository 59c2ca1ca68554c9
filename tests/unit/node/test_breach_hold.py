"""The buyer holds off a seller that breached (DESIGN.md invariant 4), for
``[limits] breach_hold_s`` from its latest breach in the ledger, so a restart does not
clear it; the hold shows as a warning on the status. The seller backs off after a
rejection."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.limits import DEFAULT_BREACH_HOLD_MS
from gridnode.config.settings import BuyerSettings, load_settings
from gridnode.errors import GridnodeError
from gridnode.money import Msat
from gridnode.node.breaches import breach_hold, latest_breach
from gridnode.node.seller_slot import (
    MAX_QUIET_AFTER_REJECTION_MS,
    quiet_after_close_ms,
    rejections_after,
)
from gridnode.trade.messages import Cause
from gridnode.trade.seller import SellerSession
from tests.support.ledger import open_ledger
from tests.support.node import trading_pair
from tests.support.node_config import BUYER, write
from tests.support.trade.worlds import seller_session

T0 = 1_795_000_000_000  # 2026-11-18 11:06:40 UTC
OVER_BILLED = "the seller claims 1050 mWh but the buyer's meter saw 1000 mWh"


def buyer_config(tmp_path: Path, hold: str | None) -> Path:
    text = BUYER if hold is None else BUYER.replace("[limits]\n", f"[limits]\n{hold}\n")
    return write(tmp_path, text)


def buyer_settings(path: Path) -> BuyerSettings:
    settings = load_settings(path, env={})
    assert isinstance(settings, BuyerSettings)
    return settings


def test_the_hold_defaults_to_an_hour_and_is_read_from_limits(tmp_path: Path) -> None:
    settings = buyer_settings(buyer_config(tmp_path, None))
    assert settings.buying.breach_hold_ms == DEFAULT_BREACH_HOLD_MS == 3_600_000
    for raw, ms in (("breach_hold_s = 0", 0), ('breach_hold_s = "90.5"', 90_500)):
        assert buyer_settings(buyer_config(tmp_path, raw)).buying.breach_hold_ms == ms


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("breach_hold_s = -5", "limits.breach_hold_s = -5 is negative"),
        ('breach_hold_s = "soon"', "limits.breach_hold_s must be a number"),
    ],
)
def test_a_bad_hold_is_refused_naming_the_field(tmp_path: Path, raw: str, words: str) -> None:
    with pytest.raises(GridnodeError) as caught:
        load_settings(buyer_config(tmp_path, raw), env={})
    assert words in str(caught.value)
    assert caught.value.exit_code == 2  # bad configuration


async def test_the_hold_runs_from_the_latest_breach_in_the_ledger(tmp_path: Path) -> None:
    ledger = await open_ledger(tmp_path / "ledger.sqlite", "buyer")
    assert await latest_breach(ledger) is None
    for n, at_ms in enumerate((T0 - 9_000, T0, T0 - 5_000)):
        await ledger.sessions.open(f"s{n}", "f" * 64, "m", at_ms)
        await ledger.evidence.breach(f"s{n}", "breach", f"breach {n}", at_ms)
    assert await latest_breach(ledger) == (T0, "breach 1")
    await ledger.close()
    reopened = await open_ledger(tmp_path / "ledger.sqlite", "buyer")  # a restart keeps it
    hold = breach_hold(await latest_breach(reopened), 3_600_000)
    await reopened.close()
    assert hold is not None
    assert hold.until_ms == T0 + 3_600_000
    assert hold.cause == "breach 1"
    assert hold.holds(T0 + 3_599_999)
    assert not hold.holds(T0 + 3_600_000)


def test_no_breach_or_a_zero_hold_holds_nothing() -> None:
    assert breach_hold(None, 3_600_000) is None
    assert breach_hold((T0, OVER_BILLED), 0) is None


async def test_a_hold_is_a_warning_in_the_buyers_snapshot_saying_until_when_and_why(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)  # the buyer holds off for an hour after a breach
    buyer = pair.buyer
    now = buyer.snapshot().at_ms
    pair.partner.last_breach = (now - 60_000, OVER_BILLED)
    warnings = [w for w in buyer.snapshot().warnings if "holds off" in w]
    until = breach_hold((now - 60_000, OVER_BILLED), 3_600_000)
    assert until is not None
    assert warnings == [
        f"refusing the seller's offers: this buyer holds off this seller until "
        f"{until.until_text()}: its last session ended in a breach ({OVER_BILLED})"
    ]
    pair.partner.last_breach = (now - 3_600_001, OVER_BILLED)  # the hold is over
    assert not [w for w in buyer.snapshot().warnings if "holds off" in w]
    await pair.close()


def test_the_seller_doubles_its_quiet_time_per_rejection_up_to_ten_minutes() -> None:
    assert quiet_after_close_ms(10_000, 0) == 10_000  # an accepted session: as before
    assert [quiet_after_close_ms(10_000, n) for n in (1, 2, 3)] == [20_000, 40_000, 80_000]
    assert quiet_after_close_ms(10_000, 7) == MAX_QUIET_AFTER_REJECTION_MS == 600_000
    assert quiet_after_close_ms(10_000, 10_000) == 600_000  # no overflow, no error
    assert quiet_after_close_ms(900_000, 1) == 900_000  # never below the configured quiet


def ended(cause: Cause, payment_size_msat: int) -> SellerSession:
    """A seller session that closed with ``cause`` after agreeing ``payment_size_msat``."""
    session = seller_session()
    session.close_cause = cause
    session.billing.payment_size = Msat(payment_size_msat)
    return session


def test_rejections_in_a_row_count_up_and_an_accepted_session_resets_them() -> None:
    rejected, accepted = ended(Cause.REJECTED, 0), ended(Cause.METER_DISAGREEMENT, 400)
    assert rejections_after(rejected, 2) == 3
    assert rejections_after(accepted, 3) == 0
    assert rejections_after(ended(Cause.REQUESTED, 0), 3) == 3
    assert rejections_after(None, 3) == 3
