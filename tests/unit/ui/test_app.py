"""The dashboard against an in-process fake node: values appear, state changes show,
keys work, the node going away and coming back is said on screen."""

from __future__ import annotations

from gridnode.status.client import StatusRefusedError
from gridnode.status.pb import status_pb2 as pb
from gridnode.ui.receipts import ReceiptView
from gridnode.ui.screens import ConfirmStop, ReceiptInfo
from tests.support.status_source import FakeSource
from tests.support.ui import samples
from tests.support.ui.helpers import dashboard, screen_text, shows, until

SIZE = (100, 30)


async def test_a_sellers_values_appear_one_row_per_buyer() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "gridnode seller", "flat-1", "flat-2", "flat-3", "✔ live 12:00:00")
        text = screen_text(app)
        assert "230.4 V" in text
        assert "11.00 A" in text
        assert "2.53 kW" in text  # the first buyer's power, in the row and the detail
        assert "120.0 sat/kWh" in text
        assert "500.000 sat" in text  # paid
        assert "41.200 sat" in text  # credit
        assert "supplying: deposit locked" in text  # the cause, in words
        assert "● ON" in text  # the relay, as a symbol and a word
        assert "prepayment 50.000 sat settled" in text


async def test_a_state_change_shows_with_its_cause() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "▶ supplying")
        status = samples.seller_status(samples.T0_MS + 1000)
        first = status.sessions[0]
        first.state, first.relay_on = "suspended_credit", False
        first.cause, first.credit_msat = "suspended: credit below cut-off", -2_500
        first.breaches.append(pb.Breach(kind="overcurrent", text="16.2 A over 16 A", at_ms=1))
        source.publish(status)
        await shows(pilot, "■ suspended: credit", "suspended: credit below cut-off")
        text = screen_text(app)
        assert "○ off" in text
        assert "owed 2.500 sat" in text
        assert "! overcurrent: 16.2 A over 16 A" in text


async def test_new_notes_become_notifications_old_ones_do_not() -> None:
    source = FakeSource()
    status = samples.seller_status()
    status.sessions[0].notes.extend(["deposit locked"])
    status.sessions[0].notes_total = 1
    source.publish(status)
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "· deposit locked")  # listed, not notified: it is old news
        assert not any("deposit locked" in n.message for n in app._notifications)
        status = samples.seller_status(samples.T0_MS + 1000)
        status.sessions[0].notes.extend(["deposit locked", "a", "b", "credit below cut-off"])
        status.sessions[0].notes_total = 9  # more came than a snapshot carries
        source.publish(status)
        await until(pilot, lambda: len(list(app._notifications)) == 4)
        assert [n.message for n in app._notifications] == [
            "deposit locked", "a", "b", "credit below cut-off"
        ]  # fmt: skip
        assert all(n.title == "flat-1" for n in app._notifications)


async def test_a_snapshot_with_nothing_filled_in_does_not_crash() -> None:
    source = FakeSource()
    source.publish(pb.NodeStatus())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "no session yet")
        status = pb.NodeStatus(role="buyer", warnings=["LND: connection refused"])
        status.sessions.append(pb.SessionStatus())
        source.publish(status)
        await shows(pilot, "no state yet", "no reading yet", "no sale period yet")
        assert "! warning: LND: connection refused" in screen_text(app)
        assert "0.00 A" not in screen_text(app)  # no reading: no made-up zeros
        for key in "nprs":
            await pilot.press(key)
        await pilot.press("escape")
        assert app.is_running


async def test_n_switches_buyer_and_the_detail_follows() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1   ✔ connected")
        await pilot.press("n")
        await shows(pilot, "flat-2   ✔ connected", "meter-2")
        await pilot.press("n", "n")
        await shows(pilot, "flat-1   ✔ connected", "meter-1")
        await pilot.press("down")  # the table's cursor selects too
        await shows(pilot, "flat-2   ✔ connected")


