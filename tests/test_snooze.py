"""Snoozing: the typed times (English and Chinese), the presets, and the cache's side: a
snoozed ticket leaves only its agent's views, comes back at its time (a frozen clock moved
on) or when the customer writes, is announced once, and its reminder ends when the agent
acts on the ticket."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from agentdesk.model import Message, PullBatch
from agentdesk.snooze_time import WhenError, parse_when, presets
from agentdesk.store import actions, reads, snooze, snooze_actions
from agentdesk.store.actions import ActionContext, ActionRefused
from agentdesk.store.ingest import apply_batch
from agentdesk.store.views import agent_views, builtin_views

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY = dt.datetime(2026, 12, 1, 14, 20, tzinfo=SHANGHAI)
NINE, SIX = dt.time(9), dt.time(18)


@pytest.mark.parametrize(
    ("typed", "wakes"),
    [
        ("15:30", "2026-12-01 15:30"),
        ("13:00", "2026-12-02 13:00"),  # passed today: tomorrow
        ("tomorrow 9", "2026-12-02 09:00"),
        ("Tomorrow 9:30", "2026-12-02 09:30"),
        ("tomorrow", "2026-12-02 09:00"),  # a day alone: the working day's start
        ("2026-12-24", "2026-12-24 09:00"),
        ("12-24 10:00", "2026-12-24 10:00"),
        ("12月24日", "2026-12-24 09:00"),
        ("明天9点", "2026-12-02 09:00"),
        ("明天 9点半", "2026-12-02 09:30"),
        ("明晚8点", "2026-12-02 20:00"),
        ("下午3点", "2026-12-01 15:00"),
        ("下周一", "2026-12-07 09:00"),
        ("周五", "2026-12-04 09:00"),
        ("monday", "2026-12-07 09:00"),
        ("next mon 10am", "2026-12-07 10:00"),
        ("3pm", "2026-12-01 15:00"),
        ("tonight", "2026-12-01 18:00"),
        ("今晚", "2026-12-01 18:00"),
        ("2h", "2026-12-01 16:20"),
        ("in 2 hours", "2026-12-01 16:20"),
        ("30m", "2026-12-01 14:50"),
        ("2小时后", "2026-12-01 16:20"),
        ("1d", "2026-12-02 14:20"),
    ],
)
def test_typed_times(typed, wakes):
    assert parse_when(typed, TUESDAY, NINE, SIX).strftime("%Y-%m-%d %H:%M") == wakes


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("someday", "cannot read"),
        ("2026-02-30", "not a date"),
        ("25:00", "not a time of day"),
        ("2026-11-30", "has already passed"),
        ("", "type a time"),
    ],
)
def test_times_that_cannot_be_are_refused_in_words(typed, why):
    with pytest.raises(WhenError, match=why):
        parse_when(typed, TUESDAY, NINE, SIX)


def test_presets_follow_the_clock():
    labels = [(p.label, p.at.strftime("%m-%d %H:%M")) for p in presets(TUESDAY, NINE, SIX)]
    assert labels == [
        ("In 1 hour", "12-01 15:20"),
        ("This evening", "12-01 18:00"),
        ("Tomorrow morning", "12-02 09:00"),
        ("Next Monday", "12-07 09:00"),
    ]
    late = TUESDAY.replace(hour=17, minute=50)  # this evening is no longer ahead
    assert "This evening" not in [p.label for p in presets(late, NINE, SIX)]


# -- the cache ---------------------------------------------------------------------------


def views_of(store, me):
    return {v.id: v for v in agent_views(builtin_views(store, me, 1800), me)}


def in_view(store, me, view, tid) -> bool:
    return reads.in_view(store, views_of(store, me)[view].filter, tid)


def open_ticket(store):
    return store.one(
        "SELECT t.id, t.remote_id FROM tickets t WHERE t.stage = 0 ORDER BY t.id LIMIT 1"
    )


def test_a_snoozed_ticket_leaves_my_views_and_comes_back_at_its_time(
    filled, filled_store, monkeypatch
):
    me, other = filled.agent.email, "emma@shop.example"
    ctx = ActionContext.from_settings(filled)
    tid = open_ticket(filled_store)["id"]
    status = filled_store.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0]
    start = time.time()
    snooze_actions.snooze(filled_store, ctx, [tid], int(start) + 3600, "call back about the refund")
    assert not in_view(filled_store, me, "open", tid)
    assert in_view(filled_store, me, "snoozed", tid)
    assert in_view(filled_store, other, "open", tid), "a colleague's views are untouched"
    assert filled_store.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0] == status
    assert filled_store.query("SELECT * FROM outbox") == [], "the demo shop has no snooze"
    assert snooze.due_to_wake(filled_store, me) == []

    monkeypatch.setattr(time, "time", lambda: start + 3601)  # an hour on
    assert in_view(filled_store, me, "open", tid)
    assert not in_view(filled_store, me, "snoozed", tid)
    [back] = snooze.due_to_wake(filled_store, me)
    assert (back.ticket_id, back.note, back.reason) == (tid, "call back about the refund", "time")
    assert snooze.due_to_wake(filled_store, me) == [], "announced once"
    assert reads.row(filled_store, tid, me)["snooze"] == -1, "marked as a reminder"
    # Acting on the ticket ends the reminder.
    actions.send_message(filled_store, ctx, tid, "Calling you now.")
    assert snooze.state(filled_store, tid, me) is None


def test_the_customer_writing_wakes_it_early(filled, filled_store):
    me = filled.agent.email
    ticket = open_ticket(filled_store)
    snooze_actions.snooze(
        filled_store, ActionContext.from_settings(filled), [ticket["id"]], int(time.time()) + 86400
    )
    said = Message("m-wake", ticket["remote_id"], "customer", "Pat", "Hello?", int(time.time()))
    apply_batch(filled_store, "demo", PullBatch(None, messages=[said]), filled.sla_policies)
    assert in_view(filled_store, me, "open", ticket["id"])
    [back] = snooze.due_to_wake(filled_store, me)
    assert back.reason == "customer"


def test_waking_by_hand_and_a_time_in_the_past(filled, filled_store):
    me = filled.agent.email
    ctx = ActionContext.from_settings(filled)
    tid = open_ticket(filled_store)["id"]
    with pytest.raises(ActionRefused, match="already passed"):
        snooze_actions.snooze(filled_store, ctx, [tid], int(time.time()) - 5)
    snooze_actions.snooze(filled_store, ctx, [tid], int(time.time()) + 600)
    assert snooze_actions.wake(filled_store, ctx, [tid]).done == [tid]
    assert in_view(filled_store, me, "open", tid)
    assert (
        snooze_actions.wake(filled_store, ctx, [tid]).skipped[0][2] == "the ticket is not snoozed"
    )


def test_the_v9_migration_keeps_an_older_cache(tmp_path):
    import sqlite3

    from agentdesk.store.db import Store
    from agentdesk.store.schema import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "agentdesk.db"
    conn = sqlite3.connect(path)
    conn.create_function("pinyin_keys", 1, lambda s: "")
    for version, sql in enumerate(MIGRATIONS[:8]):
        conn.executescript(sql + f"\nPRAGMA user_version = {version + 1};")
    conn.execute("INSERT INTO connector_state (connector, cursor, updated_at) VALUES ('x', 'c', 1)")
    conn.commit()
    conn.close()
    with Store.open_dir(tmp_path) as store:
        assert store.one("PRAGMA user_version")[0] == SCHEMA_VERSION
        row = store.one("SELECT cursor, first_sync_done FROM connector_state")
        assert tuple(row) == ("c", None)
        assert store.query("SELECT * FROM snoozes") == []


def test_a_new_tickets_note_that_calls_a_colleague_is_a_mention(filled, filled_store):
    from agentdesk.model import Ticket

    now = int(time.time())
    ticket = Ticket("DEMO-90001", "email", "Lost parcel", "open", "c-new", now, now)
    note = Message(
        "m-n1", "DEMO-90001", "agent", "Zhou Hao", "@Emma can you call them?", now,
        internal=True, agent_remote_id="a-zhou",
    )  # fmt: skip
    batch = PullBatch(None, tickets=[ticket], messages=[note])
    apply_batch(filled_store, "demo", batch, filled.sla_policies)
    row = filled_store.one(
        "SELECT a.email FROM mentions n JOIN agents a ON a.id = n.agent_id"
        " JOIN tickets t ON t.id = n.ticket_id WHERE t.remote_id = 'DEMO-90001'"
    )
    assert row[0] == "emma@shop.example"
    views = views_of(filled_store, "emma@shop.example")
    tid = filled_store.one("SELECT id FROM tickets WHERE remote_id = 'DEMO-90001'")[0]
    assert reads.in_view(filled_store, views["mentions"].filter, tid)
