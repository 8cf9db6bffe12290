"""A partial update renders only the lines it paints, and paints what Textual would."""

from __future__ import annotations

import random

from textual._compositor import Compositor
from textual.geometry import Region
from ui_support import ready

from agentdesk.ui import cropped_render
from agentdesk.ui.app import AgentDeskApp


def painted(compositor: Compositor, crop: Region, get_renders) -> list[list]:
    """The segments of every line in `crop`, as the compositor would paint them."""
    saved = Compositor._get_renders
    Compositor._get_renders = get_renders
    try:
        chops = compositor._render_chops(crop, lambda y: True)
    finally:
        Compositor._get_renders = saved
    return [
        [(cut, list(strip)) for cut, strip in sorted(chops[y].items()) if strip is not None]
        for y in crop.line_range
    ]


async def test_cropped_renders_paint_what_textual_would(filled):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        assert cropped_render.install()
        await ready(pilot, app)
        await pilot.press("j", "j")  # a cursor row and a conversation on screen
        await pilot.pause()
        compositor = app.screen._compositor
        own = Compositor._get_renders
        textual_own = own.__wrapped__
        rng = random.Random(7)
        for _ in range(60):
            x, y = rng.randrange(120), rng.randrange(40)
            crop = Region(x, y, rng.randint(1, 120 - x), rng.randint(1, 40 - y))
            assert painted(compositor, crop, own) == painted(compositor, crop, textual_own), crop


async def test_a_key_renders_only_its_rows(filled, monkeypatch):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("j")
        await pilot.pause(0.3)  # the conversation followed
        asked: list[int] = []
        render_lines = type(inbox).render_lines

        def counting(self, crop):
            asked.append(crop.height)
            return render_lines(self, crop)

        monkeypatch.setattr(type(inbox), "render_lines", counting)
        inbox.refresh_line(3)  # what a j does while keys repeat: the old row and the new
        inbox.refresh_line(4)
        await pilot.pause()
        assert asked and max(asked) <= 2  # the two rows that changed, not the whole inbox


async def test_the_rows_a_scroll_shows_are_drawn_ahead_of_it(filled, monkeypatch):
    from agentdesk.ui.widgets import inbox as inbox_module

    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 30)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3")  # All open: more rows than the inbox shows
        await pilot.pause()
        assert inbox.window.total > inbox.size.height * 3 // 2 + 1
        for _ in range(inbox.size.height - 1):  # to the last row on screen, at a reading pace
            await pilot.press("j")
            await pilot.pause(0.05)  # the rows ahead are drawn once the move's frame is out
        assert inbox.cursor == int(inbox.scroll_offset.y) + inbox.size.height - 1
        drawn: list[str] = []
        render_row = inbox_module.render_row

        def counting(row, *args, **kwargs):
            drawn.append(row["subject"])
            return render_row(row, *args, **kwargs)

        monkeypatch.setattr(inbox_module, "render_row", counting)
        monkeypatch.setattr(inbox_module, "_AHEAD_PER_MOVE", 0)  # count the frame's own
        top = int(inbox.scroll_offset.y)
        inbox.move(1)  # past the edge: half a page scrolls in
        await pilot.pause()
        assert int(inbox.scroll_offset.y) > top
        # The row the cursor reached changes look; the half page it brings was ready.
        assert len(drawn) <= 2, drawn
