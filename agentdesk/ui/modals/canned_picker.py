"""The canned-reply picker: type to filter, see the reply filled in for this ticket, insert.

Opened on a ticket with an empty query, the three replies most relevant to the customer's
last message come first (marked ★). An unknown placeholder, or one with no value and no
fallback, is shown in red and blocks inserting until the agent presses enter a second
time to insert it as written (and fix it in the composer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from agentdesk.canned.library import CannedEntry
from agentdesk.canned.render import PLACEHOLDER, macro_effects, render
from agentdesk.canned.search import CannedIndex, Hit
from agentdesk.i18n import _, p_
from agentdesk.text import one_line, sanitize
from agentdesk.ui.type_ahead import TypeAhead
from agentdesk.ui.widgets.choice_list import ChoiceList
from agentdesk.ui.wrapped_text import broken_lines


@dataclass(frozen=True)
class Picked:
    entry: CannedEntry
    text: str


def preview_text(template: str, values: Mapping[str, str | None], problem_style: str) -> Text:
    """The reply as it will be inserted, with problem placeholders left and highlighted."""
    out = Text()
    pos = 0
    for m in PLACEHOLDER.finditer(template):
        out.append(sanitize(template[pos : m.start()]))
        piece = render(m.group(0), values)
        out.append(sanitize(piece.text), problem_style if piece.problems else "bold")
        pos = m.end()
    out.append(sanitize(template[pos:]))
    return out


class CannedPicker(TypeAhead, ModalScreen[Picked | None]):
    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="picker_cancel"),
        Binding("down,ctrl+n", "move(1)", _("Next"), show=False, id="picker_next"),
        Binding("up", "move(-1)", _("Previous"), show=False, id="picker_previous"),
        Binding("pagedown", "move(10)", show=False, id="picker_page_down"),
        Binding("pageup", "move(-10)", show=False, id="picker_page_up"),
    ]

    def __init__(
        self,
        index: CannedIndex,
        values: Mapping[str, str | None],
        customer_text: str,
        query: str = "",
        title: str = "",
    ) -> None:
        super().__init__()
        self.index = index
        self.values = values
        self.customer_text = customer_text
        self.initial_query = query
        self.title_text = title or _("Canned replies")
        self.hits: list[Hit] = []
        self._confirming: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="wide-dialog"):
            yield Static(Text(self.title_text, "bold"), id="dialog-title")
            yield Input(
                value=self.initial_query,
                placeholder=_("title, shortcode or words"),
                id="picker-query",
            )
            with Horizontal(id="picker-body"):
                yield ChoiceList(id="picker-list")
                with VerticalScroll(id="picker-preview-box"):
                    yield Static(id="picker-preview")
            yield Static(id="picker-effects")
            yield Static(
                Text(_("enter insert · ↑↓ choose · esc cancel"), "dim"), id="picker-status"
            )

    def on_mount(self) -> None:
        self.take_typed_ahead()
        self._filter(self.query_one(Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        self.hits = self.index.picker_list(query, self.customer_text)
        items = []
        for h in self.hits:
            line = Text()
            line.append("★ " if h.suggested else "  ", "bold yellow")
            if h.entry.shortcode:
                line.append(f"/{one_line(h.entry.shortcode)} ", "cyan")
            line.append(one_line(h.entry.title))
            items.append(line)
        if not items:
            items = [Text(_("No canned reply matches."), "dim")]
        self.query_one(ChoiceList).set_items(items)
        self._confirming = None
        self._show_preview()

    @property
    def current(self) -> Hit | None:
        i = self.query_one(ChoiceList).index
        return self.hits[i] if 0 <= i < len(self.hits) else None

    def _show_preview(self) -> None:
        hit = self.current
        preview = self.query_one("#picker-preview", Static)
        effects = self.query_one("#picker-effects", Static)
        if hit is None:
            preview.update("")
            effects.update("")
            return
        # Broken by Chinese rules at the pane's width (half the dialog before the first
        # layout), so a reply never wraps as `…到账` / `。`.
        width = preview.content_size.width or max(20, self.size.width // 2 - 4)
        text = preview_text(hit.entry.body, self.values, "bold reverse red")
        preview.update(broken_lines(text, width))
        words = macro_effects(hit.entry.actions)
        effects.update(
            Text(_("Sending it also ") + p_("list", "; ").join(words), "bold yellow")
            if words
            else Text("")
        )
        self._status(Text(_("enter insert · ↑↓ choose · esc cancel"), "dim"))

    def _status(self, text: Text) -> None:
        self.query_one("#picker-status", Static).update(text)

    def action_move(self, delta: int) -> None:
        self.query_one(ChoiceList).move(delta)
        self._confirming = None
        self._show_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        hit = self.current
        if hit is None:
            return
        rendered = render(hit.entry.body, self.values)
        if rendered.problems and self._confirming != hit.entry.key:
            self._confirming = hit.entry.key
            problems = p_("list", "; ").join(p.message for p in rendered.problems)
            self._status(
                Text(problems + " — " + _("press enter again to insert it as written"), "bold red")
            )
            return
        self.dismiss(Picked(hit.entry, rendered.text))

    def action_cancel(self) -> None:
        self.dismiss(None)
