"""The dashboard's panels. Each one renders a snapshot it is given; none does I/O."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from gridnode.status import text as words
from gridnode.status.pb import status_pb2 as pb
from gridnode.ui import view
from gridnode.ui.history import Sample


class TopBar(Static):
    """Role (a battery node: what it sells to and buys from), this node's fingerprint,
    which node, and whether it is live."""

    def show(self, status: pb.NodeStatus | None, link: str, link_ok: bool) -> None:
        text = Text()
        if status is not None:
            text.append(words.node_title(status), style="bold")
            text.append(f"  fp {view.short_fingerprint(status.fingerprint)}")
            if not status.lnd_reachable:
                text.append("  ✖ LND unreachable", style="bold red")
        else:
            text.append("gridnode dashboard", style="bold")
        text.append("  ")
        text.append(link, style="green" if link_ok else "bold red reverse")
        self.update(text)


class SessionTable(DataTable[Text | str]):
    """A seller's buyers, or a buyer's sellers (the estate market), one row each; the
    highlighted row is the one drilled into. A battery node has both: each row says
    its side, and shows the relay (a sale) or the market (a purchase)."""

    COLUMNS = ("buyer", "link", "state", "relay", "power", "credit")
    #: A buyer of several sellers: each seller's place in the market and its score over
    #: the period, instead of a relay (the buyer has none) and the power (one meter).
    MARKET_COLUMNS = ("seller", "link", "state", "market", "score", "credit")
    #: A node on both sides: each row's side, and its relay or its place in the market.
    BOTH_COLUMNS = ("peer", "side", "link", "state", "relay/market", "power", "credit")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "One/all", show=True)
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False
        self.columns_shown: tuple[str, ...] = ()
        self._use_columns(self.COLUMNS)

    def _use_columns(self, columns: tuple[str, ...]) -> None:
        if columns == self.columns_shown:
            return
        self.clear(columns=True)
        for column in columns:
            self.add_column(column, key=column)
        self.columns_shown = columns

    def show(self, status: pb.NodeStatus) -> None:
        kind = view.table_kind(status)
        columns = {"both": self.BOTH_COLUMNS, view.BUYER: self.MARKET_COLUMNS}
        self._use_columns(columns.get(kind, self.COLUMNS))
        keys = [view.session_key(s, i) for i, s in enumerate(status.sessions)]
        if set(keys) != {str(row.value) for row in self.rows} or len(keys) != self.row_count:
            selected = self._selected_key()
            self.clear()
            for index, (key, session) in enumerate(zip(keys, status.sessions, strict=True)):
                self.add_row(*self._cells(session, index, status.role, kind), key=key)
            if selected in keys:
                self.move_cursor(row=keys.index(selected))
            return
        for index, (key, session) in enumerate(zip(keys, status.sessions, strict=True)):
            for column, cell in zip(
                self.columns_shown, self._cells(session, index, status.role, kind), strict=True
            ):
                self.update_cell(key, column, cell, update_width=True)

    def _selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    @staticmethod
    def _cells(
        session: pb.SessionStatus, index: int, role: str, kind: str
    ) -> tuple[Text | str, ...]:
        state = view.state_badge(session.state)
        link = view.link_badge(session.peer_connected)
        head = (
            view.session_label(session, index),
            Text(link.symbol, style=link.style),
            Text(state.text, style=state.style),
        )
        if kind == "both":
            return SessionTable._both_cells(session, role, head)
        if kind == view.BUYER:
            place = view.market_place(session)
            return (
                *head,
                Text(place.text.strip(), style=place.style),
                view.market_score(session),
                view.msat(session.credit_msat),
            )
        relay = view.relay_badge(session, role)
        return (
            *head,
            Text(relay.text, style=relay.style),
            view.power(session.power_mw),
            view.msat(session.credit_msat),
        )

    @staticmethod
    def _both_cells(
        session: pb.SessionStatus, role: str, head: tuple[Text | str, ...]
    ) -> tuple[Text | str, ...]:
        """A row of a node on both sides: the relay where it sells, the market where
        it buys."""
        side = view.side_badge(session, role)
        if words.session_side(session, role) == view.BUYER:
            place = view.market_place(session)
            switch = Text(place.text.strip(), style=place.style)
        else:
            relay = view.relay_badge(session, role)
            switch = Text(relay.text, style=relay.style)
        return (
            head[0],
            Text(side.text, style=side.style),
            *head[1:],
            switch,
            view.power(session.power_mw),
            view.msat(session.credit_msat),
        )


class SessionDetail(Static):
    """Everything about one session: state and cause, meter, money, period."""

    def show(self, status: pb.NodeStatus, session: pb.SessionStatus | None) -> None:
        if session is None:
            self.update(Text("no session yet: the node has not met its peer", style="dim"))
            return
        now = status.at_ms
        state = view.state_badge(session.state)
        link = view.link_badge(session.peer_connected)
        head = Text()
        head.append(f"{state.text}", style=f"bold {state.style}")
        relay = view.relay_badge(session, status.role)
        if relay.word:
            head.append("  relay ")
            head.append(relay.text, style=relay.style)
        head.append("\n")
        if session.cause:
            head.append(session.cause, style="italic")
        else:
            head.append(view.state_meaning(session.state), style="dim italic")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(no_wrap=True, overflow="ellipsis")
        peer = session.peer_name or "peer"
        grid.add_row(peer, Text(f"{link.text}  {view.short_fingerprint(session.peer_fingerprint)}"))
        if words.on_both_sides(status):  # a battery node: which way this session goes
            grid.add_row("side", words.side_words(session, status.role))
        if session.reading_at_ms:
            meter = (
                f"{view.voltage(session.voltage_mv)}  {view.current(session.current_ma)}  "
                f"{view.power(session.power_mw)}"
            )
        else:
            meter = "no reading yet"
        grid.add_row("meter", meter)
        grid.add_row(
            "reading", f"{session.meter_id or '-'}, {view.age(now, session.reading_at_ms)}"
        )
        grid.add_row(
            "energy",
            f"{view.energy(session.energy_period_mwh)} session, "
            f"{view.energy(session.energy_total_mwh)} total",
        )
        grid.add_row("rate", view.rate(session.rate_msat_per_kwh))
        grid.add_row("paid", view.msat(session.paid_msat))
        grid.add_row("cost", view.msat(session.cost_msat))
        credit = Text(view.msat(session.credit_msat))
        owed = view.owed_msat(session)
        if owed:
            credit.append(f"  owed {view.msat(owed)}", style="bold")
        grid.add_row("credit", credit)
        grid.add_row("exposure", view.exposure(session))
        grid.add_row("period", view.period(session, now))
        if session.market:  # a buyer of several sellers: this one's place in the market
            grid.add_row("market", view.market(session))
        self.update(Group(head, grid))


class Events(Static):
    """The node's warnings, then the session's notes, breaches, and recent payments and
    invoices, each newest first."""

    def show(self, status: pb.NodeStatus, session: pb.SessionStatus | None) -> None:
        text = Text()
        for warning in status.warnings:
            text.append(f"! warning: {warning}\n", style="bold yellow")
        if session is not None:
            for note in reversed(session.notes):
                text.append(f"· {note}\n")
            for breach in sorted(session.breaches, key=lambda b: -b.at_ms):
                text.append(view.breach_line(breach) + "\n", style="bold red")
            for payment in sorted(session.recent, key=lambda p: -p.at_ms):
                text.append("$ " + view.payment_line(payment) + "\n")
        if not text:
            text.append("no payments, breaches or warnings yet", style="dim")
        text.rstrip()
        self.update(text)


class PowerRatePlot(PlotextPlot):
    """Power (left axis, kW) and rate (right axis, sat/kWh) over the last minutes, with
    the rate profile ahead continuing to the right of 'now'."""

    def show(
        self,
        samples: list[Sample],
        forecast: list[pb.RatePoint],
        now_ms: int,
        paused: bool,
        window_ms: int,
    ) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        title = "◆ kW  • sat/kWh  + ahead"
        plt.title(title + ("  ‖ PAUSED" if paused else ""))
        plt.xlabel("minutes from now")
        if samples:
            xs = [(s.at_ms - now_ms) / 60_000 for s in samples]
            plt.plot(xs, [s.power_mw / 1e6 for s in samples], marker="◆", color="cyan")
            rated = [(x, s.rate_msat_per_kwh / 1000) for x, s in zip(xs, samples, strict=True)]
            rated = [(x, r) for x, r in rated if r]
            if rated:
                plt.plot(*zip(*rated, strict=True), marker="•", color="yellow", yside="right")
        ahead = [p for p in forecast if p.at_ms >= now_ms]
        if ahead:
            plt.plot(
                [(p.at_ms - now_ms) / 60_000 for p in ahead],
                [p.rate_msat_per_kwh / 1000 for p in ahead],
                marker="+",
                color="orange",
                yside="right",
            )
        # the past as far as there is history (a minute at least), the future as far as
        # the profile ahead goes, neither beyond the window
        oldest_ms = max((now_ms - s.at_ms for s in samples), default=0)
        past_ms = min(max(oldest_ms, 60_000), window_ms)
        ahead_ms = min(max((p.at_ms - now_ms for p in ahead), default=0), window_ms)
        plt.xlim(-past_ms / 60_000, ahead_ms / 60_000 if ahead_ms else None)
        if not samples and not ahead:
            plt.title(title + "  (waiting for readings)")
        self.refresh()
