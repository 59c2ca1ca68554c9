"""The estate market never pays two sellers for the same period beyond one prepayment,
whatever interleaving of offers (prices that cross), faults (the voltage out of range)
and link losses a run sees: at no time are two feeds closed, and once a later session
of another seller has paid, the earlier session pays at most one more prepayment."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridnode.ledger import LedgerStore, PaymentStatus
from gridnode.trade.profiles import ConstantProfile, DailyKnot, DailyTableProfile, RateProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.estate import Estate, estate
from tests.support.terms import PAYMENTS

#: Seller 0 cheap at first and dearer by the minute, seller 1 flat: the choice crosses.
PROFILES: list[RateProfile] = [
    DailyTableProfile(
        (DailyKnot(0, MsatPerKwh(100_000)), DailyKnot(10, MsatPerKwh(240_000))), "UTC"
    ),
    ConstantProfile(MsatPerKwh(180_000)),
]
RUN_S = 480


@dataclass(frozen=True)
class Fault:
    at_s: int
    kind: str  # "voltage" (the feed sags below the range) or "link" (the link is lost)
    seller: int
    lasts_s: int


faults = st.lists(
    st.builds(
        Fault,
        st.integers(20, RUN_S - 60),
        st.sampled_from(["voltage", "link"]),
        st.integers(0, 1),
        st.integers(1, 90),
    ),
    max_size=4,
).map(lambda found: sorted(found, key=lambda f: f.at_s))


async def _run(folder: Path, plan: list[Fault]) -> Estate:
    place = await estate(folder, PROFILES, period_ms=60_000)
    events: list[tuple[int, Fault, bool]] = []
    for fault in plan:
        events += [(fault.at_s, fault, True), (fault.at_s + fault.lasts_s, fault, False)]
    events.sort(key=lambda e: e[0])
    async with place.trading():
        now = 0
        for at_s, fault, starts in events:
            if at_s > now:
                await place.clock.advance(at_s - now)
                now = at_s
            seller = place.sellers[fault.seller]
            if fault.kind == "voltage":
                seller.feed.voltage_mv = 150_000 if starts else 230_000
            else:
                seller.links.set_up(not starts)
        await place.clock.advance(max(RUN_S - now, 0))
    return place


def _check(place: Estate) -> None:
    assert place.circuit.overlaps == [], "two feeds closed at once"
    with LedgerStore.open_readonly(place.folder / "buyer" / "ledger.sqlite") as stored:
        paid = [p for p in stored.payments.find() if p.status is PaymentStatus.SUCCEEDED]
    # buyer-<seller name>-<ms>-<n>: the seller a session bought from
    seller_of = {p.session_id: p.session_id.split("-", 1)[1].rsplit("-", 2)[0] for p in paid}
    first_paid: dict[str, int] = {}
    for payment in paid:
        at = first_paid.get(payment.session_id, payment.attempted_at_ms)
        first_paid[payment.session_id] = min(at, payment.attempted_at_ms)
    for later, started in first_paid.items():
        for earlier, began in first_paid.items():
            if seller_of[earlier] == seller_of[later] or began >= started:
                continue
            overlap = sum(
                p.amount.msat
                for p in paid
                if p.session_id == earlier and p.attempted_at_ms >= started
            )
            assert overlap <= PAYMENTS.prepayment.msat, (
                f"{earlier} was paid {overlap} msat after {later} began paying"
            )


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(faults)
def test_random_faults_never_pay_two_sellers_for_one_period(plan: list[Fault]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        place = asyncio.run(_run(Path(folder), plan))
        _check(place)
