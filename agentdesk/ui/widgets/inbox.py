"""The inbox: a Line API widget that draws only the visible rows of a view of any size.

The scroll height is the view's row count; `render_line` asks the window for the row at
that index (fetched by keyset when missing) and draws it from a small cache, so a key
press repaints two lines, not the screen. After a refresh only the lines whose row
changed are repainted.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from agentdesk.ui.inbox_window import InboxWindow, Slice, key_of
from agentdesk.ui.row_format import render_row
from agentdesk.ui.strip_diff import changed_span

_CACHE = 400
# Rows drawn ahead after each move (about a millisecond): half a page is ready well before
# the cursor reaches the edge.
_AHEAD_PER_MOVE = 4
_AHEAD_AFTER = 0.02  # seconds after the move: a frame is painted within 1/60 s


class Inbox(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "inbox--cursor",
        "inbox--mark",
        "inbox--unread",
        "inbox--badge",
        "inbox--breached",
        "inbox--sla",
        "inbox--dim",
        "inbox--queued",
        "inbox--failed",
        "inbox--viewing",
        "inbox--typing",
    }

    class CursorMoved(Message):
        def __init__(self, ticket_id: int | None) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.window: InboxWindow | None = None
        self.cursor = 0
        self.marked: set[int] = set()
        self.marked_connectors: dict[int, str] = {}  # what each marked ticket's platform is
        self._lines: OrderedDict[tuple, Strip] = OrderedDict()
        self._ahead_timer = None  # the pending _draw_ahead after the last move
        self._minute = int(clock() // 60)  # the minute the lines on screen were drawn in
        self._style_cache: tuple[str, dict[str, Style]] | None = None
        self.assignee_column = True  # off where every ticket is the agent's own (Mine)

    # -- data -------------------------------------------------------------------------

    def set_window(self, window: InboxWindow, s: Slice) -> None:
        """Show a new view (or a fresh read of this one) with the cursor at `s.cursor`."""
        old_id = self.current_id()
        screen_row = self.cursor - int(self.scroll_offset.y)
        visible_before = self._visible_signatures()
        self.window = window
        window.load(s)
        self.cursor = s.cursor if s.total else 0
        self.virtual_size = Size(self.size.width, window.total)
        # Keep the cursor on the same screen row, so arriving tickets do not move the agent.
        top = max(0, self.cursor - max(0, min(screen_row, self.size.height - 1)))
        if int(self.scroll_offset.y) != top:
            self.scroll_to(y=top, animate=False, immediate=True)
            self.refresh()
        else:
            after = self._visible_signatures()
            for y, sig in after.items():
                if visible_before.get(y) != sig:
                    self.refresh_line(y)
        if self.current_id() != old_id:
            self.post_message(self.CursorMoved(self.current_id()))

    def current_row(self):
        return self.window.get(self.cursor) if self.window else None

    def current_id(self) -> int | None:
        row = self.current_row()
        return row["id"] if row is not None else None

    def anchor(self) -> tuple[int | None, tuple | None]:
        row = self.current_row()
        if row is None or self.window is None:
            return None, None
        return row["id"], key_of(row, self.window.order)

    def _visible_signatures(self) -> dict[int, tuple]:
        if self.window is None:
            return {}
        top = int(self.scroll_offset.y)
        out = {}
        for y in range(top, top + self.size.height):
            row = self.window.get(y) if self._loaded(y) else None
            out[y] = (tuple(row), y == self.cursor) if row is not None else None
        return out

    # -- movement ---------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if self.window is None or self.window.total == 0:
            return
        index = max(0, min(index, self.window.total - 1))
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        self.refresh_line(old)
        self.refresh_line(index)
        self._scroll_to_cursor()
        # Once the frame is out: Textual's writer thread sends it, and drawing now would
        # hold the interpreter it needs (a millisecond more per j). One pending at a time:
        # a held key draws ahead in its pauses, not once per key.
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(
            _AHEAD_AFTER, partial(self._draw_ahead, 1 if index > old else -1)
        )
        self.post_message(self.CursorMoved(self.current_id()))

    def move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def _scroll_to_cursor(self) -> None:
        # Leaving the screen scrolls by half a page, not a line: every scroll repaints the
        # whole inbox, so over SSH one repaint per half page beats one per key.
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        if top <= self.cursor < top + height:
            return
        if self.cursor < top:
            y = max(0, self.cursor - height // 2) if top - self.cursor == 1 else self.cursor
        else:
            step = self.cursor - (top + height - 1)
            y = self.cursor - height // 2 if step == 1 else self.cursor - height + 1
        self.scroll_to(y=max(0, y), animate=False, immediate=True)

    # The scroll keys a ScrollView binds move the cursor here, as j/k do.
    def action_scroll_down(self) -> None:
        self.move(1)

    def action_scroll_up(self) -> None:
        self.move(-1)

    def action_page_down(self) -> None:
        self.move(max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self.move(-max(1, self.size.height - 1))

    def action_scroll_home(self) -> None:
        self.move_to(0)

    def action_scroll_end(self) -> None:
        if self.window is not None:
            self.move_to(self.window.total - 1)

    def on_click(self, event) -> None:
        """A click selects the row under the pointer (the keyboard stays primary; the wheel
        scrolls the list as any scroll view does)."""
        if self.window is None or not self.window.total:
            return
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < self.window.total:
            self.focus()
            self.move_to(index)

    def toggle_mark(self) -> None:
        row = self.current_row()
        if row is None:
            return
        tid = row["id"]
        if tid in self.marked:
            self.marked.discard(tid)
            self.marked_connectors.pop(tid, None)
        else:
            self.marked.add(tid)
            self.marked_connectors[tid] = row["connector"]
        self.refresh_line(self.cursor)

    def clear_marks(self) -> None:
        self.marked.clear()
        self.marked_connectors.clear()
        self.refresh()

    def on_resize(self) -> None:
        if self.window is not None:
            self.virtual_size = Size(self.size.width, self.window.total)
        self._scroll_to_cursor()

    def tick(self) -> None:
        """Ages and countdowns move once a minute: repaint then, and only the cells whose
        text changed (an idle console on a shared host sends a few bytes a minute, not the
        whole inbox)."""
        minute = int(self.clock() // 60)
        if minute == self._minute:
            return
        before, self._minute = self._minute, minute
        if self.window is None:
            return
        top = int(self.scroll_offset.y)
        for y in range(self.size.height):
            row = self.window.get(top + y) if self._loaded(top + y) else None
            if row is None:
                continue
            old = self._lines.get(self._line_key(row, top + y, before))
            new = self.render_line(y)
            if old is None:
                self.refresh(Region(0, y, self._row_width(), 1))
            elif span := changed_span(old, new):
                self.refresh(Region(span[0], y, span[1] - span[0], 1))

    def _loaded(self, index: int) -> bool:
        """Whether the window holds row `index` (never a read: the tick is not a key)."""
        return self.window is not None and 0 <= index - self.window.start < len(self.window.rows)

    # -- drawing ----------------------------------------------------------------------

    def _styles(self) -> dict[str, Style]:
        # Looked up once per theme, not for every line drawn on a key press.
        if self._style_cache is not None and self._style_cache[0] == self.app.theme:
            return self._style_cache[1]
        names = [c.removeprefix("inbox--") for c in self.COMPONENT_CLASSES if c != "inbox--cursor"]
        styles = {n: self.get_component_rich_style(f"inbox--{n}", partial=True) for n in names}
        styles["unread_subject"] = Style(bold=True)
        self._style_cache = (self.app.theme, styles)
        return styles

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        row = self.window.get(index) if self.window else None
        if row is None:
            return Strip.blank(self.size.width, self.rich_style)
        return self._line(row, index, self._line_key(row, index, int(self.clock() // 60)))

    def _draw_ahead(self, direction: int) -> None:
        """After a move's frame is out: draw a few of the rows the next half-page scroll will
        show, so that scroll's frame takes its lines from the cache rather than drawing
        half a page at once (the slowest `j` of a run)."""
        if self.window is None:
            return
        top, height = int(self.scroll_offset.y), max(1, self.size.height)
        if direction > 0:
            indexes = range(top + height, min(self.window.total, top + height + height // 2 + 1))
        else:
            indexes = range(top - 1, max(-1, top - height // 2 - 2), -1)
        minute, drawn = int(self.clock() // 60), 0
        for index in indexes:
            if drawn >= _AHEAD_PER_MOVE:
                return
            row = self.window.get(index)
            key = self._line_key(row, index, minute) if row is not None else None
            if key is not None and key not in self._lines:
                self._line(row, index, key)
                drawn += 1

    def _line(self, row, index: int, key: tuple) -> Strip:
        """Row `index` drawn, from the cache when it holds the line for `key`."""
        strip = self._lines.get(key)
        if strip is not None:
            self._lines.move_to_end(key)
            return strip
        width = self.size.width
        base = self.rich_style
        selected = index == self.cursor
        marked = row["id"] in self.marked
        text = render_row(
            row, width, self.clock(), self._styles(), marked=marked, assignee=self.assignee_column
        )
        cursor = self.get_component_rich_style("inbox--cursor") if selected else None
        segments = Segment.apply_style(text.render(self.app.console), base, cursor)
        fill = base + cursor if cursor else base
        strip = Strip(list(segments)).adjust_cell_length(width, fill).simplify()
        self._lines[key] = strip
        if len(self._lines) > _CACHE:
            self._lines.popitem(last=False)
        return strip

    def _line_key(self, row, index: int, minute: int) -> tuple:
        """What a drawn line depends on: the row, its state, the minute (ages) and the look."""
        selected = index == self.cursor
        return (
            tuple(row),
            selected,
            row["id"] in self.marked,
            self.size.width,
            minute,
            self.has_focus and selected,
            self.app.theme,
            self.assignee_column,
        )

    def refresh_line(self, y: int) -> None:
        """Repaint row `y`'s cells only: ScrollView's own also repaints the scrollbar beside
        it, which a key press never moves (bytes over SSH on every j)."""
        self.refresh(Region(0, y - int(self.scroll_offset.y), self._row_width(), 1))

    def _row_width(self) -> int:
        """The cells of a row the agent sees: the widget less its scrollbar."""
        return self.scrollable_content_region.width

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)
