"""The agent console driven by Pilot on a real cache: navigation, views, live updates,
reply, note, drafts across a restart, the staleness check, status keys, bulk, search."""

from __future__ import annotations

import asyncio
import json

from ui_support import burst, inbox_lines, ready, screen_text, wait_until

from agentdesk.store import actions, outbox, reads
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store
from agentdesk.sync.runner import run_once
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.composer import Composer
from agentdesk.ui.widgets.conversation import ConversationPane
from agentdesk.ui.widgets.status_line import StatusLine
from agentdesk.ui.widgets.view_list import ViewList


def acting(settings) -> ActionContext:
    return ActionContext.from_settings(settings)


def draft_body(store, tid) -> str | None:
    row = store.one("SELECT body FROM drafts WHERE ticket_id = ?", (tid,))
    return row[0] if row else None


def heading_of(plain: str, body: str) -> str:
    """The heading line (author, time, delivery) above the message whose body is `body`."""
    lines = plain.splitlines()
    index = max(i for i, line in enumerate(lines) if body in line)
    return lines[index - 1]


def open_ids(store) -> list[int]:
    """All open tickets in the inbox's default order (SLA due, then age)."""
    return [
        r[0]
        for r in store.query(
            "SELECT id FROM tickets WHERE stage = 0 ORDER BY due_key, created_at, id"
        )
    ]


