"""The dashboard app: wires the source, the panels and the keys together.

Reading the node runs in a worker; every snapshot replaces the last one on screen. When
the node goes away the top bar says so and the worker reconnects with a backoff. Errors
become notifications; nothing the node sends (or leaves out) stops the app.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer

from gridnode.errors import GridnodeError
from gridnode.status import text as words
from gridnode.status.pb import status_pb2 as pb
from gridnode.ui import view
from gridnode.ui.battery import BatteryPanel
from gridnode.ui.history import History
from gridnode.ui.receipts import ReceiptView, fetch_receipt
from gridnode.ui.screens import ConfirmStop, ReceiptInfo
from gridnode.ui.settings import DashboardSettings
from gridnode.ui.sources import StatusRefusedError, StatusSource
from gridnode.ui.widgets import Events, PowerRatePlot, SessionDetail, SessionTable, TopBar

log = logging.getLogger("gridnode.ui")


class Link(enum.Enum):
    """How the dashboard is attached to its node (said in the top bar)."""

    CONNECTING = "connecting"  # started; no snapshot and no failure yet
    LIVE = "live"  # snapshots arriving
    STALE = "stale"  # the stream is open but silent for longer than stale_after_s
    GONE = "gone"  # the stream ended or the socket refused; retrying with a backoff


class Dashboard(App[None]):
    TITLE = "gridnode"
    #: every key is in the footer, which must fit 80 columns; the palette adds nothing here
    ENABLE_COMMAND_PALETTE = False
    #: the buyer table takes focus when it is shown (a buyer's dashboard never shows it)
    AUTO_FOCUS = None
    CSS = """
