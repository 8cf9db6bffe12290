"""The right-hand pane: the ticket header with SLA timers, the customer card, the thread."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.store.reads import Conversation
from agentdesk.ui.conversation_render import customer_card, header, thread

_PARTS = ("customer", "agent", "note", "note_body", "event", "queued", "failed", "attachment")


class Thread(VerticalScroll, can_focus=True):
    """The messages: the one part of the pane that scrolls (enter focuses it; j/k scroll)."""

    BINDINGS = [
        ("j", "scroll_down", ""),
        ("k", "scroll_up", ""),
        ("g", "scroll_home", ""),
        ("G", "scroll_end", ""),
    ]


class ConversationPane(Vertical):
    """The ticket header and customer card stay put above the scrolling thread."""

    COMPONENT_CLASSES = {f"conversation--{p.replace('_', '-')}" for p in _PARTS}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ticket_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="conv-header")
        yield Static(id="conv-card")
        with Thread(id="conv-scroll"):
            yield Static(id="conv-thread")

    def _styles(self) -> dict:
        return {
            p: self.get_component_rich_style(f"conversation--{p.replace('_', '-')}", partial=True)
            for p in _PARTS
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
            self.query_one("#conv-thread", Static).update("")
            return
        self.ticket_id = conv.ticket["id"]
        scroll = self.query_one(Thread)
        at_end = scroll.scroll_y >= scroll.max_scroll_y - 1
        self.query_one("#conv-header", Static).update(header(conv, others, now))
        self.query_one("#conv-card", Static).update(customer_card(conv, zone, now))
        self.query_one("#conv-thread", Static).update(thread(conv, zone, now, self._styles()))
        if changed or at_end:  # a new message shows when the agent was reading the latest
            self.call_after_refresh(scroll.scroll_end, animate=False, immediate=True)
