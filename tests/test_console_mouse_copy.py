"""The mouse as a convenience (click a row, click a view, the wheel) and `y`, which copies
the ticket's number, then its order and tracking numbers, to the clipboard."""

from __future__ import annotations

from textual import events
from ui_support import notices, ready, wait_until

from agentdesk.store import reads
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.view_list import ViewList


async def test_a_click_selects_a_row_and_a_view(filled):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.click(ViewList, offset=(3, 2))  # the third line: All open
        await wait_until(pilot, lambda: app.screen.selected == app.screen.views[2].id)
        await wait_until(pilot, lambda: inbox.window is not None and inbox.window.total > 5)
        assert inbox.has_focus
        await pilot.click("#inbox", offset=(10, 4))
        await wait_until(pilot, lambda: inbox.cursor == int(inbox.scroll_offset.y) + 4)
        top = int(inbox.scroll_offset.y)
        for _ in range(3):  # the wheel (Pilot has no public call for it)
            await pilot._post_mouse_events([events.MouseScrollDown], "#inbox", offset=(10, 4))
        await wait_until(pilot, lambda: int(inbox.scroll_offset.y) > top, what="scrolled")


async def test_y_copies_the_ticket_number_then_the_order_then_the_tracking_number(
    filled, filled_store
):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        for _ in range(200):  # a ticket whose order has a tracking number
            refs = reads.references(filled_store, inbox.current_id())
            if len(refs) == 3:
                break
            await pilot.press("j")
        assert [what for what, _v in refs] == ["ticket", "order", "tracking number"]
        for what, value in refs:
            await pilot.press("y")
            await wait_until(pilot, lambda v=value: app.clipboard == v, what=what)
        assert "Copied the tracking number" in notices(app)
        await pilot.press("y")  # round again
        await wait_until(pilot, lambda: app.clipboard == refs[0][1])
