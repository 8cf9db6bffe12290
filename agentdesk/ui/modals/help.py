"""`?`: every key of the console, as remapped by the config's [keymap]."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.query import SEARCH_SYNTAX
from agentdesk.ui.keys import COMPOSER_KEYS, MAIN_KEYS, effective_keys, key_label


def keys_table(keymap: dict[str, str], unavailable: dict[str, str] | None = None) -> Table:
    """Every key; those the tickets in hand do not allow are dimmed, with the reason."""
    unavailable = unavailable or {}
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    # Text objects throughout: "[keymap]" must not be read as markup.
    table.add_column(Text(_("key")), style="bold cyan", no_wrap=True)
    table.add_column(Text(_("action")))
    table.add_column(Text(_("id, for the config's [keymap]")), style="dim", no_wrap=True)
    for title, specs in ((_("Inbox"), MAIN_KEYS), (_("Composer"), COMPOSER_KEYS)):
        table.add_row(Text(title, "bold underline"), Text(""), Text(""))
        for spec, keys in effective_keys(specs, keymap):
            if spec.id.startswith("view_") and spec.id != "view_1":
                continue  # 1-9 are one row
            if spec.id == "view_1":
                table.add_row(
                    Text("1 … 9"), Text(_("Switch to view 1 … 9")), Text("view_1 … view_9")
                )
                continue
            why = unavailable.get(spec.id)
            if why:
                action = Text(spec.description, "dim strike")
                action.append("  " + _("not for this ticket: {why}").format(why=why), "yellow")
                table.add_row(Text(key_label(keys), "dim"), action, Text(spec.id))
            else:
                table.add_row(Text(key_label(keys)), Text(spec.description), Text(spec.id))
    table.add_row(Text(_("Anywhere"), "bold underline"), Text(""), Text(""))
    table.add_row(
        Text("ctrl+p"), Text(_("Command palette: actions, views, canned replies, themes")), Text("")
    )
    table.add_row(
        Text("/"),
        Text(_("In the composer, at the start of a line: canned reply by shortcode")),
        Text(""),
    )
    return table


def search_table() -> Table:
    """What the `/` bar understands: agents search the way customers talk."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column(Text(_("type")), style="bold cyan", no_wrap=True)
    table.add_column(Text(_("finds")), ratio=1)
    for example, meaning in SEARCH_SYNTAX:
        table.add_row(Text(example), Text(meaning))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", _("Close"), id="help_close")]

    def __init__(self, keymap: dict[str, str], unavailable: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        self.unavailable = unavailable or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="wide-dialog"):
            yield Static(Text(_("Keys"), "bold"), id="dialog-title")
            yield Static(keys_table(self.keymap, self.unavailable))
            yield Static(Text("\n" + _("Search ( / )"), "bold"))
            yield Static(search_table())
            yield Static(Text(_("esc / q / ? close"), "dim"))

    def action_close(self) -> None:
        self.dismiss(None)