/* 80x24 over SSH is the smallest screen: every panel has a minimum that fits it. */
#top { height: auto; max-height: 3; background: $panel; padding: 0 1; }
.-gone { opacity: 60%; }
#sessions { height: auto; max-height: 6; }
#battery { height: auto; max-height: 4; padding: 0 1; border-top: hkey $panel-lighten-2; }
#main { height: 1fr; }
#detail { width: 46; min-width: 40; padding: 0 1; border-right: vkey $panel-lighten-2; }
#plot { width: 1fr; height: 1fr; min-height: 8; }
#events { height: auto; max-height: 5; padding: 0 1; border-top: hkey $panel-lighten-2; }
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_session", "Next buyer"),
        Binding("n", "next_seller", "Next seller"),  # a buyer of several sellers
        Binding("n", "next_peer", "Next peer"),  # a battery node: buyers and sellers
        Binding("enter", "toggle_drill", "One/all"),
        Binding("p", "toggle_pause", "Pause plot"),
        Binding("r", "receipt", "Receipt"),
        Binding("s", "stop_session", "Stop session"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, settings: DashboardSettings, source: StatusSource) -> None:
        super().__init__()
        self.settings = settings
        self.source = source
        self.status: pb.NodeStatus | None = None
        self.history = History(window_ms=settings.history_s * 1000)
        self.selected: str | None = None
        #: the seller an estate buyer bought from at the last update: when it changes,
        #: the detail moves to the new one (a person's own pick stays until then)
        self._last_active: str | None = None
        self.paused = False
        #: drilled into one buyer: the buyer table is hidden to give the detail the room
        self.drilled = False
        self._keys_shape: tuple[str, str, bool] | None = None
        #: notes already seen per session (by notes_total): only new ones are notified
        self._notes_seen: dict[str, int] = {}
        self.link = Link.CONNECTING
        self.link_text = f"connecting to {source.name}…"
        self.last_snapshot_ms = 0

    @property
    def connected(self) -> bool:
        return self.link in (Link.LIVE, Link.STALE)

    def compose(self) -> ComposeResult:
        # Kept by reference: snapshots keep arriving while a dialog is the active screen,
        # and a query would search the dialog.
        self.top = TopBar(id="top")
        self.table = SessionTable(id="sessions")
        self.book = BatteryPanel(id="battery")
        self.main = Horizontal(id="main")
        self.detail = SessionDetail(id="detail")
        self.plot = PowerRatePlot(id="plot")
        self.events = Events(id="events")
        yield self.top
        yield self.table
        yield self.book
        with self.main:
            yield self.detail
            yield self.plot
        yield self.events
        yield Footer()

    def on_mount(self) -> None:
        self.top.show(None, self.link_text, False)
        self.table.display = False
        self.book.display = False
        self.set_interval(1.0, self._check_stale)
        self.follow()

    # -- reading the node ---------------------------------------------------------------
    @work(exclusive=True, group="status")
    async def follow(self) -> None:
        delay = self.settings.reconnect_min_s
        while True:
            try:
                async for status in self.source.updates():
                    delay = self.settings.reconnect_min_s
                    self._apply_safely(status)
                reason = "the node closed its status stream"
            except StatusRefusedError as exc:
                reason = f"the node refused: {exc}"
            except (GridnodeError, OSError) as exc:
                reason = str(exc) or type(exc).__name__
            self._gone(reason, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.reconnect_max_s)

    def _gone(self, reason: str, retry_s: float) -> None:
        if self.link is not Link.GONE:  # said once, not at every retry
            self.notify(reason, title="node gone", severity="error", timeout=6)
        self.link = Link.GONE
        self._mark_gone(True)
        self.link_text = (
            f"✖ NODE GONE (figures below are the last seen), retrying every {retry_s:g} s: {reason}"
        )
        self._show_top()

    def _apply_safely(self, status: pb.NodeStatus) -> None:
        """A snapshot the dashboard cannot draw is said on screen; the next one is tried."""
        try:
            self.apply(status)
        except Exception as exc:
            log.exception("could not show a snapshot")
            self.notify(f"{type(exc).__name__}: {exc}", title="could not show", severity="error")

    def apply(self, status: pb.NodeStatus) -> None:
        """Show one snapshot (public: tests and scripts may feed the app directly)."""
        if self.link is Link.GONE:
            self.notify(f"reconnected to {self.source.name}", title="node back", timeout=4)
        self.link = Link.LIVE
        self._mark_gone(False)
        self.last_snapshot_ms = self.settings.clock_ms()
        self.link_text = f"✔ live {view.clock(status.at_ms)} UTC"
        self.status = status
        self.history.add(status)
        table = self.table
        table.display = self._table_wanted()
        if not table.display and self.focused is table:
            self.set_focus(None)  # a hidden table must not take the keys (enter)
        elif table.display and self.focused is None and self.screen is self.screen_stack[0]:
            table.focus()
        table.show(status)
        self.book.show(status)
        keys = [view.session_key(s, i) for i, s in enumerate(status.sessions)]
        self._notify_new_notes(status, keys)
        if self.selected not in keys:
            self.selected = keys[0] if keys else None
        self._follow_active(status, keys)
        self._show_top()
        self._show_selected(plot=not self.paused)
        shape = (status.role, view.table_kind(status), len(status.sessions) > 1)
        if shape != self._keys_shape:  # which keys apply changes rarely: redraw then only
            self._keys_shape = shape
            self.refresh_bindings()

    def _notify_new_notes(self, status: pb.NodeStatus, keys: list[str]) -> None:
        """A session's notes are meant for a person: each new one is a notification
        (not those already there when the dashboard first sees the session)."""
        for index, (key, session) in enumerate(zip(keys, status.sessions, strict=True)):
            seen = self._notes_seen.get(key)
            self._notes_seen[key] = session.notes_total
            if seen is None or session.notes_total <= seen:
                continue
            new = min(session.notes_total - seen, len(session.notes))
            for note in session.notes[len(session.notes) - new :]:
                self.notify(note, title=view.session_label(session, index), timeout=6)

    def _mark_gone(self, gone: bool) -> None:
        for widget in (self.table, self.book, self.main, self.events):
            widget.set_class(gone, "-gone")

    def _show_top(self) -> None:
        self.top.show(self.status, self.link_text, self.link is Link.LIVE)

    def _check_stale(self) -> None:
        if not self.connected:
            return
        silent_ms = self.settings.clock_ms() - self.last_snapshot_ms
        if silent_ms > self.settings.stale_after_s * 1000:
            self.link = Link.STALE
            self.link_text = f"? STALE: no snapshot for {view.duration_ms(silent_ms)}"
            self._show_top()

    # -- the selected session -----------------------------------------------------------
    def selected_session(self) -> tuple[int, pb.SessionStatus] | None:
        if self.status is None:
            return None
        for index, session in enumerate(self.status.sessions):
            if view.session_key(session, index) == self.selected:
                return index, session
        return None

    def _show_selected(self, plot: bool = True) -> None:
        if self.status is None:
            return
        found = self.selected_session()
        session = found[1] if found else None
        self.detail.show(self.status, session)
        self.events.show(self.status, session)
        if plot:
            samples = self.history.samples(self.selected) if self.selected else []
            forecast = list(session.forecast) if session else []
            self.plot.show(
                samples, forecast, self.status.at_ms, self.paused, self.history.window_ms
            )

    def _follow_active(self, status: pb.NodeStatus, keys: list[str]) -> None:
        """An estate buyer's detail moves to the seller it buys from (the market's active
        one) when that changes; a seller picked by hand (n, the cursor) stays until then."""
        if view.table_kind(status) != view.BUYER:  # a battery node's own pick stays
            return
        active = [k for k, s in zip(keys, status.sessions, strict=True) if s.market == "active"]
        if not active or active[0] == self._last_active:
            return
        self._last_active = self.selected = active[0]
        if self.table.row_count > keys.index(active[0]):
            self.table.move_cursor(row=keys.index(active[0]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key is not None and key != self.selected:
            self.selected = str(key)
            self._show_selected()

    # -- keys -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the keys that do nothing here: stopping on a buyer, switching with one."""
        if self.status is None:
            return True
        kind = view.table_kind(self.status)
        if action == "stop_session" and kind == view.BUYER:
            return False
        nexts = {view.SELLER: "next_session", view.BUYER: "next_seller", "both": "next_peer"}
        if action in nexts.values() and action != nexts[kind]:
            return False
        one_session = len(self.status.sessions) < 2
        return not (one_session and action in (*nexts.values(), "toggle_drill"))

    def _table_wanted(self) -> bool:
        if self.status is None or self.drilled:
            return False
        return view.table_kind(self.status) != view.BUYER or len(self.status.sessions) > 1

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_toggle_drill()

    def action_toggle_drill(self) -> None:
        """Enter on a buyer shows only that buyer; enter again shows them all."""
        if self.status is None or len(self.status.sessions) < 2:
            return
        self.drilled = not self.drilled
        self.table.display = self._table_wanted()
        if self.table.display:
            self.table.focus()
        elif self.focused is self.table:
            self.set_focus(None)
        self.refresh_bindings()

    def action_next_session(self) -> None:
        if self.status is None or not self.status.sessions:
            self.notify("no session to switch to", severity="warning")
            return
        keys = [view.session_key(s, i) for i, s in enumerate(self.status.sessions)]
        index = (keys.index(self.selected) + 1) % len(keys) if self.selected in keys else 0
        self.selected = keys[index]
        table = self.table
        if table.row_count > index:
            table.move_cursor(row=index)
        self._show_selected()

    def action_next_seller(self) -> None:
        """A buyer's n: the next of its sellers (the same move, said as it is)."""
        self.action_next_session()

    def action_next_peer(self) -> None:
        """A battery node's n: the next of its buyers and sellers."""
        self.action_next_session()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self._show_selected()
        self.notify("plot paused" if self.paused else "plot live", timeout=2)

    def action_receipt(self) -> None:
        found = self.selected_session()
        if self.status is None or found is None:
            self.notify("no session selected", severity="warning")
            return
        index, session = found
        label = view.session_label(session, index)

        async def load() -> ReceiptView:
            return await fetch_receipt(self.source, session.session_id)

        self.push_screen(ReceiptInfo(label, load))

    def action_stop_session(self) -> None:
        found = self.selected_session()
        if self.status is None or found is None:
            self.notify("no session selected", severity="warning")
            return
        index, session = found
        if words.session_side(session, self.status.role) != view.SELLER:
            if words.on_both_sides(self.status):
                said = "only a session this node sells in can be stopped by hand"
            else:
                said = "only a seller can stop a session by hand"
            self.notify(said, severity="warning")
            return
        if not session.session_id:
            self.notify("that buyer has no session to stop yet", severity="warning")
            return
        label = view.session_label(session, index)
        screen = ConfirmStop(label, session.session_id, self.status.control_allowed)

        def answered(yes: bool | None) -> None:
            if yes:
                self.request_stop(session.session_id, label)

        self.push_screen(screen, answered)

    @work(group="control")
    async def request_stop(self, session_id: str, label: str) -> None:
        try:
            text = await self.source.stop_session(session_id, "stopped by hand on the dashboard")
        except StatusRefusedError as exc:
            self.notify(str(exc), title="the node refused", severity="error", timeout=10)
        except (GridnodeError, OSError) as exc:
            self.notify(str(exc), title="could not ask the node", severity="error", timeout=10)
        else:
            self.notify(text or f"stopping the session with {label}", title="stop sent")
