"""Every built-in theme is readable: dividers, the selected row, muted text and every
coloured piece of text stand out from what is behind them by WCAG's contrast ratios
(3:1 for lines and large marks, 4.5:1 for text), in the console and the monitor."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from textual.color import Color
from ui_support import ready, wait_until

from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.monitor.app import MonitorApp
from agentdesk.ui.widgets.conversation import ConversationPane
from agentdesk.ui.widgets.inbox import Inbox

THEMES = ["agentdesk-dark", "agentdesk-light", "agentdesk-contrast"]
# The named colours our renderables use, resolved through the app's ANSI palette.
NAMED = ["red", "green", "yellow", "blue", "magenta", "cyan", "bright_red", "bright_green"]


def luminance(c: Color) -> float:
    def channel(v: int) -> float:
        v = v / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def ratio(a: Color, b: Color) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def component_colours(widget, names) -> dict[str, tuple[Color, Color]]:
    """(text, background) of each component class as drawn on the widget."""
    behind = widget.background_colors[1]
    out = {}
    for name in names:
        styles = widget.get_component_styles(name)
        bg = behind + styles.background
        out[name] = (bg + styles.color, bg)
    return out


def divider(widget, edge: str) -> tuple[Color, Color]:
    behind = widget.background_colors[1]
    return behind + getattr(widget.styles, f"border_{edge}")[1], behind


@pytest.mark.parametrize("theme", THEMES)
async def test_the_console_is_readable_in_every_theme(filled, theme):
    app = AgentDeskApp(filled, theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        assert app.theme == theme
        screen = app.screen
        for selector, edge in (("#views", "right"), ("#right", "left")):
            line, behind = divider(screen.query_one(selector), edge)
            assert ratio(line, behind) >= 3, (selector, line.hex, behind.hex)
        rows = component_colours(inbox, [c for c in Inbox.COMPONENT_CLASSES])
        for name, (fg, bg) in rows.items():
            if name == "inbox--cursor":
                continue
            assert ratio(fg, bg) >= 4.5, (name, fg.hex, bg.hex)
        # The selected row, focused: its text on its colour; not focused: still visible.
        fg, bg = rows["inbox--cursor"]
        assert inbox.has_focus and ratio(fg, bg) >= 4.5, (fg.hex, bg.hex)
        app.screen.query_one(ConversationPane).focus()
        await wait_until(pilot, lambda: not inbox.has_focus)
        _fg, bg = component_colours(inbox, ["inbox--cursor"])["inbox--cursor"]
        assert ratio(bg, inbox.background_colors[1]) >= 1.2, bg.hex
        pane = app.screen.query_one(ConversationPane)
        for name, (fg, bg) in component_colours(pane, ConversationPane.COMPONENT_CLASSES).items():
            if name == "conversation--card":
                continue  # a background, checked below
            wanted = 3 if name == "conversation--rule" else 4.5
            assert ratio(fg, bg) >= wanted, (name, fg.hex, bg.hex)
        card = component_colours(pane, ["conversation--card"])["conversation--card"][1]
        assert ratio(card, pane.background_colors[1]) >= 1.1
        behind = inbox.background_colors[1]
        for name in NAMED:
            colour = Color(*RichColor.parse(name).get_truecolor(app.ansi_theme))
            assert ratio(colour, behind) >= 4.5, (name, colour.hex, behind.hex)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_monitors_dividers_show_in_every_theme(filled, theme):
    app = MonitorApp(filled, theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query("#queues")), what="wallboard")
        for selector, edge in (("#queues", "right"), ("#tiles", "left")):
            line, behind = divider(app.screen.query_one(selector), edge)
            assert ratio(line, behind) >= 3, (selector, line.hex, behind.hex)
