"""A short list with a highlighted choice, for the pickers (tens of items, not thousands)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class ChoiceList(Widget):
    COMPONENT_CLASSES = {"choice-list--highlight"}
    DEFAULT_CSS = """
    ChoiceList { height: 1fr; }
    ChoiceList > .choice-list--highlight { background: $accent; color: $text; text-style: bold; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[Text] = []
        self.index = 0

    def set_items(self, items: list[Text], index: int = 0) -> None:
        self.items = items
        self.index = max(0, min(index, len(items) - 1))
        self.refresh()

    def move(self, delta: int) -> None:
        if self.items:
            self.index = max(0, min(self.index + delta, len(self.items) - 1))
            self.refresh()

    def render(self) -> Text:
        height = max(1, self.size.height)
        top = max(0, min(self.index - height // 2, len(self.items) - height))
        out = Text(no_wrap=True, overflow="ellipsis")
        highlight = self.get_component_rich_style("choice-list--highlight")
        for i, item in enumerate(self.items[top : top + height], start=top):
            line = item.copy()
            line.truncate(max(1, self.size.width), overflow="ellipsis", pad=True)
            if i == self.index:
                line.stylize(highlight)
            out.append_text(line)
            out.append("\n")
        out.rstrip()
        return out
