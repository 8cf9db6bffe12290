"""The transfer dialog: to an agent (handoff note required, offline or full asks again),
to a team (note optional); the ticket leaves Mine at once and shows as transferred."""

from __future__ import annotations

from ui_support import inbox_lines, ready, screen_text, wait_until

from agentdesk.store.presence import set_presence
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.modals.transfer import TransferDialog


def outbox_kinds(store, tid):
    return [
        r[0] for r in store.query("SELECT kind FROM outbox WHERE ticket_id = ? ORDER BY id", (tid,))
    ]


async def test_transfer_to_an_agent_needs_a_note_and_leaves_mine(filled, filled_store):
    colleague = filled_store.one(
        "SELECT id, remote_id, name FROM agents WHERE email != ? ORDER BY id LIMIT 1",
        (filled.agent.email,),
    )
    set_presence(filled_store, colleague["remote_id"], "online")
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        assert app.screen.selected == "mine"
        tid = inbox.current_id()
        mine_before = inbox.window.total
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferDialog))
        dialog = app.screen
        surname = colleague["name"].split()[-1]
        await pilot.press(*surname)
        await wait_until(pilot, lambda: dialog.shown and dialog.shown[0].id == colleague["id"])
        line = str(dialog.query_one("#transfer-list").render())
        assert "online" in line and "/" in line, "presence and load against capacity"
        await pilot.press("enter")
        if dialog.chosen is None:  # the colleague happens to be full: confirm
            await pilot.press("enter")
        assert dialog.chosen is not None and dialog.chosen.id == colleague["id"]
        await pilot.press("ctrl+s")
        assert "handoff note is required" in str(dialog.query_one("#transfer-status").render())
        await pilot.press(*"Customer wants a call back", "ctrl+s")
        await wait_until(pilot, lambda: outbox_kinds(filled_store, tid) == ["note", "transfer"])
        await wait_until(pilot, lambda: inbox.window.total == mine_before - 1, what="left Mine")
        assert inbox.window.index_of(tid) is None
        note = filled_store.one(
            "SELECT body, internal FROM messages WHERE ticket_id = ? ORDER BY id DESC LIMIT 1",
            (tid,),
        )
        assert (note["body"], note["internal"]) == ("Customer wants a call back", 1)
        assigned = filled_store.one("SELECT assignee_id FROM tickets WHERE id = ?", (tid,))[0]
        assert assigned == colleague["id"]


async def test_transfer_to_an_offline_agent_asks_first(filled, filled_store):
    colleague = filled_store.one(
        "SELECT id, remote_id, name FROM agents WHERE email != ? ORDER BY id DESC LIMIT 1",
        (filled.agent.email,),
    )
    set_presence(filled_store, colleague["remote_id"], "offline")
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("t")
        dialog = app.screen
        await wait_until(pilot, lambda: isinstance(dialog, TransferDialog))
        await pilot.press(*colleague["name"].split()[-1])
        await wait_until(pilot, lambda: dialog.shown and dialog.shown[0].id == colleague["id"])
        await pilot.press("enter")
        assert dialog.chosen is None
        assert "is offline" in str(dialog.query_one("#transfer-status").render())
        await pilot.press("enter")
        assert dialog.chosen is not None
        await pilot.press("escape")  # back to the list
        assert dialog.chosen is None
        await pilot.press("escape")  # and out: nothing transferred
        await wait_until(pilot, lambda: not isinstance(app.screen, TransferDialog))
        assert filled_store.one("SELECT count(*) FROM outbox")[0] == 0


async def test_transfer_to_a_team_shows_as_transferred(filled, filled_store):
    team = filled_store.one("SELECT id, name FROM teams ORDER BY name LIMIT 1")
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3")
        await wait_until(pilot, lambda: app.screen.selected == "open" and inbox.current_id())
        tid = inbox.current_id()
        await pilot.press("t")
        dialog = app.screen
        await wait_until(pilot, lambda: isinstance(dialog, TransferDialog))
        await pilot.press(*team["name"].split()[0])
        await wait_until(pilot, lambda: dialog.shown and dialog.shown[0].kind == "team")
        await pilot.press("enter", "ctrl+s")  # a team needs no note
        await wait_until(pilot, lambda: outbox_kinds(filled_store, tid) == ["transfer"])
        row = filled_store.one("SELECT team_id, assignee_id FROM tickets WHERE id = ?", (tid,))
        assert (row["team_id"], row["assignee_id"]) == (team["id"], None)
        # Queued and not yet delivered: the row says where it is going.
        index = inbox.window.index_of(tid)
        await wait_until(pilot, lambda: "→" in inbox_lines(app)[index - int(inbox.scroll_offset.y)])
        assert "transferred" in screen_text(app) or "→" in screen_text(app)