async def test_views_with_counts_and_navigation(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        views = app.screen.query_one(ViewList)
        n_open = filled_store.one("SELECT count(*) FROM tickets WHERE stage = 0")[0]
        assert f"{n_open:,}" in str(views.render())
        await pilot.press("3")
        ids = open_ids(filled_store)
        await wait_until(pilot, lambda: inbox.current_id() == ids[0], what="All open, first row")
        first_customer = filled_store.one(
            "SELECT c.name FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
            (ids[0],),
        )[0]
        assert first_customer[:6] in inbox_lines(app)[0]
        await pilot.press("j", "j", "down")
        assert inbox.current_id() == ids[3]
        await pilot.press("k")
        assert inbox.current_id() == ids[2]
        # The conversation follows the cursor with no Enter.
        subject = filled_store.one("SELECT subject FROM tickets WHERE id = ?", (ids[2],))[0]
        await wait_until(pilot, lambda: subject[:10] in screen_text(app), what="conversation")
        await pilot.press("G")
        assert inbox.current_id() == ids[-1]
        await pilot.press("g")
        assert inbox.current_id() == ids[0]


async def test_sync_changes_appear_without_a_key_and_keep_the_cursor(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3", "j", "j", "j")
        ids = open_ids(filled_store)
        await wait_until(pilot, lambda: inbox.current_id() == ids[3])
        before = inbox.window.total
        # Another process makes a ticket due first: it sorts above the cursor.
        other = filled_store.one("SELECT id FROM tickets WHERE stage = 2 ORDER BY id LIMIT 1")[0]
        actions.set_status(filled_store, acting(filled), [other], "open")
        filled_store.conn.execute("UPDATE tickets SET sla_first_due = 1 WHERE id = ?", (other,))
        await wait_until(pilot, lambda: inbox.window.total == before + 1, what="new row")
        assert inbox.current_id() == ids[3], "the agent's cursor stayed on their ticket"
        assert inbox.window.get(0)["id"] == other
        status = app.screen.query_one(StatusLine)
        await wait_until(pilot, lambda: "1 queued" in str(status.render()))


async def test_reply_shows_queued_then_sent(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("r")
        composer = app.screen.query_one(Composer)
        assert composer.display and composer.kind == "reply"
        await pilot.press(*"Thanks for waiting")
        await pilot.press("ctrl+s")

        def last_message():
            return filled_store.one(
                "SELECT body, delivery, internal FROM messages WHERE ticket_id = ? ORDER BY id DESC LIMIT 1",
                (tid,),
            )

        await wait_until(pilot, lambda: last_message()["body"] == "Thanks for waiting")
        assert last_message()["delivery"] == "queued" and not last_message()["internal"]
        thread = app.screen.query_one(ConversationPane)
        await wait_until(
            pilot, lambda: "Thanks for waiting" in thread.thread_plain, what="shown at once"
        )
        assert "queued" in heading_of(thread.thread_plain, "Thanks for waiting")
        assert not composer.display
        await asyncio.to_thread(run_once, filled)  # the engine delivers it
        await wait_until(pilot, lambda: last_message()["delivery"] == "sent")
        await wait_until(
            pilot,
            lambda: (
                "Thanks for waiting" in thread.thread_plain
                and "queued" not in heading_of(thread.thread_plain, "Thanks for waiting")
            ),
            what="sent",
        )
        assert filled_store.one("SELECT count(*) FROM drafts WHERE ticket_id = ?", (tid,))[0] == 0


async def test_internal_note_is_marked_and_not_a_reply(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("n", *"check stock first", "ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                filled_store.one(
                    "SELECT count(*) FROM outbox WHERE ticket_id = ? AND kind = 'note'", (tid,)
                )[0]
                == 1
            ),
        )
        await wait_until(pilot, lambda: "NOTE" in screen_text(app))
        row = filled_store.one(
            "SELECT internal FROM messages WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", (tid,)
        )
        assert row["internal"] == 1


async def test_draft_survives_a_restart(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("r", *"half a sentence")
        await wait_until(
            pilot,
            lambda: draft_body(filled_store, tid) == "half a sentence",
            what="draft saved while typing",
        )
    # The app is gone (as after a dropped SSH session); a new one finds the draft.
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        assert inbox.current_id() == tid
        await pilot.press("r")
        assert app.screen.query_one(Composer).body == "half a sentence"
        await pilot.press("escape")
        assert not app.screen.query_one(Composer).display
        assert draft_body(filled_store, tid) == "half a sentence"


async def test_staleness_check_asks_before_sending(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("r", *"Your parcel is on its way")
        await wait_until(pilot, lambda: draft_body(filled_store, tid) is not None)
        # Meanwhile the customer writes again (as a sync would record it).
        filled_store.conn.execute(
            "UPDATE tickets SET last_customer_at = last_customer_at + 600 WHERE id = ?", (tid,)
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "customer wrote again" in screen_text(app).lower())
        assert filled_store.one("SELECT count(*) FROM outbox WHERE ticket_id = ?", (tid,))[0] == 0
        await pilot.press("n")  # back to the draft: nothing sent
        await pilot.pause(0.2)
        assert filled_store.one("SELECT count(*) FROM outbox WHERE ticket_id = ?", (tid,))[0] == 0
        # The agent has seen the change now; the second send goes.
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                filled_store.one("SELECT count(*) FROM outbox WHERE ticket_id = ?", (tid,))[0] == 1
            ),
        )


async def test_send_solve_next(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3")
        ids = open_ids(filled_store)
        await wait_until(pilot, lambda: inbox.current_id() == ids[0])
        await pilot.press("r", *"Done, thanks", "ctrl+g")
        await wait_until(pilot, lambda: inbox.current_id() == ids[1], what="next ticket")
        kinds = [
            r[0]
            for r in filled_store.query(
                "SELECT kind FROM outbox WHERE ticket_id = ? ORDER BY id", (ids[0],)
            )
        ]
        assert kinds == ["reply", "status"]
        status = filled_store.one("SELECT status FROM tickets WHERE id = ?", (ids[0],))[0]
        assert status == "solved"


async def test_status_keys_and_take(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("2")  # Unassigned
        await wait_until(pilot, lambda: app.screen.selected == "unassigned" and inbox.current_id())
        tid = inbox.current_id()
        await pilot.press("a")

        def ticket():
            return filled_store.one(
                "SELECT t.status, a.email FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.id = ?",
                (tid,),
            )

        await wait_until(pilot, lambda: ticket()["email"] == filled.agent.email, what="taken")
        await wait_until(pilot, lambda: inbox.current_id() != tid, what="left Unassigned")
        await pilot.press("1")
        await wait_until(pilot, lambda: app.screen.selected == "mine")
        index = inbox.window.index_of(tid)
        if index is None:
            await wait_until(pilot, lambda: inbox.window.index_of(tid) is not None)
            index = inbox.window.index_of(tid)
        inbox.move_to(index)
        for key, expected in (("p", "pending"), ("o", "open"), ("s", "solved")):
            inbox.move_to(inbox.window.index_of(tid) or 0) if inbox.window.index_of(
                tid
            ) is not None else None
            if inbox.current_id() != tid:
                break
            await pilot.press(key)
            await wait_until(pilot, lambda e=expected: ticket()["status"] == e, what=expected)
        kinds = [
            r[0] for r in filled_store.query("SELECT kind FROM outbox WHERE ticket_id = ?", (tid,))
        ]
        assert kinds == ["assign", "status", "status", "status"]


async def test_bulk_marks_apply_to_every_marked_ticket(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3")
        ids = open_ids(filled_store)
        await wait_until(pilot, lambda: inbox.current_id() == ids[0])
        await pilot.press("x", "j", "x", "x")  # marks ids[0], ids[2], ids[3]
        assert inbox.marked == {ids[0], ids[2], ids[3]}
        await pilot.press("number_sign")
        await pilot.press(*"urgent-check", "enter")
        await wait_until(
            pilot,
            lambda: (
                filled_store.one("SELECT count(*) FROM ticket_tags WHERE tag = 'urgent-check'")[0]
                == 3
            ),
        )
        assert not inbox.marked, "marks clear after a bulk action"
        await pilot.press("x", "x")
        marked = set(inbox.marked)
        await pilot.press("s")
        await wait_until(
            pilot,
            lambda: all(
                filled_store.one("SELECT status FROM tickets WHERE id = ?", (t,))[0] == "solved"
                for t in marked
            ),
        )


async def test_search_is_a_temporary_view_that_can_be_saved(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("slash")
        await pilot.press(*"channel:email status:open", "enter")
        await wait_until(pilot, lambda: app.screen.selected == "search")
        expected = filled_store.one(
            "SELECT count(*) FROM tickets WHERE channel = 'email' AND status = 'open'"
        )[0]
        await wait_until(pilot, lambda: inbox.window.total == expected, what="search results")
        assert "Search: channel:email status:open" in screen_text(app)
        # Chinese text works too.
        await pilot.press("slash", "ctrl+u")
        for ch in "退款":
            await pilot.press(ch)
        await pilot.press("enter")
        n_cn = reads.count(
            filled_store,
            __import__("agentdesk.store.filters", fromlist=["compile_query"]).compile_query(
                __import__("agentdesk.query", fromlist=["parse"]).parse("退款"), filled.agent.email
            ),
        )
        await wait_until(pilot, lambda: inbox.window.total == n_cn and n_cn > 0)
        # A bad filter is a clear message, not a crash.
        await pilot.press("slash", "ctrl+u", *"status:sideways", "enter")
        await wait_until(
            pilot, lambda: "status" in screen_text(app) and "sideways" in screen_text(app)
        )
        await pilot.press("escape")
        # Save the search from the palette.
        app.screen.save_search_as_view()
        await pilot.pause(0.1)
        await pilot.press("ctrl+u", *"Refunds CN", "enter")
        await wait_until(
            pilot,
            lambda: filled_store.one("SELECT query FROM saved_searches WHERE name = 'Refunds CN'"),
        )
        await wait_until(pilot, lambda: "Refunds" in str(app.screen.query_one(ViewList).render()))
        assert app.screen.selected == "search:Refunds CN"


async def test_presence_online_while_running_offline_after(filled, filled_store):
    key = filled.agent.email

    def presence():
        return filled_store.one(
            "SELECT presence, viewing_ticket_id FROM agents WHERE email = ?", (key,)
        )

    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await wait_until(pilot, lambda: presence()["presence"] == "online")
        await pilot.press("j")
        await wait_until(pilot, lambda: presence()["viewing_ticket_id"] == inbox.current_id())
        await pilot.press("P")  # cycle: away
        await wait_until(pilot, lambda: presence()["presence"] == "away")
    assert presence()["presence"] == "offline"
    assert presence()["viewing_ticket_id"] is None


async def test_another_agent_viewing_shows_on_the_row_and_in_the_conversation(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        colleague = filled_store.one(
            "SELECT id, name FROM agents WHERE email != ? ORDER BY id LIMIT 1",
            (filled.agent.email,),
        )
        from agentdesk.store.presence import set_viewing

        with Store.open_dir(filled.data_dir) as other:
            login = other.one("SELECT remote_id FROM agents WHERE id = ?", (colleague["id"],))[0]
            set_viewing(other, login, tid, "typing")
        # Mine at 120 columns has no assignee column: a mark after the flags says someone is
        # typing (the name is in the conversation; tests/test_inbox_columns.py has the rest).
        await wait_until(pilot, lambda: inbox_lines(app)[0][3] == "✎", what="typing on the row")
        await wait_until(pilot, lambda: f"{colleague['name']} is typing" in screen_text(app))


async def test_failed_reply_can_be_edited_and_resent(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        [op_uuid] = actions.send_message(filled_store, acting(filled), tid, "first try").op_uuids
        op = outbox.claim_next(filled_store, "demo")
        assert op.uuid == op_uuid
        outbox.mark_failed(filled_store, op, "550 mailbox unavailable")
        await wait_until(pilot, lambda: "550 mailbox unavailable" in screen_text(app))
        await pilot.press("E")
        composer = app.screen.query_one(Composer)
        assert composer.display and composer.body == "first try"
        await pilot.press("ctrl+u", *"second try", "ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                filled_store.one("SELECT state, payload FROM outbox WHERE uuid = ?", (op_uuid,))[
                    "state"
                ]
                == "queued"
            ),
        )
        payload = json.loads(
            filled_store.one("SELECT payload FROM outbox WHERE uuid = ?", (op_uuid,))[0]
        )
        assert payload["body"] == "second try"


async def test_conversation_scrolls_under_a_pinned_header(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 30)) as pilot:
        inbox = await ready(pilot, app)
        pane = app.screen.query_one(ConversationPane)

        def length() -> int:
            return filled_store.one(
                "SELECT message_count FROM tickets WHERE id = ?", (inbox.current_id(),)
            )[0]

        # The first ticket with a thread longer than the pane (the demo's threads vary).
        for _ in range(40):
            if length() >= 4:
                break
            await pilot.press("j")
        await wait_until(pilot, lambda: pane.ticket_id == inbox.current_id())
        assert length() >= 4, "a thread longer than the pane"

        def rule() -> str:
            return pane._rule().text

        assert "earlier" in rule() and "newer" not in rule(), "opens at the newest message"
        await pilot.press("enter")
        assert pane.has_focus and "j/k · esc" in rule()
        await pilot.press("g")
        assert "newer" in rule() and "earlier" not in rule()
        subject = filled_store.one(
            "SELECT subject FROM tickets WHERE id = ?", (inbox.current_id(),)
        )[0]
        assert subject[:6] in screen_text(app), "the header stays while the thread scrolls"
        await pilot.press("escape")
        assert inbox.has_focus


async def test_attachments_saved_with_a_key(filled, filled_store):
    with_files = {
        r[0]
        for r in filled_store.query(
            "SELECT DISTINCT ticket_id FROM messages WHERE attachments != '[]'"
        )
    }
    order = open_ids(filled_store)
    index = next(i for i, tid in enumerate(order) if tid in with_files)
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3")  # All open: the order of open_ids()
        await wait_until(pilot, lambda: inbox.current_id() == order[0], what="All open")
        inbox.move_to(index)  # walking there with j is tested elsewhere
        await wait_until(pilot, lambda: inbox.current_id() == order[index])
        thread = app.screen.query_one(ConversationPane)
        await wait_until(pilot, lambda: "📎 photo_1.jpg" in thread.thread_plain, what="listed")
        await pilot.press("A")
        await wait_until(pilot, lambda: "saving…" in thread.thread_plain, what="asked")
        await asyncio.to_thread(run_once, filled)  # the engine fetches it
        await wait_until(pilot, lambda: "saved to" in thread.thread_plain, what="saved")
    [path] = [
        r["path"]
        for r in filled_store.query("SELECT path FROM attachment_saves WHERE state = 'saved'")
    ]
    listed = json.loads(
        filled_store.one(
            "SELECT attachments FROM messages WHERE ticket_id = ? AND attachments != '[]'",
            (order[index],),
        )[0]
    )
    with open(path, "rb") as f:
        assert len(f.read()) == listed[0]["size"]


async def test_taking_a_ticket_reads_as_assigned_to_me(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("2")  # Unassigned
        await wait_until(pilot, lambda: inbox.current_id() is not None)
        tid = inbox.current_id()
        await pilot.press("a")
        await asyncio.to_thread(run_once, filled)  # delivered: the event is recorded
        await pilot.press("3")
        while inbox.current_id() != tid:  # find it again in All open
            await pilot.press("j")
        thread = app.screen.query_one(ConversationPane)
        name = filled.agent.name
        await wait_until(
            pilot, lambda: f"assigned it to {name}" in thread.thread_plain, what="the event"
        )
        assert "assigned it to nobody" not in thread.thread_plain


async def test_a_read_from_before_a_search_does_not_take_the_agent_back(filled, filled_store):
    """A screen read begun before the agent searched (the poll's, the notices' turn on the
    reader) finishes after it: it must not put the agent back in the view it was reading,
    which knew nothing of the search."""
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        screen = app.screen
        before, choice = screen.data, screen._choice
        number = filled_store.one("SELECT remote_id FROM tickets ORDER BY id LIMIT 1")[0]
        await pilot.press("slash", *number, "enter")
        await wait_until(pilot, lambda: screen.selected == "search", what="search")
        screen._apply(before, screen._nav, "mine", choice)  # the late read lands
        assert screen.selected == "search"
        await wait_until(
            pilot,
            lambda: (
                inbox.current_id()
                == filled_store.one("SELECT id FROM tickets WHERE remote_id = ?", (number,))[0]
            ),
            what="the search's ticket",
        )


async def test_the_conversation_follows_one_j_at_once_and_a_held_j_at_rest(filled, monkeypatch):
    from agentdesk.ui.screens import main as main_screen

    class Clock:  # the screen's idea of when the cursor last moved, held still
        now = 1000.0

        def monotonic(self) -> float:
            return self.now

    clock = Clock()
    monkeypatch.setattr(main_screen, "time", clock)
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        screen = app.screen
        pane = screen.query_one(ConversationPane)
        await pilot.pause(1.0)  # the first read's own moves are done
        clock.now += 10  # a rest
        await pilot.press("j")
        assert pane.ticket_id == inbox.current_id(), "painted with the move, no wait"
        assert screen._follow_timer is None
        # Keys with no time between them: a held key. The pane waits for the rest …
        burst(app, "j", "j", "j")
        await wait_until(pilot, lambda: inbox.cursor == 4, what="three more moves")
        assert screen._follow_timer is not None
        # … and follows once it has.
        await wait_until(
            pilot, lambda: pane.ticket_id == inbox.current_id(), timeout=20, what="at rest"
        )
        # After a rest the key's own action shows the conversation (no message in between),
        # so the inbox's rows and the conversation are painted in one frame.
        clock.now += 10
        screen.action_move(1)
        assert pane.ticket_id == inbox.current_id() == screen._followed
