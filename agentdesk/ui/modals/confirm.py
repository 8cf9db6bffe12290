"""A yes/no question answered with one key (y / n, enter / escape)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from agentdesk.i18n import _


class Confirm(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", _("Yes"), id="confirm_yes"),
        Binding("n,escape", "answer(False)", _("No"), id="confirm_no"),
    ]

    def __init__(self, title: str, body: str | Text, yes: str, no: str) -> None:
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(Text(self.title_text, "bold"), id="dialog-title")
            yield Static(self.body)
            yield Static(
                Text(f"y / enter: {self.yes}    n / esc: {self.no}", "dim"), id="dialog-keys"
            )

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
