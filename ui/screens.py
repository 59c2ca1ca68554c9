"""The two dialogs: stopping a session by hand, and a session's receipt."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

DIALOG_CSS = """
ConfirmStop, ReceiptInfo { align: center middle; }
#dialog { width: 64; max-width: 95%; height: auto; border: thick $accent; padding: 0 1;
          background: $surface; }
#dialog Horizontal { height: auto; align-horizontal: right; }
#dialog Button { margin: 0 1; min-width: 10; }
"""


class ConfirmStop(ModalScreen[bool]):
    """Asks before a seller stops a session: the relay goes off and the session closes."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        ("y", "answer(True)", "Stop it"),
        ("n,escape", "answer(False)", "Keep it"),
    ]

    def __init__(self, label: str, session_id: str, control_allowed: bool) -> None:
        super().__init__()
        self.label = label
        self.session_id = session_id
        self.control_allowed = control_allowed

    def compose(self) -> ComposeResult:
        text = (
            f"Stop the session with {self.label} ({self.session_id or 'no id yet'})?\n"
            "The relay goes off, the session closes and its deposit is released or settled."
        )
        if not self.control_allowed:
            text += "\nNote: this node runs without --allow-control and will refuse."
        with Vertical(id="dialog"):
            yield Static(text)
            with Horizontal():
                yield Button("Stop session (y)", variant="error", id="yes")
                yield Button("Keep it (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ReceiptInfo(ModalScreen[None]):
    """Where a session's receipt will come from. Receipts are not built yet: this says
    so, and where the ledger that backs them is, rather than showing a made-up one."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [("escape,enter,r,q", "close", "Close")]

    def __init__(self, label: str, session_id: str, ledger_path: str) -> None:
        super().__init__()
        self.label = label
        self.session_id = session_id
        self.ledger_path = ledger_path

    def compose(self) -> ComposeResult:
        ledger = self.ledger_path or "not reported by this node (see its gridnode.toml, 'ledger')"
        text = (
            f"Receipt of the session with {self.label}\n\n"
            "Receipts are not available yet in this version of gridnode.\n"
            "Every reading, payment and switch of the session is in the node's ledger:\n"
            f"  session id  {self.session_id or '-'}\n"
            f"  ledger      {ledger}\n"
        )
        with Vertical(id="dialog"):
            yield Static(text)
            with Horizontal():
                yield Button("Close", id="close")

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
