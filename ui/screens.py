"""The two dialogs: stopping a session by hand, and a session's receipt, checked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from gridnode.ui.receipts import ReceiptView

DIALOG_CSS = """
ConfirmStop, ReceiptInfo { align: center middle; }
#dialog { width: 64; max-width: 95%; height: auto; border: thick $accent; padding: 0 1;
          background: $surface; }
#dialog Horizontal { height: auto; align-horizontal: right; }
#dialog Button { margin: 0 1; min-width: 10; }
#receipt { width: 100%; height: 100%; border: thick $accent; padding: 0 1;
           background: $surface; }
#receipt-title { text-style: bold; }
#verdict { height: auto; max-height: 8; color: $success; }
#verdict.-bad { color: $error; text-style: bold; }
#receipt-body { height: 1fr; }
#receipt Horizontal { height: auto; align-horizontal: right; }
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


#: The dialog's content: at hand, or asked of the node (a long session's receipt takes
#: the node a moment to build and check).
ReceiptLoad = Callable[[], ReceiptView | Awaitable[ReceiptView]]


class ReceiptInfo(ModalScreen[None]):
    """A session's receipt, as the node built it from its ledger and checked it with its
    own fingerprint and the peer's; the dialog stays responsive while the node works."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [("escape,enter,r,q", "close", "Close")]

    def __init__(self, label: str, load: ReceiptLoad) -> None:
        super().__init__()
        self.label = label
        self.load = load

    def compose(self) -> ComposeResult:
        with Vertical(id="receipt"):
            yield Static(f"Receipt of the session with {self.label}", id="receipt-title")
            yield Static("asking the node…", id="verdict")
            with VerticalScroll(id="receipt-body"):
                yield Static("", id="receipt-text")
            with Horizontal():
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        # in a worker: the dialog closes at once even while a slow node is still answering
        self.run_worker(self._show(), exclusive=True)

    async def _show(self) -> None:
        loaded = self.load()
        shown = loaded if isinstance(loaded, ReceiptView) else await loaded
        verdict = self.query_one("#verdict", Static)
        verdict.update(shown.verdict)
        verdict.set_class(not shown.ok, "-bad")
        body = shown.text
        if shown.command:
            body += f"\nExport it for someone else to check:\n  {shown.command}\n"
        self.query_one("#receipt-text", Static).update(body)

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
