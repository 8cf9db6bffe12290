"""The agent's own notifications, driven by Pilot on a real cache: a ticket given to me by a
colleague through the engine, a customer's answer on my ticket, an SLA warning, a mention;
grouped and rate-limited; silent while away; the terminal's bell and desktop escapes only
when [notify] asks, never carrying an escape from customer text. And the keys that go
with them: `z` snoozes with a typed time, `@` completes a colleague's name in a note."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from ui_support import notices, ready, wait_until

from agentdesk.config.settings import NotifySettings
from agentdesk.model import Message, PullBatch
from agentdesk.store import actions, snooze, snooze_actions
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store
from agentdesk.store.ingest import apply_batch
from agentdesk.sync.runner import run_once
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.composer import Composer

ME = "agent@shop.example"
EMMA = "emma@shop.example"


def as_emma(settings):
    agent = dataclasses.replace(settings.agent, name="Emma Walsh", email=EMMA)
    return dataclasses.replace(settings, agent=agent)


def with_notify(settings, **kw):
    return dataclasses.replace(settings, notify=NotifySettings(**{"min_interval": 1, **kw}))


def my_id(store) -> int:
    return store.one("SELECT id FROM agents WHERE email = ?", (ME,))[0]


def unassigned(store, n: int) -> list[int]:
    rows = store.query(
        "SELECT id FROM tickets WHERE assignee_id IS NULL AND stage = 0 ORDER BY id LIMIT ?", (n,)
    )
    return [r[0] for r in rows]


class Captured:
    """What the console writes to the terminal itself (bell, desktop escapes)."""

    def __init__(self, app):
        self.raw: list[str] = []
        app.terminal_signal = self.raw.append


async def test_a_ticket_a_colleague_gives_me_is_announced(filled, filled_store):
    settings = with_notify(filled)
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        signals = Captured(app)
        await pilot.pause(0.3)  # the notices' cursor starts at the end of the cache
        [tid] = unassigned(filled_store, 1)
        subject = filled_store.one("SELECT subject FROM tickets WHERE id = ?", (tid,))[0]
        emma = ActionContext.from_settings(as_emma(filled))
        actions.assign(filled_store, emma, [tid], my_id(filled_store))
        await asyncio.to_thread(run_once, filled)  # the engine delivers Emma's assignment
        await wait_until(
            pilot, lambda: "Assigned to you" in notices(app), timeout=15, what="notification"
        )
        assert subject[:20] in notices(app)
        assert signals.raw == [], "no bell, no desktop notification unless [notify] asks"


async def test_my_own_assignment_is_not_announced(filled, filled_store):
    app = AgentDeskApp(with_notify(filled))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.pause(0.3)
        [tid] = unassigned(filled_store, 1)
        actions.take(filled_store, ActionContext.from_settings(filled), [tid])
        await asyncio.to_thread(run_once, filled)
        app.screen.check_notices()
        await pilot.pause(1.5)
        assert "Assigned to you" not in notices(app)


async def test_ten_tickets_at_once_are_one_notification(filled, filled_store):
    app = AgentDeskApp(with_notify(filled, min_interval=60))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.pause(0.3)
        emma = ActionContext.from_settings(as_emma(filled))
        ids = unassigned(filled_store, 10)
        actions.assign(filled_store, emma, ids, my_id(filled_store))
        await asyncio.to_thread(run_once, filled)
        await wait_until(pilot, lambda: notices(app), timeout=15, what="notification")
        assert notices(app) == "10 tickets assigned to you"
        # Within min_interval nothing more is shown; the next ones wait for the next turn.
        more = unassigned(filled_store, 2)
        actions.assign(filled_store, emma, more, my_id(filled_store))
        await asyncio.to_thread(run_once, filled)
        app.screen.check_notices()
        await pilot.pause(1.5)
        assert len(app._notifications) == 1
        assert len(app.screen._batcher.pending) == 2, "kept for the next notification"


async def test_silent_while_away(filled, filled_store):
    app = AgentDeskApp(with_notify(filled, bell=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        signals = Captured(app)
        await pilot.press("P")  # online -> away
        await wait_until(pilot, lambda: app.screen.data.presence == "away", what="away")
        emma = ActionContext.from_settings(as_emma(filled))
        actions.assign(filled_store, emma, unassigned(filled_store, 1), my_id(filled_store))
        await asyncio.to_thread(run_once, filled)
        app.screen.check_notices()
        await pilot.pause(1.5)
        assert "assigned to you" not in notices(app).lower() and signals.raw == []


async def test_customer_answer_mention_and_sla_warning(filled, filled_store):
    app = AgentDeskApp(with_notify(filled, bell=True, desktop="osc9"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        signals = Captured(app)
        await pilot.pause(0.3)
        mine = filled_store.one(
            "SELECT t.id, t.remote_id, t.connector FROM tickets t JOIN agents a"
            " ON a.id = t.assignee_id WHERE a.email = ? AND t.stage = 0 LIMIT 1",
            (ME,),
        )
        evil = "Evil \x1b]0;pwned\x07 subject \x1b[31mred"
        customer_says = Message(
            "m-new-1", mine["remote_id"], "customer", "Pat", "Where is it?", int(time.time())
        )
        apply_batch(
            filled_store,
            mine["connector"],
            PullBatch(None, tickets=[], messages=[customer_says]),
            filled.sla_policies,
        )
        await wait_until(
            pilot, lambda: "Customer answered" in notices(app), timeout=15, what="answer"
        )
        emma = ActionContext.from_settings(as_emma(filled))
        actions.send_message(
            filled_store, emma, mine["id"], "@Demo Agent can you look?", internal=True
        )
        await wait_until(
            pilot, lambda: "Emma Walsh mentioned you" in notices(app), timeout=15, what="mention"
        )
        # A ticket of mine entering its warning window.
        with filled_store.write() as conn:
            conn.execute(
                "UPDATE tickets SET sla_next_due = ?, subject = ? WHERE id = ?",
                (int(time.time()) + 60, evil, mine["id"]),
            )
        await wait_until(pilot, lambda: "SLA due soon" in notices(app), timeout=15, what="SLA")
    raw = "".join(signals.raw)
    assert "\a" in raw and "\x1b]9;" in raw
    # The only escapes are ours: each OSC 9 opens with ESC ] 9 ; and ends with BEL.
    assert raw.count("\x1b") == raw.count("\x1b]9;")
    assert "Evil subject red" in raw and "pwned" not in raw and "[31m" not in raw


async def test_z_snoozes_until_a_typed_time_and_the_ticket_leaves_mine(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("z")
        await pilot.press(*"tomorrow 9")
        await pilot.press("tab", *"call back", "enter")
        await wait_until(
            pilot, lambda: snooze.state(filled_store, tid, ME) is not None, what="snoozed"
        )
        state = snooze.state(filled_store, tid, ME)
        assert state.note == "call back"
        await wait_until(pilot, lambda: inbox.current_id() != tid, what="left Mine")
        await pilot.press("7")  # Snoozed
        await wait_until(pilot, lambda: inbox.current_id() == tid, what="in Snoozed")
        assert app.screen.counts["snoozed"] == 1
        # z on a sleeping ticket offers to wake it first.
        await pilot.press("z", "enter")
        await wait_until(pilot, lambda: snooze.state(filled_store, tid, ME) is None, what="woken")


async def test_a_typed_time_that_cannot_be_read_keeps_the_dialog_open(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("z", *"someday", "enter")
        await pilot.pause(0.3)
        assert "cannot read 'someday'" in str(app.screen.query_one("#snooze-read").render())
        await pilot.press("escape")
        assert snooze.state(filled_store, tid, ME) is None


async def test_at_completes_a_colleague_in_a_note_and_records_the_mention(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("n", *"please look @em")
        composer = app.screen.query_one(Composer)
        hint = app.screen.query_one("#composer-mentions")
        await wait_until(pilot, lambda: hint.display, what="suggestions")
        assert "Emma Walsh" in str(hint.render())
        await pilot.press("tab", *"thanks", "ctrl+s")
        await wait_until(pilot, lambda: not composer.display, what="sent")
    row = filled_store.one(
        "SELECT m.body, a.email FROM mentions n JOIN messages m ON m.id = n.message_id"
        " JOIN agents a ON a.id = n.agent_id WHERE n.ticket_id = ?",
        (tid,),
    )
    assert tuple(row) == ("please look @Emma Walsh thanks", EMMA)


def test_the_cache_keeps_snoozes_across_a_restart(filled):
    with Store.open_dir(filled.data_dir) as store:
        tid = store.one("SELECT id FROM tickets LIMIT 1")[0]
        until = int(time.time()) + 3600
        snooze_actions.snooze(store, ActionContext.from_settings(filled), [tid], until, "later")
    with Store.open_dir(filled.data_dir) as store:
        assert snooze.state(store, tid, ME).until == until
