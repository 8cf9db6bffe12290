"""A solve, a transfer or a bulk action is held for its undo window: the engine leaves its
ops alone, `u` takes it back and restores the tickets, and once the engine has taken an op
it is too late (never half undone). After the window the ops go out as any others."""

from __future__ import annotations

import json
import time

import pytest
from ui_support import notices, ready, wait_until

from agentdesk.store import actions, undo
from agentdesk.store.actions import ActionContext
from agentdesk.store.outbox import claim_next
from agentdesk.store.undo import UndoError
from agentdesk.sync.runner import run_once
from agentdesk.ui.app import AgentDeskApp


def ticket(store, tid):
    row = store.one(
        "SELECT status, assignee_id, team_id, message_count, preview FROM tickets WHERE id = ?",
        (tid,),
    )
    tags = [r[0] for r in store.query("SELECT tag FROM ticket_tags WHERE ticket_id = ?", (tid,))]
    return {**dict(row), "tags": sorted(tags)}


def open_tickets(store, n):
    return [
        r[0]
        for r in store.query(
            "SELECT id FROM tickets WHERE stage = 0 AND team_id IS NOT NULL ORDER BY id LIMIT ?",
            (n,),
        )
    ]


def test_a_held_solve_waits_and_undo_restores_the_ticket(filled, filled_store):
    ctx = ActionContext.from_settings(filled)
    [tid] = open_tickets(filled_store, 1)
    before = ticket(filled_store, tid)
    out = actions.set_status(filled_store, ctx, [tid], "solved", hold=10)
    assert out.held is not None and out.held.until >= time.time() + 9
    assert ticket(filled_store, tid)["status"] == "solved", "shown at once"
    assert claim_next(filled_store, "demo") is None, "the engine leaves it alone"
    assert undo.undo(filled_store, out.held.action_id, ctx.policies) == 1
    assert ticket(filled_store, tid) == before
    assert filled_store.one("SELECT count(*) FROM outbox")[0] == 0
    with pytest.raises(UndoError, match="nothing to undo"):
        undo.undo(filled_store, out.held.action_id, ctx.policies)


def test_undoing_a_bulk_transfer_takes_the_handoff_notes_out_of_the_threads(filled, filled_store):
    ctx = ActionContext.from_settings(filled)
    ids = open_tickets(filled_store, 3)
    before = {tid: ticket(filled_store, tid) for tid in ids}
    team = filled_store.one(
        "SELECT id FROM teams WHERE id NOT IN (SELECT team_id FROM tickets WHERE id IN (?, ?, ?))"
        " LIMIT 1",
        ids,
    )[0]
    out = actions.transfer(filled_store, ctx, ids, team_id=team, note="VIP: call back", hold=10)
    assert all(ticket(filled_store, t)["team_id"] == team for t in ids)
    assert all(
        ticket(filled_store, t)["message_count"] == before[t]["message_count"] + 1 for t in ids
    )
    assert undo.undo(filled_store, out.held.action_id, ctx.policies) == 3
    assert {t: ticket(filled_store, t) for t in ids} == before
    assert filled_store.one("SELECT count(*) FROM messages WHERE body = 'VIP: call back'")[0] == 0


def test_undo_keeps_what_else_waits_for_the_ticket(filled, filled_store):
    """Tags added before the solve, still unsent, stay when the solve is undone."""
    ctx = ActionContext.from_settings(filled)
    [tid] = open_tickets(filled_store, 1)
    actions.change_tags(filled_store, ctx, [tid], add=["vip"])
    out = actions.set_status(filled_store, ctx, [tid], "solved", hold=10)
    undo.undo(filled_store, out.held.action_id, ctx.policies)
    after = ticket(filled_store, tid)
    assert "vip" in after["tags"] and after["status"] != "solved"
    assert [r[0] for r in filled_store.query("SELECT kind FROM outbox")] == ["tags"]


def test_once_the_engine_took_it_it_is_too_late(filled, filled_store):
    ctx = ActionContext.from_settings(filled)
    [tid] = open_tickets(filled_store, 1)
    out = actions.set_status(filled_store, ctx, [tid], "solved", hold=10)
    with filled_store.write() as conn:  # the window closed
        conn.execute("UPDATE outbox SET next_attempt_at = 0")
    assert claim_next(filled_store, "demo") is not None
    with pytest.raises(UndoError, match="too late"):
        undo.undo(filled_store, out.held.action_id, ctx.policies)
    assert ticket(filled_store, tid)["status"] == "solved"


def test_after_the_window_the_held_ops_go_out(filled, filled_store):
    ctx = ActionContext.from_settings(filled)
    [tid] = open_tickets(filled_store, 1)
    remote = filled_store.one("SELECT remote_id FROM tickets WHERE id = ?", (tid,))[0]
    actions.set_status(filled_store, ctx, [tid], "solved", hold=1)
    run_once(filled)
    assert filled_store.one("SELECT state FROM outbox")[0] == "queued", "held: not yet"
    time.sleep(1.1)
    run_once(filled)
    assert filled_store.one("SELECT state FROM outbox")[0] == "sent"
    shop = json.loads((filled.data_dir / "connectors" / "demo" / "shop.json").read_text())
    assert shop["tickets"][remote]["status"] == "solved"


async def test_u_takes_a_solve_back_in_the_console(filled, filled_store):
    import dataclasses

    settings = dataclasses.replace(filled, ui=dataclasses.replace(filled.ui, undo_window=10))
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        before = ticket(filled_store, tid)
        await pilot.press("s")
        await wait_until(pilot, lambda: "u undoes" in notices(app), what="the undo notice")
        assert ticket(filled_store, tid)["status"] == "solved"
        await pilot.press("u")
        await wait_until(pilot, lambda: "undone: 1 ticket" in notices(app), what="undone")
        assert ticket(filled_store, tid) == before
        assert filled_store.one("SELECT count(*) FROM outbox")[0] == 0
        await pilot.press("u")
        await wait_until(pilot, lambda: "Nothing to undo." in notices(app))
