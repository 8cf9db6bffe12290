"""The thread of a conversation as a Line API widget: the text is laid out once per
ticket (and per width), the view starts at the newest message, and a new ticket costs
one repaint of the pane, not a paint and then a second one to scroll to the end."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class ThreadView(ScrollView, can_focus=True):
    BINDINGS = [
        ("j", "scroll_down", ""),
        ("k", "scroll_up", ""),
        ("g", "scroll_home", ""),
        ("G", "scroll_end", ""),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text()
        self._lines: list[Strip] = []
        self._width = 0
        self.pinned = True  # showing the newest line: stays so as the pane resizes or grows

    @property
    def plain(self) -> str:
        return self._text.plain

    def show(self, text: Text, *, to_end: bool) -> None:
        self._text = text
        self._layout(to_end)

    def _layout(self, to_end: bool) -> None:
        width = max(10, self.scrollable_content_region.width or self.size.width)
        self._width = width
        console = self.app.console
        options = console.options.update_width(width).reset_height()  # every line, not a screenful
        base = self.rich_style
        lines = console.render_lines(self._text, options, style=base, pad=True)
        self._lines = [
            Strip(Segment.apply_style(line, base)).adjust_cell_length(width, base) for line in lines
        ]
        self.virtual_size = Size(width, len(self._lines))
        if to_end:
            # Set directly: scroll_to would wait for the next frame and paint twice.
            end = max(0, len(self._lines) - self.scrollable_content_region.height)
            self.scroll_target_y = end
            self.scroll_y = end
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.pinned = new_value >= self.max_scroll_y - 1

    def on_resize(self) -> None:
        pinned = self.pinned
        if self._width != (self.scrollable_content_region.width or self.size.width):
            self._layout(pinned)
        elif pinned:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.size.width, self.rich_style)
