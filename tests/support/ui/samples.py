"""Fixed snapshots for the dashboard tests: a seller with three buyers, a buyer."""

from __future__ import annotations

from gridnode.status.pb import status_pb2 as pb

#: 2026-11-23 12:00:00 UTC: every snapshot is at a fixed time, so screens never drift.
T0_MS = 1_795_435_200_000


def seller_session(name: str, n: int, **changes: object) -> pb.SessionStatus:
    session = pb.SessionStatus(
        session_id=f"s-{name}-0001",
        peer_name=name,
        peer_fingerprint=f"{n:02x}" * 32,
        peer_connected=True,
        state="supplying",
        cause="supplying: deposit locked, credit 41,200 msat",
        relay_on=True,
        voltage_mv=230_400,
        current_ma=10_000 + 1000 * n,
        power_mw=2_300_000 + 230_000 * n,
        energy_period_mwh=38_000 * n,
        energy_total_mwh=1_250_000 * n,
        reading_at_ms=T0_MS - 1000,
        rate_msat_per_kwh=120_000,
        paid_msat=500_000 * n,
        cost_msat=458_800 * n,
        credit_msat=41_200 * n,
        exposure_msat=0,
        period_start_ms=T0_MS - 30_000,
        period_stop_ms=T0_MS + 30_000,
        meter_id=f"meter-{n}",
        max_power_mw=3_680_000,
    )
    for k in range(10):
        session.forecast.append(
            pb.RatePoint(at_ms=T0_MS + k * 30_000, rate_msat_per_kwh=120_000 + 4_000 * k)
        )
    session.recent.append(
        pb.PaymentInfo(
            payment_hash=bytes([n]) * 32,
            amount_msat=50_000,
            kind="prepayment",
            status="settled",
            at_ms=T0_MS - 4000,
        )
    )
    session.recent.append(
        pb.PaymentInfo(
            payment_hash=bytes([n + 100]) * 32,
            amount_msat=1_000_000,
            kind="deposit",
            status="accepted",
            at_ms=T0_MS - 28_000,
        )
    )
    for key, value in changes.items():
        setattr(session, key, value)
    return session


def seller_status(at_ms: int = T0_MS, buyers: int = 3) -> pb.NodeStatus:
    status = pb.NodeStatus(
        role="seller",
        fingerprint="ab" * 32,
        at_ms=at_ms,
        lnd_reachable=True,
        control_allowed=True,
        ledger_path="/var/lib/gridnode/ledger.sqlite",
    )
    names = ["flat-1", "flat-2", "flat-3", "flat-4", "flat-5"]
    for n in range(1, buyers + 1):
        status.sessions.append(seller_session(names[n - 1], n))
    return status


def buyer_status(at_ms: int = T0_MS) -> pb.NodeStatus:
    status = pb.NodeStatus(role="buyer", fingerprint="cd" * 32, at_ms=at_ms, lnd_reachable=True)
    session = seller_session("seller", 1, state="receiving", cause="prepayment paid")
    session.relay_on = False
    session.exposure_msat = 12_345
    session.exposure_ms = 4_000
    status.sessions.append(session)
    return status


def seller_history(steps: int = 60, step_ms: int = 2000) -> list[pb.NodeStatus]:
    """A minute or two of a seller's snapshots, ending at T0 (power and rate moving)."""
    out = []
    for k in range(steps):
        at = T0_MS - (steps - 1 - k) * step_ms
        status = seller_status(at)
        for i, session in enumerate(status.sessions):
            session.power_mw = 2_000_000 + ((k * 37 + i * 400) % 1500) * 1000
            session.rate_msat_per_kwh = 100_000 + k * 300
        out.append(status)
    return out


def estate_buyer_status(at_ms: int = T0_MS) -> pb.NodeStatus:
    """A buyer of three sellers (the estate market): one active, the next best with its
    offer held, one refused."""
    status = pb.NodeStatus(role="buyer", fingerprint="cd" * 32, at_ms=at_ms, lnd_reachable=True)
    roof = seller_session("roof", 1, state="receiving", cause="prepayment paid")
    roof.market, roof.market_score_msat, roof.market_scored = "active", 7_166, True
    grid = pb.SessionStatus(
        peer_name="grid",
        peer_fingerprint="ee" * 32,
        peer_connected=True,
        state="waiting for an offer",
        market="next best",
        market_score_msat=8_116,
        market_scored=True,
    )
    battery = pb.SessionStatus(
        peer_name="battery",
        peer_fingerprint="ff" * 32,
        peer_connected=False,
        state="waiting for an offer",
        market="refused: no offer from this seller",
    )
    status.sessions.extend([roof, grid, battery])
    return status


def battery_book(**changes: object) -> pb.BatteryStatus:
    """A 10 kWh bank at 62 % of its band, offering and bidding."""
    book = pb.BatteryStatus(
        kind="battery",
        charge_known=True,
        capacity_mwh=10_000_000,
        stored_mwh=6_000_000,
        reserve_mwh=1_000_000,
        max_mwh=9_000_000,
        pledged_sales_mwh=400_000,
        pledged_purchases_mwh=250_000,
        offer_msat_per_kwh=170_000,
        offer_energy_mwh=500_000,
        bid_msat_per_kwh=110_000,
        floor_msat_per_kwh=140_000,
    )
    for key, value in changes.items():
        setattr(book, key, value)
    return book


def battery_status(at_ms: int = T0_MS) -> pb.NodeStatus:
    """A battery node that sells to a flat and buys from the grid connection, with its
    book."""
    status = pb.NodeStatus(
        role="seller+buyer+battery",
        fingerprint="bb" * 32,
        at_ms=at_ms,
        lnd_reachable=True,
        control_allowed=True,
        ledger_path="/var/lib/gridnode/ledger.sqlite",
    )
    flat = seller_session("flat-1", 1, side="seller")
    grid = seller_session(
        "grid", 2, side="buyer", state="receiving", cause="prepayment paid", relay_on=False
    )
    grid.market, grid.market_score_msat, grid.market_scored = "active", 7_166, True
    status.sessions.extend([flat, grid])
    status.battery.CopyFrom(battery_book())
    return status
