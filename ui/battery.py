"""The book of a battery node (or a prosumer's surplus), shown only where the node sends one.

Three lines, each cut to the width (the full reasons are in the node's warnings too):
the charge as a bar between the reserve (left end) and the maximum (right end), then
what the node sells (this period's offer and its floor, or why it offers nothing, and
the energy pledged to running sales), then what it buys (the cap, or why it bids
nothing, and the energy pledged to purchases).
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from gridnode.status import text as words
from gridnode.status.pb import status_pb2 as pb


def _line(*parts: tuple[str, str]) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    for part, style in parts:
        line.append(part, style=style)
    return line


def _selling(book: pb.BatteryStatus) -> Text:
    if not book.offer_msat_per_kwh:
        return _line(("sells ", "dim"), (f"nothing: {book.not_offering or '-'}", "yellow"))
    offer = f"{words.energy(book.offer_energy_mwh)} at {words.rate(book.offer_msat_per_kwh)}"
    parts = [("sells ", "dim"), (offer, "bold")]
    if book.kind != "prosumer":
        parts += [("  floor ", "dim"), (words.rate(book.floor_msat_per_kwh), "")]
        parts += [("  pledged ", "dim"), (words.energy(book.pledged_sales_mwh), "")]
    return _line(*parts)


def _buying(book: pb.BatteryStatus) -> Text:
    pledged = (("  pledged ", "dim"), (words.energy(book.pledged_purchases_mwh), ""))
    if not book.bid_msat_per_kwh:
        return _line(("buys  ", "dim"), (f"nothing: {book.not_buying or '-'}", "yellow"), *pledged)
    return _line(
        ("buys  ", "dim"), (f"up to {words.rate(book.bid_msat_per_kwh)}", "bold"), *pledged
    )


def book_text(book: pb.BatteryStatus) -> Group:
    if book.kind == "prosumer":
        return Group(_line((words.surplus_line(book), "")), _selling(book))
    if not book.charge_known:
        return Group(_line((words.charge_line(book), "yellow")), _selling(book), _buying(book))
    share = words.charge_share(book)
    style = "red" if share <= 5 else "green"
    charge = _line(
        (words.charge_bar(book, width=10), style),
        (f" {share:3d}%  ", "bold"),
        (f"{words.energy(book.stored_mwh)} of {words.energy(book.capacity_mwh)}", ""),
        (
            f"  reserve {words.energy(book.reserve_mwh)}  max {words.energy(book.max_mwh)}",
            "dim",
        ),
    )
    return Group(charge, _selling(book), _buying(book))


class BatteryPanel(Static):
    """The battery's charge, offer and bid (a prosumer's surplus and offer)."""

    def show(self, status: pb.NodeStatus) -> None:
        self.display = status.HasField("battery")
        if not self.display:
            return
        book = status.battery
        self.border_title = "household PV" if book.kind == "prosumer" else "battery"
        self.update(book_text(book))
