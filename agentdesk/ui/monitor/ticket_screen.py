"""A conversation, read-only: a ticket picked from a queue, or the one an agent has open.

Reading leaves no trace: no viewing mark for agents to see, no unread state touched."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.store import reads
from agentdesk.store.presence import others_on_ticket, ticket_open_by
from agentdesk.ui.monitor.live import LiveScreen
from agentdesk.ui.monitor.render import banner
from agentdesk.ui.widgets.conversation import ConversationPane


class TicketScreen(LiveScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("q", "app.quit", _("Quit")),
    ]

    def __init__(self, ticket_id: int | None = None, *, follow: str | None = None) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.follow = follow

    def compose(self) -> ComposeResult:
        yield Static(id="banner")
        yield ConversationPane(id="monitor-conversation")
        yield Static(Text(_(" j/k scroll · esc back · q quit"), "dim"), id="keys")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ConversationPane).focus()

    def read(self, store):
        tid = self.ticket_id
        if self.follow is not None:
            tid = ticket_open_by(store, self.follow, self.app.clock())
        if tid is None:
            return None, []
        return reads.conversation(store, tid), others_on_ticket(store, tid, "")

    def show(self, data) -> None:
        conv, others = data
        zone = self.app.settings.agent.zone
        now = self.app.clock()
        if self.follow is not None:
            what = _("following {name}").format(name=self.follow)
            if conv is None:
                what += " · " + _("no ticket open")
        else:
            what = f"#{conv.ticket['remote_id']}" if conv else _("ticket gone")
        self.query_one("#banner", Static).update(banner(what, now, zone, self.app.store.frozen))
        self.query_one(ConversationPane).show(conv, list(others), zone, now)
