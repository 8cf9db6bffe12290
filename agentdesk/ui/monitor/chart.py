"""A bar chart of counts over time for the wallboard, several rows tall, as a Rich renderable.

One text row of bars has eight heights, so one busy hour flattened every other into the
same stub. Here each bar is `height` rows of eighth blocks (8 × height levels), with the
scale on the left and the hours below, and it widens its bars to the width it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

_EIGHTHS = " ▁▂▃▄▅▆▇█"


@dataclass
class BarChart:
    counts: list[int]  # one per slot, oldest first
    first: int  # when the first slot starts (seconds)
    slot: int = 3600  # seconds per slot
    height: int = 5
    zone: dt.tzinfo | None = None
    label_every: int = 4  # slots between time labels
    style: str = "cyan"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        top = max(self.counts, default=0)
        axis = len(str(top)) + 1
        n = max(len(self.counts), 1)
        room = max(options.max_width - axis, n)
        step = max(room // n, 1)  # cells per slot
        bar = max(step - 1, 1) if step > 1 else 1  # a one-cell gap between bars when there is room
        bar_style, dim = console.get_style(self.style), Style(dim=True)
        levels = [round(c / top * 8 * self.height) if top else 0 for c in self.counts]
        for row in range(self.height - 1, -1, -1):
            scale = str(top) if row == self.height - 1 else ("0" if row == 0 else "")
            yield Segment(scale.rjust(axis - 1) + "┤" if scale else " " * (axis - 1) + "│", dim)
            cells = []
            for level in levels:
                eighths = min(max(level - row * 8, 0), 8)
                cells.append(_EIGHTHS[eighths] * bar + " " * (step - bar))
            yield Segment("".join(cells), bar_style)
            yield Segment.line()
        yield Segment(" " * axis, dim)
        line = ""
        every = max(self.label_every, -(-6 // step))  # a label is 5 cells and a space
        for i in range(0, len(self.counts), every):
            at = dt.datetime.fromtimestamp(self.first + i * self.slot, self.zone)
            label = at.strftime("%H:00")
            line = line.ljust(i * step) + label
        yield Segment(line[: max(options.max_width - axis, 0)], dim)
        yield Segment.line()
