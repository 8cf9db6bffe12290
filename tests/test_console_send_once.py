"""A send is one action: a repeated ctrl+s, or one pressed again while another process holds
the cache's write lock, queues the message once; the composer says "sending…" and takes no
more text until the write is done, so the sent text never comes back as a draft."""

from __future__ import annotations

import sqlite3
import threading

from ui_support import burst, ready, wait_until

from agentdesk.store.drafts import load_draft
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.composer import Composer


def replies(store, tid) -> list[str]:
    return [
        r[0]
        for r in store.query(
            "SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_id"
            " WHERE o.ticket_id = ? AND o.kind = 'reply'",
            (tid,),
        )
    ]


async def test_ctrl_s_twice_in_one_burst_sends_once(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("r", *"On its way")
        burst(app, "ctrl+s", "ctrl+s", "ctrl+s")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: not composer.display, what="sent")
        await pilot.press("ctrl+s")  # and once more, after it closed: nothing to send
        await pilot.pause(0.3)
        assert replies(filled_store, tid) == ["On its way"]


async def test_a_send_waiting_on_the_write_lock_is_frozen_and_sent_once(filled, filled_store):
    """Another process holds the write lock for two seconds: nothing seems to happen, so
    the agent presses again and goes on typing. One reply, and no draft comes back."""
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("r", *"Refund issued today")
        composer = app.screen.query_one(Composer)
        await wait_until(
            pilot, lambda: load_draft(filled_store, tid, filled.agent.email) is not None
        )
        locked, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            other = sqlite3.connect(filled.data_dir / "agentdesk.db", isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(10)
            other.execute("COMMIT")
            other.close()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        locked.wait(5)
        try:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: composer.sending, what="frozen")
            assert "sending…" in str(composer.query_one("#composer-title").render())
            await pilot.press("ctrl+s", "ctrl+g", *" and more", "escape")
            await pilot.pause(2)
            assert composer.body == "Refund issued today", "no text taken while sending"
        finally:
            release.set()
            holder.join(10)
        await wait_until(pilot, lambda: not composer.display, what="sent", timeout=20)
        await pilot.pause(1)  # a draft save that was waiting would land now
        assert replies(filled_store, tid) == ["Refund issued today"]
        assert load_draft(filled_store, tid, filled.agent.email) is None
        await pilot.press("r")
        await wait_until(pilot, lambda: composer.display)
        assert composer.body == "", "the sent text does not come back"
