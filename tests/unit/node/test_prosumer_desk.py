"""A prosumer's desk: the surplus measured over a window, the offer of each period less
what running sessions hold of it, meters that disagree as a fault; and the household's
buying, paused by its surplus, never resumed over a pause by hand (issue 22)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gridnode.battery.offer import PeriodOffer, StopReason, StopsOffering
from gridnode.battery.prosumer import ProsumerRule, PvReading
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.prosumer_role import ProsumerRole
from tests.support.node_parts import demo_terms

RULE = ProsumerRule(180_000, share_ppm=1_000_000, min_offer_mwh=1_000, tolerance_mwh=100)
WINDOW_MS, PERIOD_MS = 60_000, 600_000  # demo_terms' period
#: 3 kW of surplus: 50 Wh a minute.
MINUTE_MWH = 50_000


def _desk(surplus_per_minute_mwh: int = MINUTE_MWH) -> ProsumerDesk:
    desk = ProsumerDesk(RULE, window_ms=WINDOW_MS)
    for minute in range(3):
        made = minute * (surplus_per_minute_mwh + 10_000)
        desk.reading(PvReading(minute * 60_000, made, minute * surplus_per_minute_mwh, 0))
    return desk


def test_nothing_is_offered_before_a_whole_window_is_measured() -> None:
    desk = ProsumerDesk(RULE, window_ms=WINDOW_MS)
    desk.reading(PvReading(0, 0, 0, 0))
    desk.reading(PvReading(30_000, 30_000, 25_000, 0))
    offer = desk.offer(PERIOD_MS)
    assert isinstance(offer, StopsOffering)
    assert offer.reason is StopReason.NO_SURPLUS
    desk.reading(PvReading(60_000, 60_000, 50_000, 0))
    offer = desk.offer(PERIOD_MS)
    assert isinstance(offer, PeriodOffer)
    assert offer.energy_mwh == 10 * MINUTE_MWH  # the surplus's rate over the period


def test_running_sessions_hold_their_share_of_the_periods_surplus() -> None:
    desk = _desk()
    template = demo_terms()
    first = desk.sale_terms("a", "sale:a:1", template, until_ms=PERIOD_MS)
    assert first is not None
    held = desk.held_mwh()
    assert held == 10 * MINUTE_MWH  # one session may draw the whole surplus's power
    # a second buyer is offered only what the first does not hold: nothing
    offer = desk.offer(PERIOD_MS, start_ms=0)
    assert isinstance(offer, StopsOffering)
    assert desk.sale_terms("b", "sale:b:1", template, until_ms=PERIOD_MS) is None
    # the next period's offer counts no pledge that ends when it starts
    assert desk.held_mwh(start_ms=PERIOD_MS) == 0
    settled = desk.delivered("a", held + 5_000)
    assert settled.taken_mwh == held
    assert settled.used_up  # the seller cuts: the surplus pledged is sold
    desk.expire("a", PERIOD_MS)
    assert desk.owners == {"a": []}
    assert desk.pledges == {}


def test_no_surplus_no_offer_and_a_renewal_is_refused() -> None:
    desk = _desk(surplus_per_minute_mwh=0)
    assert desk.sale_terms("a", "sale:a:1", demo_terms(), until_ms=PERIOD_MS) is None
    assert desk.not_offering is not None
    assert desk.not_offering.reason is StopReason.NO_SURPLUS
    assert not desk.has_surplus(PERIOD_MS)


def test_meters_that_disagree_are_a_fault_until_a_whole_window_agrees() -> None:
    desk = _desk()
    assert desk.has_surplus(PERIOD_MS)
    # the export register jumps past the production: one of them is wrong
    desk.reading(PvReading(180_000, 180_000, 400_000, 0))
    offer = desk.offer(PERIOD_MS)
    assert isinstance(offer, StopsOffering)
    assert offer.reason is StopReason.METER_FAULT
    assert desk.fault is not None
    assert "exported" in desk.fault
    assert not desk.has_surplus(PERIOD_MS)
    # readings that agree, but not yet over a whole window: still the fault
    desk.reading(PvReading(210_000, 210_000, 425_000, 0))
    assert desk.fault is not None
    desk.reading(PvReading(240_000, 240_000, 450_000, 0))
    assert desk.fault is None
    assert isinstance(desk.offer(PERIOD_MS), PeriodOffer)


class _Buyer:
    """The buying side as the household role sees it: its poller and its switch."""

    def __init__(self) -> None:
        self.poller: Any = type("Poller", (), {"sink": None, "last": None, "last_error": None})()
        self.switched: list[bool] = []

    def set_buying(self, buying: bool) -> bool:
        self.switched.append(buying)
        return True


def _household(desk: ProsumerDesk) -> tuple[ProsumerRole, _Buyer]:
    buyer = _Buyer()
    ctx: Any = type("Ctx", (), {"changed": staticmethod(lambda: None)})()
    production: Any = object()
    role = ProsumerRole(ctx, desk, buyer, production, period_ms=PERIOD_MS)  # type: ignore[arg-type]
    return role, buyer


def test_a_surplus_pauses_buying_and_its_end_resumes_it() -> None:
    role, buyer = _household(_desk())
    role.next_period()
    assert buyer.switched == [False]
    role.desk = _desk(surplus_per_minute_mwh=0)
    role.next_period()
    assert buyer.switched == [False, True]


def test_a_pause_by_hand_is_never_resumed_by_the_household() -> None:
    role, buyer = _household(_desk())
    role.set_buying(False)  # by hand (the buyer role itself pauses)
    role.next_period()  # a surplus: its own pause, nothing to switch
    role.desk = _desk(surplus_per_minute_mwh=0)
    role.next_period()  # no surplus: it would buy, but the person paused it
    assert buyer.switched == []
    # lifted by hand while the household has a surplus: its own pause holds
    role.desk = _desk()
    role.next_period()
    role.set_buying(True)
    assert buyer.switched == [False]


@given(
    steps=st.lists(
        st.tuples(
            st.integers(0, 12_000_000),  # the PV's power
            st.integers(0, 2_000_000),  # the house's use
            st.sampled_from(["a", "b", "c", None]),  # whose period starts (None: none)
            st.integers(0, 200_000),  # what that owner's buyer took
        ),
        min_size=1,
        max_size=40,
    )
)
def test_the_surplus_is_never_pledged_twice(steps: list[tuple[int, int, str | None, int]]) -> None:
    """Over random sun, use and interleaved sessions, what the sessions hold of any
    period never exceeds the share of the surplus projected over it, and a session
    never settles more than it was pledged."""
    desk = ProsumerDesk(RULE, window_ms=WINDOW_MS)
    template = demo_terms()
    made = exported = imported = 0
    for index, (pv_mw, use_mw, owner, took) in enumerate(steps):
        now = index * 30_000
        desk.reading(PvReading(now, made, exported, imported))
        made += pv_mw * 30_000 // 3_600_000
        exported += max(0, pv_mw - use_mw) * 30_000 // 3_600_000
        imported += max(0, use_mw - pv_mw) * 30_000 // 3_600_000
        if owner is None:
            continue
        desk.expire(owner, now)
        before = {k: p.settled_mwh for k, p in desk.pledges.items()}
        settled = desk.delivered(owner, took)
        assert settled.taken_mwh <= took
        for key, pledge in desk.pledges.items():
            assert before[key] <= pledge.settled_mwh <= pledge.energy_mwh
        terms = desk.sale_terms(owner, f"{owner}:{now}", template, now + PERIOD_MS)
        if terms is None:
            continue
        surplus = desk.surplus
        assert surplus is not None  # no offer without a surplus measured (nor a fault)
        projected = surplus.surplus_mwh * PERIOD_MS // surplus.duration_ms
        assert desk.held_mwh(now) <= projected * RULE.share_ppm // 1_000_000


def test_a_production_meter_that_does_not_answer_stops_the_offer() -> None:
    desk = _desk()
    assert desk.has_surplus(PERIOD_MS)
    desk.unreadable("meter pv: no answer in time")
    offer = desk.offer(PERIOD_MS)
    assert isinstance(offer, StopsOffering)
    assert offer.reason is StopReason.METER_FAULT
    assert "no answer" in offer.message
    # read again over a whole window: it offers again
    for minute in range(3, 5):
        desk.reading(PvReading(minute * 60_000, minute * 60_000, minute * MINUTE_MWH, 0))
    assert desk.fault is None
    assert desk.has_surplus(PERIOD_MS)


def test_a_silent_connection_meter_is_a_fault_at_the_next_period() -> None:
    role, buyer = _household(_desk())
    role.next_period()
    assert buyer.switched == [False]  # a surplus: it buys nothing
    role.connection.name = "grid"
    role.connection.last_error = "no answer in time"
    role.next_period()
    assert role.desk.fault == "meter grid: no answer in time"
    assert not role.desk.has_surplus(PERIOD_MS)
    assert buyer.switched == [False, True]  # the house may need energy
