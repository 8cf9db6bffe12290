"""The left column: every view with its live count; digits 1-9 select the first nine."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from agentdesk.text import one_line, pad_cells
from agentdesk.ui.widgets.quiet import update_if_changed


class ViewList(Static):
    class Clicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def show(self, views, counts: dict[str, int], selected: str) -> None:
        text = Text(no_wrap=True)
        # The counts take the room their largest needs, the names the rest (a Chinese name
        # takes two cells a character).
        digits = max((len(f"{counts.get(v.id, 0):,}") for v in views), default=1)
        count_width = max(4, digits + 1)
        width = max(6, self.size.width - 2 - count_width)
        for i, v in enumerate(views):
            key = str(i + 1) if i < 9 else " "
            style = "reverse bold" if v.id == selected else ""
            text.append(f"{key} ", "dim")
            text.append(pad_cells(one_line(v.title), width), style)
            text.append(f"{counts.get(v.id, 0):>{count_width},}", style or "cyan")
            text.append("\n")
        text.rstrip()
        update_if_changed(self, text)

    def on_click(self, event) -> None:
        self.post_message(self.Clicked(event.y))  # one view a line, as 1-9 number them
