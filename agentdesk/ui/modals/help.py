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
from agentdesk.ui.keys import COMPOSER_KEYS, MAIN_KEYS, effective_keys, key_label


def keys_table(keymap: dict[str, str]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column(_("key"), style="bold cyan", no_wrap=True)
    table.add_column(_("action"))
    table.add_column(_("id (for [keymap])"), style="dim", no_wrap=True)
    for title, specs in ((_("Inbox"), MAIN_KEYS), (_("Composer"), COMPOSER_KEYS)):
        table.add_row(Text(title, "bold underline"), "", "")
        for spec, keys in effective_keys(specs, keymap):
            table.add_row(key_label(keys), spec.description, spec.id)
    table.add_row(Text(_("Anywhere"), "bold underline"), "", "")
    table.add_row("ctrl+p", _("Command palette: actions, views, canned replies, themes"), "")
    table.add_row("/", _("in the composer, at the start of a line: canned reply by shortcode"), "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", _("Close"), id="help_close")]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="wide-dialog"):
            yield Static(Text(_("Keys"), "bold"), id="dialog-title")
            yield Static(keys_table(self.keymap))
            yield Static(Text(_("esc / q / ? close"), "dim"))

    def action_close(self) -> None:
        self.dismiss(None)
