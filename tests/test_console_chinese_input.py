"""Typing Chinese in the composer as an input method sends it through a terminal or SSH:
UTF-8 text, many characters in one read. Cursor movement and backspace go a character at a
time over double-width characters, a line mixes Chinese and English, and the draft comes
back intact."""

from __future__ import annotations

from textual._xterm_parser import XTermParser
from ui_support import ready, screen_text, wait_until

from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.composer import Composer


async def _type_burst(pilot, app, text: str) -> None:
    """The bytes of one read, parsed as the terminal driver parses them."""
    for event in XTermParser().feed(text):
        app.screen.focused.post_message(event)
    await pilot.pause(0.2)


async def test_chinese_typed_in_bursts_edits_and_comes_back_as_a_draft(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("r")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: composer.display)
        area = composer.area
        await _type_burst(pilot, app, "您好，退款已到账")
        assert area.text == "您好，退款已到账"
        assert area.cursor_location == (0, 8)  # characters, not cells
        await pilot.press("left", "left", "backspace")  # the 已 before 到账 goes
        assert area.text == "您好，退款到账"
        assert area.cursor_location == (0, 5)
        await _type_burst(pilot, app, " refund OK ")
        await pilot.press("end")
        await _type_burst(pilot, app, "。谢谢！")
        expected = "您好，退款 refund OK 到账。谢谢！"
        assert area.text == expected
        # What the terminal shows is what was typed: no half characters, nothing doubled.
        await pilot.pause(0.2)
        assert expected in screen_text(app)
        await pilot.press("escape")  # keeps the draft
        await wait_until(pilot, lambda: not composer.display)
        await wait_until(
            pilot,
            lambda: filled_store.one("SELECT body FROM drafts WHERE ticket_id = ?", (tid,)),
            what="draft written",
        )
        assert filled_store.one("SELECT body FROM drafts WHERE ticket_id = ?", (tid,))[0] == (
            expected
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: composer.display)
        await pilot.pause(0.1)
        assert composer.area.text == expected
