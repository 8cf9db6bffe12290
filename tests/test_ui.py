"""The first console screen, driven by Pilot on a real cache."""

from __future__ import annotations

import asyncio

from agentdesk.store import outbox
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.status_line import StatusLine
from agentdesk.ui.widgets.ticket_table import TicketTable
from agentdesk.ui.widgets.view_list import ViewList


def text_of(widget) -> str:
    return str(widget.render())


async def wait_until(pilot, cond, timeout=10.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        assert loop.time() < deadline, "condition not reached"
        await pilot.pause(0.05)


async def test_views_counts_and_switching(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        views = app.screen.query_one(ViewList)
        await wait_until(pilot, lambda: "All open" in text_of(views))
        open_count = filled_store.one(
            "SELECT count(*) FROM tickets WHERE status IN ('new', 'open')"
        )[0]
        assert f"{open_count:,}" in text_of(views)
        await pilot.press("3")
        await wait_until(pilot, lambda: app.screen.selected == "open")
        table = app.screen.query_one(TicketTable)
        first = filled_store.one(
            "SELECT c.name FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.stage = 0 ORDER BY t.due_key, t.created_at, t.id LIMIT 1"
        )[0]
        await wait_until(pilot, lambda: first in text_of(table))
        await pilot.press("j")
        await wait_until(pilot, lambda: app.screen.selected == "pending")
        assert "demo: ok" in text_of(app.screen.query_one(StatusLine))


async def test_changes_from_another_writer_show_without_a_key(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one(StatusLine)
        await wait_until(pilot, lambda: "0 queued" in text_of(status))
        tid = filled_store.one("SELECT id FROM tickets LIMIT 1")[0]
        outbox.enqueue_status(
            filled_store,
            tid,
            "pending",
            outbox.Actor(filled.agent.email, filled.agent.name),
            filled.sla_policies,
        )
        await wait_until(pilot, lambda: "1 queued" in text_of(status))


async def test_remote_text_cannot_inject_escapes(filled, filled_store):
    filled_store.conn.execute(
        "UPDATE tickets SET subject = ? WHERE id = (SELECT min(id) FROM tickets)",
        ("evil\x1b]52;c;aGk=\x07[bold]x[/] \x1b[2J",),
    )
    filled_store.conn.execute(
        "UPDATE tickets SET status = 'open', sla_first_due = 1 WHERE id = (SELECT min(id) FROM tickets)"
    )
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.overview is not None)
        await pilot.press("3")
        table = app.screen.query_one(TicketTable)
        await wait_until(pilot, lambda: "evil" in text_of(table))
        shown = text_of(table)
        assert "\x1b" not in shown and "\x07" not in shown
        assert "[bold]x[/]" in shown  # shown literally, never parsed as markup


async def test_themes_load_and_a_broken_one_falls_back(filled, tmp_path):
    import dataclasses

    config_dir = tmp_path / "cfg"
    (config_dir / "themes").mkdir(parents=True)
    (config_dir / "themes" / "broken.toml").write_text(
        'name = "broken"\nprimary = "not-a-colour"\n'
    )
    (config_dir / "themes" / "mine.toml").write_text('name = "mine"\nprimary = "#ff0000"\n')
    (config_dir / "config.toml").write_text('[ui]\ntheme = "mine"\n')
    from agentdesk.config import load_settings

    settings = dataclasses.replace(
        load_settings(config_dir / "config.toml", filled.data_dir, environ={}),
        connectors=filled.connectors,
    )
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "mine"
        assert "agentdesk-dark" in app.available_themes
        assert any("broken.toml" in str(n.message) for n in app._notifications)

    settings = dataclasses.replace(settings, ui=dataclasses.replace(settings.ui, theme="nope"))
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any('theme "nope" not found' in str(n.message) for n in app._notifications)
