"""Each trading partner as a plain SessionView: what the snapshot (and through it the
status socket and the rate feed) shows of a session."""

from __future__ import annotations

from pathlib import Path

from gridnode.node.views import _with_exposure_ms
from gridnode.snapshot import SessionView, Terms
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.node import trading_pair


def _buyer_view(exposure_msat: int, rate: int | None, max_power_mw: int | None) -> SessionView:
    terms = None
    if max_power_mw is not None:
        terms = Terms(0, 600_000, max_power_mw, ConstantProfile(MsatPerKwh(rate or 1)))
    return SessionView(
        peer_name="seller",
        peer_fingerprint="cd" * 32,
        peer_connected=True,
        meter_id="buyer-meter",
        state="receiving",
        rate_msat_per_kwh=rate,
        exposure_msat=exposure_msat,
        terms=terms,
    )


def test_exposure_in_time_at_max_power() -> None:
    # 1,000 sat ahead at 100 sat/kWh = 10 kWh... at 10 kW max power = 1 h
    view = _with_exposure_ms(_buyer_view(1_000_000, 100_000, 10_000_000))
    assert view.exposure_ms == 3_600_000
    assert _with_exposure_ms(_buyer_view(5, None, None)).exposure_ms == 0  # no rate or power yet
    assert _with_exposure_ms(_buyer_view(5, 100_000, None)).exposure_ms == 0


async def test_a_trading_buyer_shows_what_it_paid_ahead_as_time(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(10)
    (view,) = pair.buyer.snapshot().sessions
    assert view.terms is not None
    assert view.rate_msat_per_kwh is not None
    assert view.exposure_msat > 0
    expected = (
        view.exposure_msat
        * 1_000_000
        * 3_600_000
        // (view.rate_msat_per_kwh * view.terms.max_power_mw)
    )
    assert view.exposure_ms == expected
    await pair.shutdown()