async def test_enter_drills_into_one_buyer_and_back_at_80x24() -> None:
    source = FakeSource()
    source.publish(samples.seller_status(buyers=5))
    app = dashboard(source)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "flat-5")
        await pilot.press("down", "enter")  # flat-2, alone on the screen
        await until(pilot, lambda: not app.table.display)
        await shows(pilot, "flat-2   ✔ connected", "period   11:59:30")
        assert "flat-5" not in screen_text(app)
        await pilot.press("n")  # switching still works while drilled in
        await shows(pilot, "flat-3   ✔ connected")
        await pilot.press("enter")
        await shows(pilot, "flat-5")
        assert app.table.display


async def test_p_pauses_the_plot_and_resumes_it() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1")
        await pilot.press("p")
        await shows(pilot, "PAUSED")
        assert app.paused
        source.publish(samples.seller_status(samples.T0_MS + 2000))
        await shows(pilot, "✔ live 12:00:02")  # the numbers stay live while the plot rests
        assert "PAUSED" in screen_text(app)
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" not in screen_text(app))


async def test_r_shows_the_sessions_receipt_checked_and_closes() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    # the node could not build it (its ledger is gone): its sentence is said, not a crash
    source.receipts["s-flat-1-0001"] = pb.Receipt(
        session_id="s-flat-1-0001",
        ok=False,
        verdict="There is no ledger at /var/lib/gridnode/ledger.sqlite.",
        command="gridnode receipt s-flat-1-0001 --ledger /var/lib/gridnode/ledger.sqlite "
        "--out receipt.json",
    )
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReceiptInfo))
        await shows(pilot, "There is no ledger at /var/lib/gridnode/ledger.sqlite")
        await shows(pilot, "gridnode receipt s-flat-1-0001")
        assert source.receipt_requests == ["s-flat-1-0001"]  # asked of the node
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ReceiptInfo))


async def test_a_node_that_refuses_the_receipt_is_said_so() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())  # and no receipt for the session
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReceiptInfo))
        await shows(pilot, "The node refused: no session s-flat-1-0001")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ReceiptInfo))


async def test_the_receipt_dialog_shows_the_verdict_and_the_table() -> None:
    shown = ReceiptView(
        "Receipt of session 5d9e",
        "✔ verified: every signature, preimage and amount holds",
        True,
        "from (UTC)  energy Wh  rate sat/kWh\n2026-12-05T23:22:40  2.093  193.780\n",
        "gridnode receipt 5d9e --ledger l.sqlite --out receipt.json",
    )
    app = dashboard(FakeSource())
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReceiptInfo("flat-1", lambda: shown))
        await until(pilot, lambda: isinstance(app.screen, ReceiptInfo))
        await shows(pilot, "✔ verified", "193.780", "Receipt of the session with flat-1")
        await pilot.press("q")
        await until(pilot, lambda: not isinstance(app.screen, ReceiptInfo))


async def test_s_stops_a_session_only_after_confirmation() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1")
        await pilot.press("n", "s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
        await shows(pilot, "Stop the session with flat-2")
        await pilot.press("n")  # no: nothing is sent
        await until(pilot, lambda: not isinstance(app.screen, ConfirmStop))
        assert source.stop_requests == []
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
        await shows(pilot, "Stop the session with flat-2")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: len(source.stop_requests) == 1)
        assert source.stop_requests[0][0] == "s-flat-2-0001"
        await shows(pilot, "stopping")


async def test_snapshots_arriving_under_a_dialog_are_shown_after_it() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "flat-1")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
        source.publish(samples.seller_status(samples.T0_MS + 9000))
        await until(pilot, lambda: app.status is not None and app.status.at_ms > samples.T0_MS)
        assert isinstance(app.screen, ConfirmStop)  # the dialog stays while figures move
        await pilot.press("escape")
        await shows(pilot, "✔ live 12:00:09")
        assert source.stop_requests == []


async def test_a_refused_stop_shows_the_nodes_sentence() -> None:
    source = FakeSource()
    status = samples.seller_status()
    status.control_allowed = False
    source.publish(status)
    refusal = "stopping a session by hand is refused: start the node with --allow-control"
    source.stop_answer = StatusRefusedError(403, refusal)
    app = dashboard(source)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await shows(pilot, "flat-1")
        await pilot.press("s")
        await shows(pilot, "runs without --allow-control")  # warned before asking
        await pilot.pause()
        await pilot.press("y")
        await shows(pilot, "the node refused", "stopping a session by hand is refused")
        assert app.is_running


