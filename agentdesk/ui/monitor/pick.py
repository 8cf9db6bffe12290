"""Pick one of a short list (a queue, an agent): j/k or arrows, enter, escape."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.ui.widgets.choice_list import ChoiceList


class Pick(ModalScreen[int | None]):
    BINDINGS = [
        Binding("j,down", "move(1)", show=False),
        Binding("k,up", "move(-1)", show=False),
        Binding("enter", "choose", _("Open")),
        Binding("escape", "cancel", _("Back")),
    ]

    def __init__(self, title: str, labels: list[str]) -> None:
        super().__init__()
        self.title_text, self.labels = title, labels

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide-dialog"):
            yield Static(Text(self.title_text, "bold"), id="dialog-title")
            yield ChoiceList(id="pick-list")
            yield Static(Text(_("j/k move · enter open · esc back"), "dim"), id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(ChoiceList).set_items([Text(label) for label in self.labels])

    def action_move(self, delta: int) -> None:
        self.query_one(ChoiceList).move(delta)

    def action_choose(self) -> None:
        self.dismiss(self.query_one(ChoiceList).index if self.labels else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
