"""The right-hand pane: ticket header with SLA timers, customer card, then the thread.

One Line API widget. Header and card stay at the top; below them the thread scrolls
(j/k, g/G, PgUp/PgDn when the pane has focus) and starts at the newest message. When the
ticket under the cursor changes, only the screen lines that differ from the last frame
are repainted: blank lines, rules and any line the two conversations share cost nothing
on the wire, which matters on a slow SSH link.
"""

from __future__ import annotations

import datetime as dt

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from agentdesk.i18n import _
from agentdesk.store.reads import Conversation
from agentdesk.store.snooze import SnoozeState
from agentdesk.ui.conversation_render import (
    THREAD_PARTS,
    customer_card,
    header,
    snooze_line,
    thread,
)
from agentdesk.ui.strip_diff import changed_span
from agentdesk.ui.wrapped_text import broken_lines

_TOP_SHARE = 0.5  # header and card take at most this share of the pane's height


class ConversationPane(Widget, can_focus=True):
    COMPONENT_CLASSES = {
        "conversation--card",
        "conversation--rule",
        "conversation--focused",
        *(f"conversation--{p.replace('_', '-')}" for p in THREAD_PARTS),
    }
    BINDINGS = [
        Binding("j,down", "scroll_lines(1)", show=False),
        Binding("k,up", "scroll_lines(-1)", show=False),
        Binding("pagedown", "scroll_page(1)", show=False),
        Binding("pageup", "scroll_page(-1)", show=False),
        Binding("g,home", "scroll_edge(False)", show=False),
        Binding("G,end", "scroll_edge(True)", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ticket_id: int | None = None
        self._texts: tuple[Text, Text, Text] = (Text(_("No ticket selected.")), Text(), Text())
        self._top: list[Strip] = []
        self._thread: list[Strip] = []
        self._width = 0
        self._first_line = 0  # the first thread line on screen
        self.pinned = True  # showing the newest line; stays so as messages arrive
        self._painted: list[Strip] = []  # the frame on screen, to repaint only what differs
        self._styles: dict[str, Style] = {}
        self._styles_theme: str | None = None

    @property
    def thread_plain(self) -> str:
        return self._texts[2].plain

    # -- content -------------------------------------------------------------------------

    def show(
        self,
        conv: Conversation | None,
        others: list,
        zone: dt.tzinfo | None,
        now: float,
        snoozed: SnoozeState | None = None,
    ) -> None:
        if conv is None:
            self.ticket_id = None
            self._texts = (Text(_("No ticket selected."), "dim"), Text(), Text())
            self._layout(to_end=True)
            return
        new_ticket = conv.ticket["id"] != self.ticket_id
        self.ticket_id = conv.ticket["id"]
        self._texts = (
            header(conv, others, now, snooze_line(snoozed, zone, now)),
            customer_card(conv, zone, now),
            thread(conv, zone, now, self._thread_styles()),
        )
        self._layout(to_end=new_ticket or self.pinned)

    def _thread_styles(self) -> dict[str, Style]:
        """The theme's style of each part of a thread, looked up once per theme (2 ms of
        every conversation shown, when looked up each time)."""
        theme = self.app.theme
        if self._styles_theme != theme:
            self._styles = {
                p: self.get_component_rich_style(
                    f"conversation--{p.replace('_', '-')}", partial=True
                )
                for p in THREAD_PARTS
            }
            self._styles_theme = theme
        return self._styles

    def _render(self, text: Text, width: int, style: Style) -> list[Strip]:
        console = self.app.console
        options = console.options.update_width(max(1, width)).reset_height()
        text = broken_lines(text, width)
        margin = Segment(" ", style)
        # simplify(): neighbouring runs of one style become one, so one escape sequence
        # goes to the terminal instead of several.
        return [
            Strip([margin, *Segment.apply_style(line, style)])
            .adjust_cell_length(width + 1, style)
            .simplify()
            for line in console.render_lines(text, options, style=style, pad=True)
        ]

    def _layout(self, *, to_end: bool) -> None:
        width = max(10, self.size.width - 1)
        self._width = self.size.width
        base = self.rich_style
        head, card, body = self._texts
        top = self._render(head, width, base)
        if card.plain:
            card_style = base + self.get_component_rich_style("conversation--card")
            top += self._render(card, width, card_style)
        self._top = top[: max(1, int(self.size.height * _TOP_SHARE))]
        self._thread = self._render(body, width, base) if body.plain else []
        if to_end:
            self._first_line = max(0, len(self._thread) - self._thread_height())
        self._clamp()
        self._repaint_changed()

    # -- scrolling -----------------------------------------------------------------------

    def _thread_height(self) -> int:
        return max(1, self.size.height - len(self._top) - 1)

    def _clamp(self) -> None:
        last = max(0, len(self._thread) - self._thread_height())
        self._first_line = max(0, min(self._first_line, last))
        self.pinned = self._first_line >= last

    def action_scroll_lines(self, delta: int) -> None:
        self._first_line += delta
        self._clamp()
        self._repaint_changed()

    def action_scroll_page(self, direction: int) -> None:
        self.action_scroll_lines(direction * max(1, self._thread_height() - 1))

    def action_scroll_edge(self, end: bool) -> None:
        self._first_line = len(self._thread) if end else 0
        self._clamp()
        self._repaint_changed()

    def show_newest(self) -> None:
        """Scroll to the newest message and stay there as messages arrive (the agent is
        about to answer it, or has just sent a reply and wants to see it go out)."""
        self.action_scroll_edge(True)

    def on_resize(self) -> None:
        self._layout(to_end=self.pinned)

    # -- drawing -------------------------------------------------------------------------

    def _rule(self) -> Strip:
        """Between the card and the thread; says how much of the thread is out of view."""
        style = self.rich_style + self.get_component_rich_style("conversation--rule")
        above = self._first_line
        below = max(0, len(self._thread) - self._first_line - self._thread_height())
        words = []
        if above:
            words.append(_("↑ {n} earlier lines").format(n=above))
        if below:
            words.append(_("↓ {n} newer").format(n=below))
        if self.has_focus:
            words.append(_("j/k · esc"))
            style += self.get_component_rich_style("conversation--focused")
        label = f" {' · '.join(words)} " if words else ""
        line = "╍" * 2 + label + "╍" * max(0, self.size.width - 2 - len(label))
        return Strip([Segment(line, style)]).adjust_cell_length(self.size.width, style)

    def _line(self, y: int) -> Strip:
        if y < len(self._top):
            return self._top[y]
        if y == len(self._top):
            return self._rule()
        index = self._first_line + y - len(self._top) - 1
        if 0 <= index < len(self._thread):
            return self._thread[index]
        return Strip.blank(self.size.width, self.rich_style)

    def _repaint_changed(self) -> None:
        frame = [self._line(y) for y in range(self.size.height)]
        if len(frame) != len(self._painted):
            self.refresh()
        else:
            for y, (old, new) in enumerate(zip(self._painted, frame, strict=True)):
                # Only the cells that differ: two tickets' lines often share their start
                # (a margin, a label) and their end (the padding after shorter text).
                if old != new and (span := changed_span(old, new)):
                    self.refresh(Region(span[0], y, span[1] - span[0], 1))
        self._painted = frame

    def render_line(self, y: int) -> Strip:
        if y < len(self._painted):
            return self._painted[y]
        return self._line(y)

    def on_focus(self) -> None:
        self._repaint_changed()

    def on_blur(self) -> None:
        self._repaint_changed()

    def notify_style_update(self) -> None:
        # A theme change: the drawn lines carry the old colours.
        super().notify_style_update()
        if self.is_mounted and self._painted:
            self._layout(to_end=self.pinned)
