"""One queue's tickets, SLA order, for reading (the first 500; a supervisor reads, not works)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.store import reads
from agentdesk.store.views import View
from agentdesk.text import one_line, pad_cells
from agentdesk.ui.format import age, countdown
from agentdesk.ui.monitor.live import LiveScreen
from agentdesk.ui.monitor.render import banner
from agentdesk.ui.monitor.ticket_screen import TicketScreen
from agentdesk.ui.widgets.choice_list import ChoiceList

LIMIT = 500


class QueueScreen(LiveScreen):
    BINDINGS = [
        Binding("j,down", "move(1)", show=False),
        Binding("k,up", "move(-1)", show=False),
        Binding("enter", "open", _("Read")),
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("q", "app.quit", _("Quit")),
    ]

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view
        self.rows: list = []

    def compose(self) -> ComposeResult:
        yield Static(id="banner")
        yield ChoiceList(id="queue-list")
        yield Static(Text(_(" j/k move · enter read · esc back · q quit"), "dim"), id="keys")

    def read(self, store):
        return reads.page(store, self.view.filter, "sla", limit=LIMIT), reads.count(
            store, self.view.filter
        )

    def show(self, data) -> None:
        rows, total = data
        now = self.app.clock()
        title = f"{one_line(self.view.title)} ({total:,})"
        self.query_one("#banner", Static).update(
            banner(title, now, self.app.settings.agent.zone, self.app.store.frozen)
        )
        chosen = self.rows[self.list.index]["id"] if self.rows else None
        self.rows = rows
        lines = []
        for r in rows:
            line = Text(no_wrap=True)
            line.append(countdown(r["due_key"], now).rjust(7) + "  ")
            line.append(pad_cells(one_line(r["customer_name"]) or "—", 12) + " ")
            line.append(pad_cells(one_line(r["subject"]) or "—", 40) + " ")
            line.append(age(r["last_message_at"] or r["created_at"], now).rjust(5) + "  ", "dim")
            line.append(one_line(r["assignee_name"]) or "—", "dim")
            lines.append(line)
        index = next((i for i, r in enumerate(rows) if r["id"] == chosen), self.list.index)
        self.list.set_items(lines, index)

    @property
    def list(self) -> ChoiceList:
        return self.query_one(ChoiceList)

    def action_move(self, delta: int) -> None:
        self.list.move(delta)

    def action_open(self) -> None:
        if self.rows:
            self.app.push_screen(TicketScreen(self.rows[self.list.index]["id"]))
