"""One line of input (a tag list, a view name): enter accepts, escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from agentdesk.i18n import _
from agentdesk.ui.type_ahead import TypeAhead


class Prompt(TypeAhead, ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="prompt_cancel")]

    def __init__(self, title: str, hint: str, value: str = "") -> None:
        super().__init__()
        self.title_text, self.hint, self.value = title, hint, value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="prompt"):
            yield Static(Text(self.title_text, "bold"), id="dialog-title")
            yield Input(value=self.value, id="prompt-input")
            yield Static(Text(self.hint, "dim"), id="dialog-keys")

    def on_mount(self) -> None:
        self.take_typed_ahead()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
