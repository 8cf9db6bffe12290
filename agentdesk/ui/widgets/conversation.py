"""The right-hand pane: the ticket header with SLA timers, the customer card, the thread."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.store.reads import Conversation
from agentdesk.ui.conversation_render import THREAD_PARTS, customer_card, header, thread
from agentdesk.ui.widgets.thread_view import ThreadView


class ConversationPane(Vertical):
    """The ticket header and customer card stay put above the scrolling thread."""

    COMPONENT_CLASSES = {f"conversation--{p.replace('_', '-')}" for p in THREAD_PARTS}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ticket_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="conv-header")
        yield Static(id="conv-card")
        yield ThreadView(id="conv-thread")

    def _styles(self) -> dict:
        return {
            p: self.get_component_rich_style(f"conversation--{p.replace('_', '-')}", partial=True)
            for p in THREAD_PARTS
        }

    def show(
        self,
        conv: Conversation | None,
        others: list,
        zone: dt.tzinfo | None,
        now: float,
    ) -> None:
        changed = conv is None or conv.ticket["id"] != self.ticket_id
        if conv is None:
            self.ticket_id = None
            self.query_one("#conv-header", Static).update(Text(_("No ticket selected."), "dim"))
            self.query_one("#conv-card", Static).update("")
            self.query_one(ThreadView).show(Text(), to_end=False)
            return
        self.ticket_id = conv.ticket["id"]
        view = self.query_one(ThreadView)
        at_end = view.pinned
        self.query_one("#conv-header", Static).update(header(conv, others, now))
        self.query_one("#conv-card", Static).update(customer_card(conv, zone, now))
        # A new message shows when the agent was reading the latest one.
        view.show(thread(conv, zone, now, self._styles()), to_end=changed or at_end)