async def test_a_buyer_cannot_stop_a_session() -> None:
    source = FakeSource()
    source.publish(samples.buyer_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "gridnode buyer", "▶ receiving", "12.345 sat (4 s at max power)")
        await until(pilot, lambda: "Stop session" not in screen_text(app))
        await pilot.press("s")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ConfirmStop)
        assert source.stop_requests == []


async def test_the_node_going_away_is_said_and_it_reconnects() -> None:
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "✔ live 12:00:00")
        source.go_away()
        await shows(pilot, "NODE GONE")
        await pilot.pause(0.3)  # several refused attempts while it is away
        assert "NODE GONE" in screen_text(app)
        source.come_back()
        source.publish(samples.seller_status(samples.T0_MS + 5000))
        await shows(pilot, "✔ live 12:00:05")
        assert source.connects == 2


async def test_no_node_at_start_is_said_and_then_found() -> None:
    source = FakeSource(up=False)
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "NODE GONE", "no node answers on fake node")
        source.publish(samples.buyer_status())
        source.come_back()
        await shows(pilot, "✔ live", "gridnode buyer")


async def test_a_silent_node_is_shown_as_stale() -> None:
    now = [samples.T0_MS]
    source = FakeSource()
    source.publish(samples.seller_status())
    app = dashboard(source, clock_ms=lambda: now[0], stale_after_s=2.0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shows(pilot, "✔ live")
        now[0] += 10_000
        await shows(pilot, "STALE: no snapshot for 10 s", timeout_s=3)


async def test_q_quits() -> None:
    source = FakeSource()
    app = dashboard(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)


async def test_an_estate_buyer_shows_each_sellers_place_and_score_at_80x24() -> None:
    """A buyer of several sellers: one row per seller with its place in the market and
    its score over the period; n moves to the next seller, whose detail says its place."""
    source = FakeSource()
    source.publish(samples.estate_buyer_status())
    app = dashboard(source)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await shows(pilot, "gridnode buyer", "roof", "grid", "battery")
        text = screen_text(app)
        assert "seller" in text.splitlines()[1]  # the table's head names sellers
        assert "relay" not in text.splitlines()[1]  # a buyer has none
        rows = {line.split()[0]: line for line in text.splitlines()[2:5]}
        assert "▶ active" in rows["roof"]
        assert "7.166 sat" in rows["roof"]
        assert "◇ next best" in rows["grid"]
        assert "8.116 sat" in rows["grid"]
        assert "✖ refused" in rows["battery"]
        assert "market   active, 7.166 sat this period" in text
        await shows(pilot, "n Next seller")
        assert "Next buyer" not in screen_text(app)
        await pilot.press("n")
        await shows(pilot, "market   next best, 8.116 sat this period")
        await pilot.press("n")
        await shows(pilot, "market   refused: no offer from this seller")


async def test_an_estate_buyers_detail_moves_to_the_seller_it_buys_from() -> None:
    """The detail shows the seller the buyer buys from, not merely the first row; after a
    switch it moves to the new one, and a seller picked by hand stays until then."""
    source = FakeSource()
    status = samples.estate_buyer_status()
    roof, grid, _battery = status.sessions
    roof.market, grid.market = "next best", "active"  # the second row supplies
    source.publish(status)
    app = dashboard(source)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await shows(pilot, "market   active, 8.116 sat this period")
        await pilot.press("n")  # by hand: the next one
        await shows(pilot, "market   refused: no offer from this seller")
        source.publish(samples.estate_buyer_status())  # a switch: roof supplies now
        await shows(pilot, "market   active, 7.166 sat this period")
        source.publish(samples.estate_buyer_status())  # no switch: the pick by hand stays
        await pilot.press("n")
        await shows(pilot, "market   next best, 8.116 sat this period")
        source.publish(samples.estate_buyer_status())
        await pilot.pause()
        assert "market   next best, 8.116 sat this period" in screen_text(app)
