"""The composer in the agent's flow: it opens on the newest message, shows the sent reply
going out, says what a reply does to the ticket's status, and can send and keep it open."""

from __future__ import annotations

from ui_support import ready, screen_text, wait_until

from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.composer import Composer
from agentdesk.ui.widgets.conversation import ConversationPane


def ops(store, tid) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in store.query(
            "SELECT kind, payload FROM outbox WHERE ticket_id = ? ORDER BY id", (tid,)
        )
    ]


async def open_on_a_long_thread(pilot, app, store) -> int:
    inbox = await ready(pilot, app)
    longest = store.one(
        "SELECT id FROM tickets WHERE stage = 0 AND connector = 'demo'"
        " ORDER BY message_count DESC LIMIT 1"
    )[0]
    for _ in range(500):
        if inbox.current_id() == longest:
            break
        await pilot.press("j")
    assert inbox.current_id() == longest, "the longest open thread is in All open"
    await pilot.pause(0.3)
    return longest


async def test_the_composer_opens_on_the_newest_message_and_shows_the_sent_reply(
    filled, filled_store
):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        inbox = app.screen.inbox
        await pilot.press("3")  # All open: every unsolved ticket
        tid = await open_on_a_long_thread(pilot, app, filled_store)
        pane = app.screen.query_one(ConversationPane)
        await wait_until(pilot, lambda: pane.ticket_id == tid)
        await pilot.press("enter", "g")  # the agent reads from the top
        await wait_until(pilot, lambda: not pane.pinned, what="scrolled up")
        await pilot.press("escape")
        await wait_until(pilot, lambda: inbox.has_focus)
        await pilot.press("r")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: composer.display)
        await pilot.pause(0.2)
        assert pane.pinned, "the newest message is in view while answering it"
        await pilot.press(*"Parcel re-sent today", "ctrl+s")
        await wait_until(pilot, lambda: not composer.display, what="sent")
        await wait_until(
            pilot, lambda: "Parcel re-sent today" in screen_text(app), what="the reply in view"
        )
        assert pane.pinned


async def test_the_composer_says_a_reply_sets_pending_and_ctrl_o_keeps_it_open(
    filled, filled_store
):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("3")
        tid = await open_on_a_long_thread(pilot, app, filled_store)
        await pilot.press("r")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: composer.display)
        title = str(composer.query_one("#composer-title").render())
        assert "sending sets pending; ctrl+o keeps it open" in title
        assert "Send, keep open" in screen_text(app), "the keys in the footer"
        await pilot.press(*"Still checking with the warehouse", "ctrl+o")
        await wait_until(pilot, lambda: not composer.display, what="sent")
        assert [k for k, _p in ops(filled_store, tid)] == ["reply", "status"]
        assert '"open"' in ops(filled_store, tid)[1][1]
        # A note changes nothing and says nothing about status.
        await pilot.press("n")
        await wait_until(pilot, lambda: composer.display)
        assert "sending sets" not in str(composer.query_one("#composer-title").render())
